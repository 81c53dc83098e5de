using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>GetForcedBytes and TryGetForcedToken.</summary>
public class ForcedBytesTests
{
    private const string Hello = """
        start: "hello" " " NAME
        NAME: /[a-z]+/
        """;

    private static string Forced(GrammarMatcher m)
    {
        var before = State(m);
        var bytes = m.GetForcedBytes();
        Assert.Equal(before, State(m)); // a query, not a step
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    [Theory]
    [InlineData("", "hello ")]
    [InlineData("h", "ello ")]
    [InlineData("hell", "o ")]
    [InlineData("hello", " ")]
    [InlineData("hello ", "")]   // any letter may follow
    [InlineData("hello w", "")]  // ending is allowed here
    public void ForcesTheCommonPrefixOfAllContinuations(string prefix, string expected)
    {
        var m = Lark(Hello, FakeVocabularies.Bytes()).CreateMatcher();
        Assert.True(m.TryAcceptString(prefix));
        Assert.Equal(expected, Forced(m));
    }

    [Fact]
    public void ForcedBytesAreAcceptedAndLeadToTheSamePlaceAsTyping()
    {
        var m = Lark(Hello, FakeVocabularies.Bytes()).CreateMatcher();
        Assert.True(m.TryAcceptBytes(m.GetForcedBytes()));
        var typed = Lark(Hello, FakeVocabularies.Bytes()).CreateMatcher();
        Assert.True(typed.TryAcceptString("hello "));
        Assert.Equal(State(typed), State(m));
    }

    [Theory]
    [InlineData("""start: "ab" "cd"? """, "", "ab")]       // stops where ending is allowed
    [InlineData("""start: "ab" "cd"? """, "ab", "")]
    [InlineData("""start: "x" ("yz" | "yw") """, "", "xy")]  // stops before a choice of bytes
    [InlineData("""start: "x" ("yz" | "yw") """, "xy", "")]
    [InlineData("""start: "日本" /[0-9]+/ """, "", "日本")]      // whole multi-byte characters
    [InlineData("""start: "日本" /[0-9]+/ """, "日", "本")]
    [InlineData("""start: /[é日]/ """, "", "")]            // é and 日 start with different bytes
    [InlineData("""start: /[éè]/ """, "", "\u00c3")]       // both start with C3: a forced partial character
    public void ForcedBytesOfSmallGrammars(string grammar, string prefix, string expected)
    {
        var m = Lark(grammar, FakeVocabularies.Bytes()).CreateMatcher();
        Assert.True(m.TryAcceptString(prefix));
        var expectedBytes = expected == "\u00c3" ? new byte[] { 0xC3 } : Utf8(expected);
        Assert.Equal(expectedBytes, m.GetForcedBytes());
    }

    [Fact]
    public void ForcedTokenWhenExactlyOneTokenIsAllowed()
    {
        var vocab = FakeVocabularies.Bytes();
        var m = Lark(Hello, vocab).CreateMatcher();
        Assert.True(m.TryGetForcedToken(out int id));
        Assert.Equal('h', id);
        Assert.True(m.TryAcceptString("hello "));
        Assert.False(m.TryGetForcedToken(out id));
        Assert.Equal(-1, id);
    }

    [Fact]
    public void NoForcedTokenWhenSeveralTokensSpellTheForcedBytes()
    {
        var vocab = FakeVocabularies.BytesAndWords(["hel", "hello", "hello "]);
        var m = Lark(Hello, vocab).CreateMatcher();
        Assert.Equal("hello ", Forced(m));
        Assert.False(m.TryGetForcedToken(out _));
    }

    [Fact]
    public void StopIsTheForcedTokenAtTheEnd()
    {
        var vocab = FakeVocabularies.Bytes();
        var m = Lark("""start: "ab" """, vocab).CreateMatcher();
        Assert.True(m.TryAcceptString("ab"));
        Assert.Empty(m.GetForcedBytes());
        Assert.True(m.TryGetForcedToken(out int id));
        Assert.Equal(Stop(vocab), id);
    }

    [Fact]
    public void ForcedTokenPastTheFirstMaskWord()
    {
        // 'z' is id 122, in the fourth word; the answer must come from the right word.
        var m = Lark("""start: "zz" """, FakeVocabularies.Bytes()).CreateMatcher();
        Assert.True(m.TryGetForcedToken(out int id));
        Assert.Equal('z', id);
    }
}
