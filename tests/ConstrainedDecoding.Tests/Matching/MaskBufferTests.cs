using ConstrainedDecoding.Testing;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>The span passed to FillNextTokenMask: length checks and untouched tails.</summary>
public class MaskBufferTests
{
    [Fact]
    public void TooShortSpanThrowsNamingTheParameter()
    {
        var vocab = FakeVocabularies.JsonLike();
        var m = Lark(LarkJson, vocab).CreateMatcher();
        Assert.True(m.MaskWordCount > 1);
        var ex = Assert.Throws<ArgumentException>(() => m.FillNextTokenMask(new uint[m.MaskWordCount - 1]));
        Assert.Equal("mask", ex.ParamName);
        Assert.Contains(m.MaskWordCount.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => m.FillNextTokenMask(Span<uint>.Empty));
    }

    [Fact]
    public void LongerSpanLeavesWordsPastMaskWordCountUntouched()
    {
        var vocab = FakeVocabularies.EdgeCases(["ab", "{\""]);
        var m = Lark(LarkJson, vocab).CreateMatcher();
        const uint Sentinel = 0xDEADBEEF;
        var big = new uint[m.MaskWordCount + 5];
        foreach (string step in new[] { "", "{", "\"ab\": 1", "}" })
        {
            Assert.True(m.TryAcceptString(step));
            Array.Fill(big, Sentinel);
            m.FillNextTokenMask(big);
            Assert.Equal(Mask(m), big[..m.MaskWordCount]);
            Assert.All(big[m.MaskWordCount..], w => Assert.Equal(Sentinel, w));
        }
        Assert.True(m.TryAcceptToken(Stop(vocab)));
        Array.Fill(big, Sentinel);
        m.FillNextTokenMask(big);
        Assert.All(big[..m.MaskWordCount], w => Assert.Equal(0u, w)); // terminated: cleared
        Assert.All(big[m.MaskWordCount..], w => Assert.Equal(Sentinel, w));
    }

    [Fact]
    public void MaskWordCountFollowsTheLogitsWidth()
    {
        var vocab = FakeVocabularies.Bytes(); // 257 tokens
        foreach (int width in new[] { 257, 287, 288, 289, 1000 })
        {
            var m = Lark(LarkJson, vocab.WithLogitsWidth(width)).CreateMatcher();
            Assert.Equal((width + 31) / 32, m.MaskWordCount);
            Assert.Equal(m.MaskWordCount, m.Grammar.MaskWordCount);
        }
    }
}
