using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Large repeats, exponential DFAs, and vocabulary argument checks.</summary>
public class MatcherLimitTests
{
    [Fact]
    public void LargeBoundedRepeatCompilesAndMatches()
    {
        var vocab = FakeVocabularies.BytesAndWords(["aa", "aaaa", "ab"]);
        var m = new GrammarCompiler(vocab).Compile(Grammar.FromRegex("a{0,100000}")).CreateMatcher();
        Assert.True(m.IsAccepting); // zero repetitions
        WalkAndCompare(m, "aaaaa");
        Assert.Equal(5, m.ConsumedByteCount);
        Assert.True(m.IsTokenAllowed(FakeVocabularies.IdOf(vocab, "aaaa"u8)));
        Assert.False(m.IsTokenAllowed(FakeVocabularies.IdOf(vocab, "ab"u8)));
        Assert.True(m.TryAcceptToken(Stop(vocab)));
    }

    /// <summary>
    /// <c>(a|b)*a(a|b){20}</c> has a minimal DFA of 2^21 states, over the <see cref="Limits.MaxDfaStates"/> limit.
    /// The engine builds DFA states lazily, so it works: a walk only visits as many states as it has bytes.
    /// </summary>
    [Fact]
    public void ExponentialDfaRegexWorksLazily()
    {
        var vocab = FakeVocabularies.BytesAndWords(["ab", "ba", "aaaa", "abab", "c"]);
        var compiled = new GrammarCompiler(vocab).Compile(Grammar.FromRegex("(a|b)*a(a|b){20}"));
        var m = compiled.CreateMatcher();
        var rng = new Random(3);
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 120; i++)
        {
            if (i % 10 == 0) AssertMaskMatchesReference(m, text.ToString());
            char c = rng.Next(2) == 0 ? 'a' : 'b';
            Assert.True(m.TryAcceptToken(c));
            text.Append(c);
            bool expected = text.Length >= 21 && text[^21] == 'a';
            Assert.Equal(expected, m.IsAccepting);
        }
        AssertMaskMatchesReference(m, text.ToString());
    }

    [Fact]
    public void CreateRejectsLogitsWidthSmallerThanCount()
    {
        byte[]?[] tokens = [[(byte)'a'], [(byte)'b'], null];
        var ex = Assert.Throws<ArgumentException>(() => TokenVocabulary.Create(tokens, [2], logitsWidth: 2));
        Assert.Equal("logitsWidth", ex.ParamName);
        Assert.Equal(3, TokenVocabulary.Create(tokens, [2], logitsWidth: 3).LogitsWidth);
    }

    [Fact]
    public void WithLogitsWidthRejectsSmallerThanCount()
    {
        var vocab = FakeVocabularies.Bytes();
        var ex = Assert.Throws<ArgumentException>(() => vocab.WithLogitsWidth(vocab.Count - 1));
        Assert.Equal("logitsWidth", ex.ParamName);
        var wide = vocab.WithLogitsWidth(vocab.Count + 7);
        Assert.Equal(vocab.Count, wide.Count);
        Assert.Equal(vocab.Count + 7, wide.LogitsWidth);
        Assert.Equal(vocab.StopTokenIds, wide.StopTokenIds);
    }

    [Fact]
    public void CreateRejectsOutOfRangeStopAndSpecialIds()
    {
        byte[]?[] tokens = [[(byte)'a'], [(byte)'b']];
        Assert.Equal("stopTokenIds", Assert.Throws<ArgumentException>(() => TokenVocabulary.Create(tokens, [2])).ParamName);
        Assert.Equal("specialTokenIds", Assert.Throws<ArgumentException>(() => TokenVocabulary.Create(tokens, [1], [-1])).ParamName);
        Assert.Equal("tokenBytes", Assert.Throws<ArgumentException>(() => TokenVocabulary.Create([], [])).ParamName);
    }

    [Fact]
    public void EmptyTokenIsTreatedAsSpecial()
    {
        byte[]?[] tokens = [[(byte)'a'], [], null];
        var vocab = TokenVocabulary.Create(tokens, [2]);
        Assert.True(vocab.IsSpecial(1));
        var m = new GrammarCompiler(vocab).Compile(Grammar.FromRegex("a*")).CreateMatcher();
        Assert.False(m.IsTokenAllowed(1));
        Assert.False(m.TryAcceptToken(1));
        Assert.Equal([0, 2], Allowed(Mask(m)));
    }
}
