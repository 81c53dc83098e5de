using System.Text;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Once every state a sequence visits has its tables, replaying it allocates nothing.</summary>
public class SteadyStateAllocationTests
{
    private const string Document = "{\"name\": \"abc\", \"age\": [12, true, null, -1], \"x\": {\"y\": 0.5, \"z\": \"\\u00e9\"}}";

    [Fact]
    public void WarmFillAndAcceptAllocateNothing()
    {
        var vocab = FakeVocabularies.JsonLike();
        var m = Lark(LarkJson, vocab).CreateMatcher();
        int[] ids = Greedy(vocab, Document);
        Assert.Contains(ids, id => vocab.GetTokenBytes(id).Length > 1); // multi-byte tokens cross terminal boundaries
        var mask = new uint[m.MaskWordCount];
        Replay(m, ids, mask); // cold: builds the lazy tables and contexts
        Replay(m, ids, mask);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Replay(m, ids, mask);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static void Replay(GrammarMatcher m, int[] ids, uint[] mask)
    {
        m.Reset();
        foreach (int id in ids)
        {
            m.FillNextTokenMask(mask);
            if (!IsSet(mask, id) || !m.TryAcceptToken(id)) Assert.Fail($"token {id} rejected");
        }
        m.FillNextTokenMask(mask);
        Assert.True(m.IsAccepting);
    }

    // Longest vocabulary entry at each position (the single bytes cover everything).
    private static int[] Greedy(TokenVocabulary vocab, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var byBytes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < vocab.Count; id++)
        {
            if (vocab.IsSpecial(id) || vocab.StopTokenIds.Contains(id)) continue;
            byBytes.TryAdd(Convert.ToHexString(vocab.GetTokenBytes(id)), id);
        }
        var ids = new List<int>();
        int at = 0;
        while (at < bytes.Length)
        {
            for (int length = bytes.Length - at; length > 0; length--)
            {
                if (byBytes.TryGetValue(Convert.ToHexString(bytes, at, length), out int id))
                {
                    ids.Add(id);
                    at += length;
                    break;
                }
            }
        }
        return [.. ids];
    }
}
