using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>Malformed patterns and non-regular features: each error's kind, offset and message.</summary>
public class RegexParserErrorTests
{
    [Theory]
    [InlineData("(?=a)", 0, "lookahead")]
    [InlineData("a(?!b)", 1, "negative lookahead")]
    [InlineData("(?<=a)b", 0, "lookbehind")]
    [InlineData("x(?<!a)b", 1, "negative lookbehind")]
    [InlineData("(a)\\1", 3, "backreference")]
    [InlineData("(?<n>a)\\k<n>", 7, "backreference")]
    [InlineData("(?P<n>a)(?P=n)", 8, "backreference")]
    [InlineData("a\\b", 1, "word boundary")]
    [InlineData("\\Ba", 0, "non-word-boundary")]
    [InlineData("(?>a)", 0, "atomic group")]
    [InlineData("(?(1)a|b)", 0, "conditional")]
    [InlineData("(?R)", 0, "recursion")]
    [InlineData("a\\G", 1, "\\G")]
    [InlineData("a*+", 2, "possessive")]
    [InlineData("a{2}+", 4, "possessive")]
    [InlineData("a^b", 1, "'^'")]
    [InlineData("a|b^", 3, "'^'")]
    [InlineData("a?^b", 2, "'^'")]
    [InlineData("a$b", 1, "'$'")]
    [InlineData("(a$)b", 2, "'$'")]
    [InlineData("(a$|c)b", 2, "'$'")]
    [InlineData("(^a)*", 1, "'^'")]
    [InlineData("(a$)+", 2, "'$'")]
    [InlineData("a(?i)b", 1, "inline flags")]
    [InlineData("(a(?i)b)", 2, "inline flags")]
    public void UnsupportedFeaturesReportKindOffsetAndFeature(string pattern, int offset, string feature)
    {
        var ex = Assert.Throws<RegexParseException>(() => RegexParser.Parse(pattern));
        Assert.Equal(RegexErrorKind.UnsupportedFeature, ex.Kind);
        Assert.Equal(offset, ex.Offset);
        Assert.Contains(feature, ex.Unexpected, StringComparison.Ordinal);
        if (feature.Contains("look", StringComparison.Ordinal))
        {
            Assert.Equal("a regular construct (lookaround cannot be compiled to a finite automaton)", ex.Expected);
        }
        Assert.False(string.IsNullOrWhiteSpace(ex.Expected));
        Assert.Contains($"unexpected {ex.Unexpected}, expected {ex.Expected}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(pattern, ex.Pattern);
    }

    [Theory]
    [InlineData("(ab", RegexErrorKind.UnbalancedParenthesis, 0)]
    [InlineData("ab)", RegexErrorKind.UnbalancedParenthesis, 2)]
    [InlineData("a(b(c)", RegexErrorKind.UnbalancedParenthesis, 1)]
    [InlineData("(?:a", RegexErrorKind.UnbalancedParenthesis, 0)]
    [InlineData("(?#abc", RegexErrorKind.UnbalancedParenthesis, 0)]
    [InlineData("[abc", RegexErrorKind.InvalidCharacterClass, 0)]
    [InlineData("[]", RegexErrorKind.InvalidCharacterClass, 0)]
    [InlineData("x[z-a]", RegexErrorKind.InvalidCharacterClass, 2)]
    [InlineData("[a-c\\x7a-\\x61]", RegexErrorKind.InvalidCharacterClass, 4)]
    [InlineData("a{3,1}", RegexErrorKind.InvalidRepeat, 1)]
    [InlineData("ab{10,9}?", RegexErrorKind.InvalidRepeat, 2)]
    [InlineData("a{99999999999}", RegexErrorKind.InvalidRepeat, 1)]
    [InlineData("a{1,2147483647}", RegexErrorKind.InvalidRepeat, 1)]
    [InlineData("*a", RegexErrorKind.UnexpectedCharacter, 0)]
    [InlineData("a**", RegexErrorKind.UnexpectedCharacter, 2)]
    [InlineData("a{2}*", RegexErrorKind.UnexpectedCharacter, 4)]
    [InlineData("a|?", RegexErrorKind.UnexpectedCharacter, 2)]
    [InlineData("(+)", RegexErrorKind.UnexpectedCharacter, 1)]
    [InlineData("{2}", RegexErrorKind.UnexpectedCharacter, 0)]
    [InlineData("^*", RegexErrorKind.UnexpectedCharacter, 1)]
    [InlineData("a$?", RegexErrorKind.UnexpectedCharacter, 2)]
    [InlineData("\\", RegexErrorKind.UnexpectedEnd, 0)]
    [InlineData("ab\\", RegexErrorKind.UnexpectedEnd, 2)]
    [InlineData("(?", RegexErrorKind.UnexpectedEnd, 0)]
    [InlineData("\\p{L", RegexErrorKind.UnexpectedEnd, 0)]
    [InlineData("\\q", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("a\\x4", RegexErrorKind.InvalidEscape, 1)]
    [InlineData("\\xZZ", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("\\u12", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("ab\\uD83D", RegexErrorKind.InvalidEscape, 2)]
    [InlineData("\\uDE00", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("\\u{110000}", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("\\u{D800}", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("\\u{}", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("\\UFFFFFFFF", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("\\c1", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("[\\B]", RegexErrorKind.InvalidEscape, 1)]
    [InlineData("[\\1]", RegexErrorKind.InvalidEscape, 1)]
    [InlineData("\\p", RegexErrorKind.InvalidEscape, 0)]
    [InlineData("\\p{Foo}", RegexErrorKind.UnknownProperty, 0)]
    [InlineData("a\\p{IsGreek}", RegexErrorKind.UnknownProperty, 1)]
    [InlineData("[a\\P{Script=Greek}]", RegexErrorKind.UnknownProperty, 2)]
    [InlineData("\\pX", RegexErrorKind.UnknownProperty, 0)]
    [InlineData("(?z)", RegexErrorKind.UnexpectedCharacter, 2)]
    [InlineData("(?<1a>x)", RegexErrorKind.UnexpectedCharacter, 3)]
    [InlineData("(?<a-b>x)", RegexErrorKind.UnexpectedCharacter, 4)]
    public void MalformedPatternsReportKindAndOffset(string pattern, RegexErrorKind kind, int offset)
    {
        var ex = Assert.Throws<RegexParseException>(() => RegexParser.Parse(pattern));
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(offset, ex.Offset);
        Assert.Matches("unexpected .+, expected .+", ex.Message);
        Assert.False(string.IsNullOrWhiteSpace(ex.Unexpected));
        Assert.False(string.IsNullOrWhiteSpace(ex.Expected));
    }

    [Fact]
    public void LoneSurrogateInPatternTextIsAnError()
    {
        // Built at run time: attribute arguments cannot hold lone surrogates.
        foreach (var (pattern, offset) in new[] { ("x" + '\uD800', 1), ("[" + '\uDC00' + "]", 1), ('\uDE00' + "\uD83D\uDE00", 0), ("a" + '\uD83D' + "b", 1) })
        {
            var ex = Assert.Throws<RegexParseException>(() => RegexParser.Parse(pattern));
            Assert.Equal(RegexErrorKind.UnexpectedCharacter, ex.Kind);
            Assert.Equal(offset, ex.Offset);
        }
    }

    [Fact]
    public void NestingWithinTheLimitParses()
    {
        int depth = Limits.MaxSyntaxNesting;
        var pattern = new string('(', depth) + "a" + new string(')', depth) + "+";
        Assert.True(ReferenceRegexMatcher.IsMatch(RegexParser.Parse(pattern), "aa"u8));
    }

    [Theory]
    [InlineData(Limits.MaxSyntaxNesting + 1)]
    [InlineData(200_000)]
    public void NestingBeyondTheLimitIsALimitErrorNotAStackOverflow(int depth)
    {
        var pattern = new string('(', depth) + "a" + new string(')', depth);
        var ex = Assert.Throws<GrammarLimitException>(() => RegexParser.Parse(pattern));
        Assert.Equal(nameof(Limits.MaxSyntaxNesting), ex.LimitName);
        Assert.Contains($"offset {Limits.MaxSyntaxNesting}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNonCapturingAndNamedGroupsCountTowardsTheLimit()
    {
        var pattern = string.Concat(Enumerable.Repeat("(?:", 300)) + string.Concat(Enumerable.Repeat("(?<n>", 300)) + "a" + new string(')', 600);
        Assert.Throws<GrammarLimitException>(() => RegexParser.Parse(pattern));
    }

    [Fact]
    public void OverlongPatternIsALimitError()
    {
        var ok = new string('a', Limits.MaxPatternLength);
        Assert.IsAssignableFrom<RegexNode>(RegexParser.Parse(ok));
        var ex = Assert.Throws<GrammarLimitException>(() => RegexParser.Parse(ok + "b"));
        Assert.Equal(nameof(Limits.MaxPatternLength), ex.LimitName);
        // Counted in UTF-8 bytes: 400,000 three-byte characters are over the limit.
        Assert.Throws<GrammarLimitException>(() => RegexParser.Parse(new string('日', Limits.MaxPatternLength / 3 + 1)));
    }

    [Fact]
    public void NullPatternThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => RegexParser.Parse(null!));
}
