using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>Syntax choices that .NET does not share or that the differential tests cannot see (structure, bounds, keys).</summary>
public class RegexParserSyntaxTests
{
    private static bool Matches(string pattern, string input, RegexParseOptions options = RegexParseOptions.None) =>
        ReferenceRegexMatcher.IsMatch(RegexParser.Parse(pattern, options), RegexTestStrings.Utf8(input));

    [Fact]
    public void HugeBoundedRepeatParsesToOneRepeatNode()
    {
        var node = RegexParser.Parse("a{0,100000}");
        var repeat = Assert.IsType<RepeatRegex>(node);
        Assert.Equal(0, repeat.Min);
        Assert.Equal(100_000, repeat.Max);
        Assert.True(ReferenceRegexMatcher.IsMatch(node, "aaaaa"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(node, "aaaab"u8));
    }

    [Fact]
    public void HugeRepeatsOfGroupsParse()
    {
        var node = RegexParser.Parse("(?:ab|c){1000,100000}x{0,2000000000}");
        Assert.False(ReferenceRegexMatcher.IsMatch(node, "abcx"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(RegexParser.Parse("(?:ab|c?){1000,100000}x{0,2000000000}"), "abcxx"u8));
    }

    [Theory]
    [InlineData("a*?", "a*")]
    [InlineData("a+?", "a+")]
    [InlineData("a??", "a?")]
    [InlineData("a{2,5}?", "a{2,5}")]
    [InlineData("(?:ab)", "ab")]
    [InlineData("(?<name>ab)", "(ab)")]
    [InlineData("(?P<name>ab)", "(ab)")]
    [InlineData("(?'name'ab)", "(ab)")]
    [InlineData("^abc$", "abc")]
    [InlineData("\\Aabc\\z", "abc")]
    [InlineData("^abc\\Z", "abc")]
    [InlineData("a(?#comment)b", "ab")]
    [InlineData("a{1}", "a")]
    [InlineData("a{0}b", "b")]
    [InlineData("a{2,2}", "a{2}")]
    [InlineData("[a]", "a")]
    [InlineData("\\x61\\u0062\\u{63}\\U00000064", "abcd")]
    [InlineData("\\d", "[0-9]")]
    [InlineData("\\w", "[A-Za-z0-9_]")]
    [InlineData("[\\w-.]", "[A-Za-z0-9_.\\-]")]
    [InlineData("[a-\\d]", "[a\\-0-9]")]
    [InlineData("[]a]", "[\\]a]")]
    [InlineData("[^]a]", "[^\\]a]")]
    [InlineData("\\/\\-\\ \\#\\'\\\"\\<\\>", "/- #'\"<>")]
    [InlineData("\\012\\0", "\\n\\x00")]
    [InlineData("\\cA\\ca", "\\x01\\x01")]
    [InlineData("\\e\\a", "\\x1B\\x07")]
    [InlineData("[\\b]", "\\x08")]
    public void EquivalentSpellingsGiveTheSameNode(string pattern, string equivalent) =>
        Assert.Equal(RegexParser.Parse(equivalent).Key, RegexParser.Parse(pattern).Key);

    [Theory]
    [InlineData("a{", "a{", true)]
    [InlineData("a{,3}", "a{,3}", true)]
    [InlineData("a{,3}", "aaa", false)]
    [InlineData("a{1,x}", "a{1,x}", true)]
    [InlineData("a{ 2}", "a{ 2}", true)]
    [InlineData("{}", "{}", true)]
    [InlineData("x}", "x}", true)]
    [InlineData("]", "]", true)]
    public void BraceThatIsNotAQuantifierIsLiteral(string pattern, string input, bool expected) =>
        Assert.Equal(expected, Matches(pattern, input));

    [Theory]
    [InlineData("^a$|^b$", "a", true)]
    [InlineData("^a$|^b$", "b", true)]
    [InlineData("^a$|^b$", "ab", false)]
    [InlineData("(^a|b)c", "ac", true)]
    [InlineData("(?:(?:^a))b", "ab", true)]
    [InlineData("a(b$|c)", "ab", true)]
    [InlineData("a(b$|c)", "ac", true)]
    [InlineData("(^a)?b", "ab", true)]
    [InlineData("(^a)?b", "b", true)]
    [InlineData("(a$)?", "a", true)]
    [InlineData("^$", "", true)]
    [InlineData("^$", "a", false)]
    [InlineData("^^a$$", "a", true)]
    [InlineData("(?i)^ab$", "AB", true)]
    public void AnchorsAreNoOpsWhereFullMatchMakesThemTrue(string pattern, string input, bool expected) =>
        Assert.Equal(expected, Matches(pattern, input));

    [Theory]
    [InlineData("ABC", "abc", true)]
    [InlineData("[^a]", "A", false)]
    [InlineData("\\x41", "a", true)]
    [InlineData("[\\u0041-\\u0043]+", "abC", true)]
    [InlineData("(?-i:a)b", "aB", true)]
    [InlineData("(?-i:a)b", "AB", false)]
    public void IgnoreCaseOption(string pattern, string input, bool expected) =>
        Assert.Equal(expected, Matches(pattern, input, RegexParseOptions.IgnoreCase));

    [Theory]
    [InlineData("a b  c", "abc", true)]
    [InlineData("a # comment\nb", "ab", true)]
    [InlineData("a\\ b", "a b", true)]
    [InlineData("a\\#", "a#", true)]
    [InlineData("[ #]+", " # ", true)]
    [InlineData("a +", "aaa", true)]
    [InlineData("a {2}", "aa", true)]
    [InlineData("(?x) a b", "ab", true)]
    public void IgnorePatternWhitespaceOption(string pattern, string input, bool expected) =>
        Assert.Equal(expected, Matches(pattern, input, pattern.StartsWith("(?x)", StringComparison.Ordinal) ? RegexParseOptions.None : RegexParseOptions.IgnorePatternWhitespace));

    [Fact]
    public void InlineFlagsAtTheStartAreAllowedInAnyCombination()
    {
        Assert.True(Matches("(?is)A.B", "a\nb"));
        Assert.True(Matches("(?i)(?s)A.B", "a\nb"));
        Assert.True(Matches("^(?i)a", "A"));
        Assert.True(Matches("(?mu)a", "a"));
        Assert.False(Matches("(?i-i)a", "A"));
    }

    [Fact]
    public void EmptyPatternMatchesOnlyTheEmptyString()
    {
        Assert.Same(RegexNode.Empty, RegexParser.Parse(""));
        Assert.True(Matches("", ""));
        Assert.False(Matches("", "a"));
    }

    [Fact]
    public void EmptyAndComplementedClassesBehave()
    {
        Assert.False(ReferenceRegexMatcher.IsSatisfiable(RegexParser.Parse("[^\\s\\S]")));
        Assert.True(Matches("[^\\s\\S]?", ""));
        Assert.True(Matches("[\\s\\S]", "\n"));
        Assert.True(Matches("[\\s\\S]", "😀"));
    }

    [Fact]
    public void LongLiteralParses()
    {
        var text = string.Concat(Enumerable.Repeat("héllo wörld 日本 ", 5000));
        Assert.True(Matches(System.Text.RegularExpressions.Regex.Escape(text), text));
    }
}
