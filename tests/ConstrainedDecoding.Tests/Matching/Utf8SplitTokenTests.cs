using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Tokens that split multi-byte UTF-8 characters: é = C3 A9, 日 = E6 97 A5.</summary>
public class Utf8SplitTokenTests
{
    private const string Grammar = "start: /[é日]+/";

    private static (TokenVocabulary Vocab, GrammarMatcher Matcher) Create()
    {
        var vocab = FakeVocabularies.Utf8Split();
        return (vocab, Lark(Grammar, vocab).CreateMatcher());
    }

    private static int Id(TokenVocabulary v, params byte[] bytes) => FakeVocabularies.IdOf(v, bytes);

    private static List<string> AllowedHex(GrammarMatcher m) =>
        Allowed(Mask(m)).Select(id => m.Grammar.Vocabulary.IsStop(id) ? "stop" : Convert.ToHexString(m.Grammar.Vocabulary.GetTokenBytes(id))).ToList();

    [Theory]
    [InlineData("é日éé日")]
    [InlineData("日")]
    [InlineData("é")]
    public void MasksEqualTheReferenceAtEveryByte(string text)
    {
        var (_, m) = Create();
        WalkAndCompare(m, text);
    }

    [Fact]
    public void MasksAtCharacterBoundariesAndInsideCharacters()
    {
        var (vocab, m) = Create();
        // Start: only tokens that begin a character and stay valid.
        Assert.Equal(["C3", "E6", "C3A9", "E697A5", "E697", "C3A9E697A5"], AllowedHex(m));

        Assert.True(m.TryAcceptToken(Id(vocab, 0xC3)));
        Assert.False(m.IsAccepting);
        Assert.Equal(["A9", "A9E6", "A9E697"], AllowedHex(m)); // only continuations of é; no stop mid-character

        Assert.True(m.TryAcceptToken(Id(vocab, 0xA9, 0xE6)));
        Assert.Equal(["97", "97A5"], AllowedHex(m));

        Assert.True(m.TryAcceptToken(Id(vocab, 0x97)));
        Assert.Equal(["A5", "A5C3"], AllowedHex(m));

        Assert.True(m.TryAcceptToken(Id(vocab, 0xA5, 0xC3)));
        Assert.Equal(["A9", "A9E6", "A9E697"], AllowedHex(m));

        Assert.True(m.TryAcceptToken(Id(vocab, 0xA9)));
        Assert.True(m.IsAccepting);
        Assert.Contains("stop", AllowedHex(m));
        AssertMaskMatchesReference(m, "é日é");
    }

    [Theory]
    [InlineData(new byte[] { 0xA9 })]             // continuation byte first
    [InlineData(new byte[] { 0xC3, 0xC3 })]       // lead byte where a continuation is due
    [InlineData(new byte[] { 0xE6, 0xA9 })]       // E6 A9 starts a character other than 日
    [InlineData(new byte[] { 0xC3, 0x97, 0xA5 })] // C3 97 is ×, not in the class
    [InlineData(new byte[] { 0xC3, 0xA9, 0xA5 })] // stray continuation after a whole character
    [InlineData(new byte[] { (byte)'a' })]
    public void InvalidPartialSequencesAreRejected(byte[] bytes)
    {
        var (vocab, m) = Create();
        Assert.False(m.IsBytesAllowed(bytes));
        Assert.False(m.TryAcceptBytes(bytes));
        Assert.Equal(0, m.ConsumedByteCount);

        // The same bytes fed token by token stop at the first invalid byte.
        int accepted = 0;
        foreach (byte b in bytes)
        {
            if (!m.TryAcceptToken(Id(vocab, b))) break;
            accepted++;
        }
        Assert.True(accepted < bytes.Length);
        AssertMaskMatchesReference(m, Convert.ToHexString(bytes));
    }

    [Fact]
    public void IncompleteCharacterIsNotAccepting()
    {
        var (vocab, m) = Create();
        Assert.True(m.TryAcceptToken(Id(vocab, 0xC3, 0xA9, 0xE6, 0x97, 0xA5)));
        Assert.True(m.IsAccepting);
        Assert.True(m.TryAcceptToken(Id(vocab, 0xE6, 0x97)));
        Assert.False(m.IsAccepting);
        Assert.False(m.TryAcceptToken(Stop(vocab)));
        Assert.True(m.TryAcceptToken(Id(vocab, 0xA5)));
        Assert.True(m.TryAcceptToken(Stop(vocab)));
    }
}
