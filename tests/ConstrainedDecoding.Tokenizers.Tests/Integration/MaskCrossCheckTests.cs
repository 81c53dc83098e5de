using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tokenizers.Tests.Integration;

/// <summary>
/// Acceptance check: the fast mask equals the brute-force reference mask (every token's bytes run
/// through the recognizer) at sampled states of real documents, for every built-in grammar and every
/// shared tokenizer. Documents are segmented greedily into tokens the grammar accepts and replayed;
/// the states compared are picked with a fixed seed per (tokenizer, grammar, document).
/// </summary>
public class MaskCrossCheckTests
{
    /// <summary>
    /// States compared per document (the end state included). The reference costs |V| recognizer runs per
    /// state (up to about 1 s at 128k tokens for SQL and the code grammars in Debug), so those get fewer.
    /// </summary>
    private static int SamplesPerDocument(string grammar) => grammar switch
    {
        "json" => 5,
        "arithmetic" => 5,
        "sql" => 4,
        _ => 3,
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var tokenizer in SharedTokenizers.Names)
        {
            foreach (var grammar in IntegrationInputs.GrammarNames) data.Add(tokenizer, grammar);
        }
        return data;
    }

    [RequiresDataTheory]
    [MemberData(nameof(Cases))]
    public void FastMaskEqualsReferenceAtSampledStates(string tokenizer, string grammar)
    {
        var compiled = IntegrationInputs.Compile(tokenizer, grammar);
        var vocab = compiled.Vocabulary;
        var segmenter = GreedySegmenter.For(vocab);
        var fast = new uint[compiled.MaskWordCount];
        var reference = new uint[compiled.MaskWordCount];
        int compared = 0;
        foreach (var (name, bytes) in IntegrationInputs.Documents(grammar))
        {
            var ids = segmenter.Segment(compiled, bytes);
            var samples = SamplePositions(ids.Count, SamplesPerDocument(grammar), IntegrationInputs.StableSeed($"{tokenizer}/{grammar}/{name}"));
            var matcher = compiled.CreateMatcher();
            int consumed = 0;
            for (int i = 0; i <= ids.Count; i++)
            {
                string where = $"{tokenizer}/{grammar}/{name} at token {i} of {ids.Count}";
                if (samples.Contains(i))
                {
                    MaskAssertions.FastEqualsReference(matcher, fast, reference, bytes.AsSpan(0, consumed), where);
                    compared++;
                }
                if (i == ids.Count)
                {
                    // The whole document: every stop token is allowed and nothing has been cut off.
                    Assert.True(matcher.IsAccepting, where);
                    foreach (int stop in vocab.StopTokenIds.Where(s => s < vocab.Count)) Assert.True(MaskAssertions.IsSet(fast, stop), $"{where}: stop token {stop} not allowed");
                    break;
                }
                if (samples.Contains(i)) Assert.True(MaskAssertions.IsSet(fast, ids[i]), $"{where}: the document's next {MaskAssertions.Describe(vocab, ids[i])} is missing from the fast mask after {MaskAssertions.Tail(bytes.AsSpan(0, consumed))}");
                Assert.True(matcher.TryAcceptToken(ids[i]), where);
                consumed += vocab.GetTokenBytes(ids[i]).Length;
            }
            Assert.Equal(bytes.Length, consumed);
        }
        Assert.True(compared > 0);
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct positions in 0..<paramref name="tokens"/>: always the end
    /// (stop allowed), the rest drawn with a fixed seed.
    /// </summary>
    private static HashSet<int> SamplePositions(int tokens, int count, int seed)
    {
        var picked = new HashSet<int> { tokens };
        var rng = new Random(seed);
        while (picked.Count < Math.Min(count, tokens + 1)) picked.Add(rng.Next(0, tokens));
        return picked;
    }
}
