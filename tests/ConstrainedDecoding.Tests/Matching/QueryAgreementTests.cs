using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>IsTokenAllowed, IsBytesAllowed, TryAcceptToken and TryAcceptBytes answer exactly like the mask bit.</summary>
public class QueryAgreementTests
{
    private static readonly string[] Words = ["{\"", "\": ", "tr", "ue", "true", "[1", ", ", "]}", "\"a\"", "é", "\"}"];

    public static TheoryData<string> Prefixes => new() { "", "{", "{\"", "{\"a", "{\"a\": ", "{\"a\": tr", "{\"a\": [1, ", "{\"a\": [1, 2]", "{\"a\": [1, 2]}" };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void EveryQueryAgreesWithTheMaskBit(string prefix)
    {
        var vocab = FakeVocabularies.EdgeCases(Words);
        var m = Lark(LarkJson, vocab).CreateMatcher();
        Assert.True(m.TryAcceptString(prefix));
        var mask = Mask(m);
        var before = State(m);
        AssertMaskMatchesReference(m, prefix);

        for (int id = -2; id < vocab.LogitsWidth + 2; id++)
        {
            bool bit = id >= 0 && id < mask.Length * 32 && IsSet(mask, id);
            Assert.Equal(bit, m.IsTokenAllowed(id));
            if (id >= 0 && id < vocab.Count && !vocab.IsSpecial(id) && !vocab.IsStop(id))
            {
                Assert.Equal(bit, m.IsBytesAllowed(vocab.GetTokenBytes(id)));
                Assert.Equal(bit, m.TryAcceptBytes(vocab.GetTokenBytes(id)));
                if (bit) Undo(m, vocab.GetTokenBytes(id).Length);
            }
            Assert.Equal(bit, m.TryAcceptToken(id));
            if (bit) Undo(m, id < vocab.Count && !vocab.IsStop(id) ? vocab.GetTokenBytes(id).Length : 0);
            Assert.Equal(before, State(m));
        }

        void Undo(GrammarMatcher matcher, int bytes)
        {
            Assert.Equal(before.Accepted + 1, matcher.AcceptedCount);
            Assert.Equal(before.Bytes + bytes, matcher.ConsumedByteCount);
            matcher.Rollback(1);
        }
    }

    [Fact]
    public void AcceptedStringIsOneRollbackUnit()
    {
        var m = Lark(LarkJson, FakeVocabularies.JsonLike()).CreateMatcher();
        Assert.True(m.TryAcceptToken('['));
        var before = State(m);
        Assert.True(m.TryAcceptString("{\"é日\": [1, 2.5e3, null]}, "));
        Assert.Equal(2, m.AcceptedCount);
        Assert.Equal(1 + Utf8("{\"é日\": [1, 2.5e3, null]}, ").Length, m.ConsumedByteCount);
        m.Rollback(1);
        Assert.Equal(before, State(m));
    }

    [Fact]
    public void RejectedBytesLeaveNoTrace()
    {
        var m = Lark(LarkJson, FakeVocabularies.JsonLike()).CreateMatcher();
        Assert.True(m.TryAcceptString("{\"a\""));
        var before = State(m);
        // The first bytes are viable, the last is not: nothing of it may stick.
        Assert.False(m.IsBytesAllowed(Utf8(": [1, }")));
        Assert.False(m.TryAcceptBytes(Utf8(": [1, }")));
        Assert.False(m.TryAcceptString(": [1, }"));
        Assert.Equal(before, State(m));
        Assert.True(m.TryAcceptString(": [1]}"));
        Assert.True(m.IsAccepting);
    }

    [Fact]
    public void EmptyBytesAreAcceptedAsAnEmptyUnit()
    {
        var m = Lark(LarkJson, FakeVocabularies.JsonLike()).CreateMatcher();
        var before = State(m);
        Assert.True(m.IsBytesAllowed([]));
        Assert.True(m.TryAcceptBytes([]));
        Assert.Equal(1, m.AcceptedCount);
        Assert.Equal(before.Mask, State(m).Mask);
        m.Rollback(1);
        Assert.Equal(before, State(m));
    }

    [Fact]
    public void NullStringThrows()
    {
        var m = Lark(LarkJson, FakeVocabularies.JsonLike()).CreateMatcher();
        Assert.Throws<ArgumentNullException>(() => m.TryAcceptString(null!));
    }

    [Fact]
    public void WiderLogitsShareTheMasksOfTheOriginalVocabulary()
    {
        TokenVocabulary narrow = FakeVocabularies.JsonLike();
        var wide = narrow.WithLogitsWidth(narrow.Count + 100);
        Assert.Equal(narrow.Fingerprint, wide.Fingerprint);
        Assert.Equal((narrow.Count + 100 + 31) / 32, wide.MaskWordCount);
        var a = Lark(LarkJson, narrow).CreateMatcher();
        var b = Lark(LarkJson, wide).CreateMatcher();
        foreach (string step in new[] { "", "[", "{\"", "x\": ", "nu", "ll}", "]" })
        {
            Assert.True(a.TryAcceptString(step));
            Assert.True(b.TryAcceptString(step));
            var ma = Mask(a);
            var mb = Mask(b);
            Assert.Equal(Allowed(ma), Allowed(mb));
            AssertMaskMatchesReference(b, step);
        }
    }
}
