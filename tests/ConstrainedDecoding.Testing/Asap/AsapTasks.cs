using System.Text;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Testing.Asap;

/// <summary>
/// The synthetic tasks of the ASAp experiments: binary strings over the tokens <c>0</c>, <c>1</c> and a stop token,
/// whose conditioned distributions are computed exactly by enumeration, and a 50,000-token task for memory.
/// </summary>
public static class AsapTasks
{
    /// <summary>Tokens <c>0</c> (id 0), <c>1</c> (id 1) and a textless stop token (id 2).</summary>
    public static TokenVocabulary Binary() =>
        TokenVocabulary.Create([[(byte)'0'], [(byte)'1'], null], [2], [2], name: "binary");

    /// <summary>The three small tasks with exact answers.</summary>
    public static IReadOnlyList<AsapTask> Small() => [SkewedPrefix(), NoAdjacentOnes(), EvenOnes()];

    /// <summary>
    /// The paper's skewed-prefix example: the grammar is <c>00000 | 1[01]{4}</c> and the model puts 0.9 on a first
    /// <c>0</c>, a prefix with a single legal continuation. Plain constrained decoding outputs <c>00000</c> about 90% of
    /// the time; conditioned on the grammar its probability is 0.36.
    /// </summary>
    public static AsapTask SkewedPrefix()
    {
        var vocabulary = Binary();
        var model = new SyntheticLanguageModel(3, (prefix, logits) =>
        {
            (double zero, double one, double stop) = prefix.Length switch
            {
                0 => (0.899, 0.1, 0.001),
                < 5 => (0.4995, 0.4995, 0.001),
                _ => (0.05, 0.05, 0.9),
            };
            logits[0] = (float)Math.Log(zero);
            logits[1] = (float)Math.Log(one);
            logits[2] = (float)Math.Log(stop);
        });
        return new AsapTask("skewed-prefix", vocabulary, new GrammarCompiler(vocabulary).CompileRegex("00000|1[01]{4}"), model, 12);
    }

    /// <summary>
    /// Binary strings of length 5 with no two adjacent <c>1</c>s, under a table-driven model (logits drawn from a hash
    /// of the prefix) that leans towards <c>1</c>: many likely prefixes have few legal continuations.
    /// </summary>
    public static AsapTask NoAdjacentOnes() =>
        FromPredicate("binary5-no-11", s => s.Length == 5 && !s.Contains("11", StringComparison.Ordinal), salt: 11, oneBias: 1.0);

    /// <summary>Binary strings of length 1 to 5 with an even number of <c>1</c>s (the stop token is legal at many depths).</summary>
    public static AsapTask EvenOnes() =>
        FromPredicate("binary1to5-even-ones", s => s.Length is >= 1 and <= 5 && s.Count(c => c == '1') % 2 == 0, salt: 23, oneBias: 0.5);

    private static AsapTask FromPredicate(string name, Func<string, bool> keep, int salt, double oneBias)
    {
        var vocabulary = Binary();
        var strings = new List<string>();
        for (int length = 1; length <= 5; length++)
        {
            for (int bits = 0; bits < 1 << length; bits++)
            {
                var sb = new StringBuilder();
                for (int k = length - 1; k >= 0; k--) sb.Append((bits >> k & 1) == 1 ? '1' : '0');
                if (keep(sb.ToString())) strings.Add(sb.ToString());
            }
        }
        var model = new SyntheticLanguageModel(3, (prefix, logits) =>
        {
            logits[0] = (float)((SyntheticLanguageModel.HashUniform(prefix, salt) * 4) - 2);
            logits[1] = (float)((SyntheticLanguageModel.HashUniform(prefix, salt + 1) * 4) - 2 + oneBias);
            logits[2] = prefix.Length >= 5 ? 3f : (float)((SyntheticLanguageModel.HashUniform(prefix, salt + 2) * 3) - 4);
        });
        return new AsapTask(name, vocabulary, new GrammarCompiler(vocabulary).CompileRegex(string.Join('|', strings)), model, 12);
    }

    /// <summary>
    /// A task over a large vocabulary (default 50,000 tokens: every lower-case word of 1 to 4 letters in order, then a
    /// stop token) with the grammar <c>[a-z]{4,12}</c>. The model's logits are a fixed seeded row rotated by a hash of
    /// the prefix, with the stop token likelier as the output grows. Used to measure trie memory per sample.
    /// </summary>
    /// <param name="size">Tokens before the stop token.</param>
    public static AsapTask LargeVocabulary(int size = 50_000)
    {
        var tokens = new List<byte[]?>(size + 1);
        for (int length = 1; tokens.Count < size; length++)
        {
            var word = new byte[length];
            Array.Fill(word, (byte)'a');
            while (tokens.Count < size)
            {
                tokens.Add((byte[])word.Clone());
                int k = length - 1;
                while (k >= 0 && word[k] == (byte)'z') word[k--] = (byte)'a';
                if (k < 0) break;
                word[k]++;
            }
        }
        tokens.Add(null);
        int stop = tokens.Count - 1;
        var vocabulary = TokenVocabulary.Create(tokens, [stop], [stop], name: $"letters-{size}");
        var random = new Random(5);
        var baseRow = new float[size];
        for (int i = 0; i < size; i++) baseRow[i] = (float)(random.NextDouble() * random.NextDouble() * 12);
        var model = new SyntheticLanguageModel(size + 1, (prefix, logits) =>
        {
            int shift = (int)(SyntheticLanguageModel.HashUniform(prefix, 7) * size);
            baseRow.AsSpan(shift).CopyTo(logits);
            baseRow.AsSpan(0, shift).CopyTo(logits[(size - shift)..]);
            logits[stop] = 4f + (2f * prefix.Length);
        });
        return new AsapTask($"letters-{size / 1000}k", vocabulary, new GrammarCompiler(vocabulary).CompileRegex("[a-z]{4,12}"), model, 16);
    }
}
