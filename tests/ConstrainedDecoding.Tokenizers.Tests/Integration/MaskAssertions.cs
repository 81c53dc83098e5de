using System.Text;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Tokenizers.Tests.Integration;

/// <summary>Mask comparisons and readable failure messages for the integration tests.</summary>
internal static class MaskAssertions
{
    private const int TailChars = 160;

    /// <summary>
    /// Longest a single fast mask fill may take before the test fails instead of waiting (a cold fill of a
    /// code grammar over a 150k vocabulary takes about a second in Debug; anything near this limit is a bug).
    /// </summary>
    public static readonly TimeSpan FillTimeLimit = TimeSpan.FromSeconds(20);
    private const int MaxListedDifferences = 24;

    /// <summary>Fills the fast mask and the brute-force reference mask at the matcher's state and asserts they are equal.</summary>
    public static void FastEqualsReference(GrammarMatcher matcher, uint[] fast, uint[] reference, ReadOnlySpan<byte> textSoFar, string where)
    {
        FillWithin(matcher, fast, textSoFar, where);
        ReferenceMasks.Fill(matcher, reference);
        var diff = ReferenceMasks.Differences(fast, reference);
        if (diff.Count == 0) return;
        var vocab = matcher.Grammar.Vocabulary;
        var sb = new StringBuilder();
        sb.Append($"{where}: fast mask differs from the reference in {diff.Count} tokens after {textSoFar.Length} bytes {Tail(textSoFar)}");
        foreach (int id in diff.Take(MaxListedDifferences))
        {
            bool inFast = IsSet(fast, id);
            sb.Append($"\n  token {id} [{Hex(vocab.GetTokenBytes(id))}] {Quote(vocab.GetTokenBytes(id))}: fast={(inFast ? 1 : 0)} reference={(inFast ? 0 : 1)}");
        }
        if (diff.Count > MaxListedDifferences) sb.Append($"\n  ... and {diff.Count - MaxListedDifferences} more");
        Assert.Fail(sb.ToString());
    }

    /// <summary>
    /// <see cref="GrammarMatcher.FillNextTokenMask"/> on a background thread, failing the test when it takes
    /// longer than <see cref="FillTimeLimit"/> (so a runaway fill fails with the state instead of hanging the run;
    /// the abandoned thread keeps running until the test process exits).
    /// </summary>
    public static void FillWithin(GrammarMatcher matcher, uint[] mask, ReadOnlySpan<byte> textSoFar, string where)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                matcher.FillNextTokenMask(mask);
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true };
        thread.Start();
        if (!thread.Join(FillTimeLimit))
        {
            Assert.Fail($"{where}: FillNextTokenMask did not finish within {FillTimeLimit.TotalSeconds:F0} s after {textSoFar.Length} bytes {Tail(textSoFar)}");
        }
        if (error is not null) throw new InvalidOperationException($"{where}: FillNextTokenMask threw", error);
    }

    /// <summary>Whether bit <paramref name="id"/> is set.</summary>
    public static bool IsSet(ReadOnlySpan<uint> mask, int id) => (mask[id >> 5] & (1u << (id & 31))) != 0;

    /// <summary>The ids set in a mask, in order (only ids below the vocabulary size can be set).</summary>
    public static List<int> SetIds(ReadOnlySpan<uint> mask)
    {
        var ids = new List<int>();
        for (int w = 0; w < mask.Length; w++)
        {
            uint x = mask[w];
            while (x != 0)
            {
                ids.Add((w << 5) + System.Numerics.BitOperations.TrailingZeroCount(x));
                x &= x - 1;
            }
        }
        return ids;
    }

    /// <summary>The last characters of a byte string as quoted, escaped text.</summary>
    public static string Tail(ReadOnlySpan<byte> text)
    {
        var s = Encoding.UTF8.GetString(text);
        return Quote(s.Length <= TailChars ? s : "…" + s[^TailChars..]);
    }

    /// <summary>Space-separated hex bytes.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', bytes.ToArray().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A token's bytes as quoted, escaped text.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes) => Quote(Encoding.UTF8.GetString(bytes));

    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A description of a token id for messages.</summary>
    public static string Describe(TokenVocabulary vocab, int id) =>
        vocab.IsStop(id) ? $"stop token {id}" : $"token {id} [{Hex(vocab.GetTokenBytes(id))}] {Quote(vocab.GetTokenBytes(id))}";
}
