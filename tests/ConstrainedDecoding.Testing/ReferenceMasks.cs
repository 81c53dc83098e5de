using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Testing;

/// <summary>
/// The brute-force reference mask: every token's bytes are run through the matcher's recognizer one
/// by one. Slow (|V| × token length steps) but obviously exact; the fast mask must equal it.
/// </summary>
public static class ReferenceMasks
{
    /// <summary>Fills <paramref name="mask"/> by checking every token individually.</summary>
    public static void Fill(GrammarMatcher matcher, Span<uint> mask)
    {
        var vocab = matcher.Grammar.Vocabulary;
        mask = mask[..vocab.MaskWordCount];
        mask.Clear();
        for (int id = 0; id < vocab.Count; id++)
        {
            bool allowed;
            if (matcher.IsTerminated) allowed = false;
            else if (vocab.IsStop(id)) allowed = matcher.IsAccepting;
            else if (vocab.IsSpecial(id)) allowed = false;
            else allowed = matcher.IsBytesAllowed(vocab.GetTokenBytes(id));
            if (allowed) mask[id >> 5] |= 1u << (id & 31);
        }
    }

    /// <summary>Token ids whose bits differ between two masks.</summary>
    public static List<int> Differences(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        var diff = new List<int>();
        for (int w = 0; w < Math.Min(a.Length, b.Length); w++)
        {
            uint x = a[w] ^ b[w];
            while (x != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(x);
                diff.Add((w << 5) + bit);
                x &= x - 1;
            }
        }
        return diff;
    }
}
