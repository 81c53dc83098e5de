using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Which tokens a matcher accepts, and what the mask says about special, stop and padding ids.</summary>
public class TokenAcceptanceTests
{
    private static readonly string[] Words = ["<a", "b>", "<ab>", "!", "ab", "<eos>"];

    // "<" word ">" "!"; the text "<eos>" is a viable prefix, but the stop token with that text must not count as text.
    private const string Tagged = """start: "<" /[a-z]+/ ">" "!" """;

    private static (TokenVocabulary Vocab, GrammarMatcher Matcher) Create()
    {
        var vocab = FakeVocabularies.EdgeCases(Words);
        return (vocab, Lark(Tagged, vocab).CreateMatcher());
    }

    [Fact]
    public void DisallowedTokensAreRejectedWithoutChangingState()
    {
        var (vocab, m) = Create();
        Assert.True(m.TryAcceptToken('<'));
        var before = State(m);
        foreach (int id in new[] { '!', '>', '<', 'A', FakeVocabularies.IdOf(vocab, Utf8("<a")) })
        {
            Assert.False(m.TryAcceptToken(id), $"token {id}");
            Assert.Equal(before, State(m));
        }
    }

    [Fact]
    public void SpecialOutOfRangeAndPaddingIdsAreRejectedWithoutChangingState()
    {
        var (vocab, m) = Create();
        Assert.True(vocab.LogitsWidth > vocab.Count);
        Assert.True(m.TryAcceptString("<ab"));
        var before = State(m);
        int[] bad = [FakeVocabularies.EdgeSpecialId(vocab), -1, int.MinValue, vocab.Count, vocab.LogitsWidth - 1, vocab.LogitsWidth, int.MaxValue];
        foreach (int id in bad)
        {
            Assert.False(m.TryAcceptToken(id), $"token {id}");
            Assert.False(m.IsTokenAllowed(id), $"token {id}");
            Assert.Equal(before, State(m));
        }
    }

    [Fact]
    public void SpecialTokenWithViableTextIsNeverAllowed()
    {
        // The special token's text "<|tool|>" is a viable prefix of this grammar, yet it must stay masked.
        var vocab = FakeVocabularies.EdgeCases(Words);
        var m = Lark("""start: /[<|a-z>]+/""", vocab).CreateMatcher();
        int special = FakeVocabularies.EdgeSpecialId(vocab);
        Assert.True(m.IsBytesAllowed(Utf8("<|tool|>")));
        Assert.False(IsSet(Mask(m), special));
        Assert.False(m.TryAcceptToken(special));
        Assert.Equal(0, m.AcceptedCount);
    }

    [Fact]
    public void MaskBitsOfPaddingAndSpecialTokensAreZeroEvenInADirtyBuffer()
    {
        var (vocab, m) = Create();
        var mask = new uint[m.MaskWordCount];
        Assert.Equal((vocab.LogitsWidth + 31) / 32, mask.Length);
        foreach (string step in new[] { "", "<", "ab", ">", "!" })
        {
            Assert.True(m.TryAcceptString(step));
            Array.Fill(mask, uint.MaxValue);
            m.FillNextTokenMask(mask);
            for (int id = vocab.Count; id < mask.Length * 32; id++) Assert.False(IsSet(mask, id), $"padding bit {id} after '{step}'");
            Assert.False(IsSet(mask, FakeVocabularies.EdgeSpecialId(vocab)));
            AssertMaskMatchesReference(m, step);
        }
    }

    [Fact]
    public void StopBitsAreSetExactlyWhenAccepting()
    {
        var (vocab, m) = Create();
        int[] stops = [FakeVocabularies.EdgeTextStopId(vocab), Stop(vocab)];
        // The text "<eos>" is viable at the start, but a stop token is judged only by IsAccepting.
        Assert.True(m.IsBytesAllowed(Utf8("<eos>")));
        foreach (string step in new[] { "", "<", "e", "os", ">", "!" })
        {
            Assert.True(m.TryAcceptString(step));
            var mask = Mask(m);
            Assert.Equal(step == "!", m.IsAccepting);
            foreach (int stop in stops)
            {
                Assert.Equal(m.IsAccepting, IsSet(mask, stop));
                Assert.Equal(m.IsAccepting, m.IsTokenAllowed(stop));
            }
        }
        Assert.False(m.IsBytesAllowed(Utf8("<eos>"))); // after the end, the text is not viable but the stop token is
    }

    [Fact]
    public void StopTokenIsRejectedBeforeTheEnd()
    {
        var (vocab, m) = Create();
        Assert.True(m.TryAcceptString("<ab>"));
        var before = State(m);
        Assert.False(m.TryAcceptToken(Stop(vocab)));
        Assert.False(m.TryAcceptToken(FakeVocabularies.EdgeTextStopId(vocab)));
        Assert.Equal(before, State(m));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AfterStopNothingIsAllowedAndRollbackOneUndoesIt(bool textStop)
    {
        var (vocab, m) = Create();
        int stop = textStop ? FakeVocabularies.EdgeTextStopId(vocab) : Stop(vocab);
        Assert.True(m.TryAcceptString("<ab>!"));
        var beforeStop = State(m);
        Assert.True(m.TryAcceptToken(stop));

        Assert.True(m.IsTerminated);
        Assert.False(m.IsAccepting);
        Assert.Equal(2, m.AcceptedCount);
        Assert.Equal(5, m.ConsumedByteCount); // the stop token's text is not consumed
        Assert.All(Mask(m), w => Assert.Equal(0u, w));
        for (int id = 0; id < vocab.Count; id++)
        {
            Assert.False(m.IsTokenAllowed(id));
            Assert.False(m.TryAcceptToken(id));
        }
        Assert.False(m.TryAcceptBytes([]));
        Assert.False(m.TryAcceptString("!"));
        Assert.False(m.IsBytesAllowed([]));
        Assert.Empty(m.GetForcedBytes());
        Assert.False(m.TryGetForcedToken(out _));
        AssertMaskMatchesReference(m, "terminated");

        m.Rollback(1);
        Assert.Equal(beforeStop, State(m));
        Assert.True(m.TryAcceptToken(stop)); // and it can be accepted again
    }

    [Fact]
    public void DuplicateBytesTokensHaveEqualBits()
    {
        var vocab = FakeVocabularies.EdgeCases(Words);
        var m = Lark("""start: ("<a" | "<ab>" | "b>")+ "!" """, vocab).CreateMatcher();
        foreach (string step in new[] { "", "<", "a", "b>", "<ab>", "!" })
        {
            Assert.True(m.TryAcceptString(step), step);
            var mask = Mask(m);
            for (int w = 0; w < Words.Length; w++)
            {
                int first = 256 + w, second = FakeVocabularies.EdgeDuplicateId(Words.Length, w);
                Assert.True(vocab.GetTokenBytes(first).SequenceEqual(vocab.GetTokenBytes(second)));
                Assert.Equal(IsSet(mask, first), IsSet(mask, second));
            }
            AssertMaskMatchesReference(m, step);
        }
        // Accepting either duplicate gives the same state.
        var a = m.Grammar.CreateMatcher();
        var b = m.Grammar.CreateMatcher();
        Assert.True(a.TryAcceptToken(256 + 2));
        Assert.True(b.TryAcceptToken(FakeVocabularies.EdgeDuplicateId(Words.Length, 2)));
        Assert.Equal(State(a), State(b));
    }
}
