using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>The reference matcher itself, on hand-built nodes (no parser involved).</summary>
public class ReferenceRegexMatcherTests
{
    private static readonly RegexNode A = RegexNode.Literal("a");
    private static readonly RegexNode B = RegexNode.Literal("b");

    [Theory]
    [InlineData("", false)]
    [InlineData("ab", false)]
    [InlineData("abab", true)]
    [InlineData("ababab", true)]
    [InlineData("abababab", false)]
    [InlineData("ababa", false)]
    public void BoundedRepeat(string input, bool expected) =>
        Assert.Equal(expected, ReferenceRegexMatcher.IsMatch(RegexNode.Repeat(RegexNode.Literal("ab"), 2, 3), RegexTestStrings.Utf8(input)));

    [Theory]
    [InlineData(0, true)]
    [InlineData(3, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void RepeatOfNullableBody(int count, bool expected) =>
        Assert.Equal(expected, ReferenceRegexMatcher.IsMatch(RegexNode.Repeat(RegexNode.Optional(A), 3, 5), RegexTestStrings.Utf8(new string('a', count))));

    [Fact]
    public void HugeMinimumTerminatesQuickly()
    {
        Assert.True(ReferenceRegexMatcher.IsMatch(RegexNode.Repeat(RegexNode.Star(A), 100_000, 100_000), "aaa"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(RegexNode.Repeat(A, 100_000, RegexNode.Unbounded), "aaa"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(RegexNode.Repeat(A, 0, int.MaxValue - 1), "aaa"u8));
    }

    [Fact]
    public void ConcatAlternationAndAmbiguity()
    {
        // (a|ab)(b|)b: "abb" via a·b·b or ab··b; "abbb" only via ab·b·b.
        var node = RegexNode.Concat(RegexNode.Alternate(A, RegexNode.Literal("ab")), RegexNode.Alternate(B, RegexNode.Empty), B);
        Assert.True(ReferenceRegexMatcher.IsMatch(node, "abb"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(node, "ab"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(node, "abbb"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(node, "abbbb"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(node, "a"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(RegexNode.Nothing, ""u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(RegexNode.Empty, ""u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(RegexNode.Star(RegexNode.Alternate(A, RegexNode.Literal("aa"))), "aaaaaaa"u8));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("a", true)]
    [InlineData("ab", true)]
    [InlineData("abc", true)]
    [InlineData("abd", false)]
    [InlineData("abcd", false)]
    [InlineData("b", false)]
    public void ViablePrefixOfLiteral(string prefix, bool expected) =>
        Assert.Equal(expected, ReferenceRegexMatcher.IsViablePrefix(RegexNode.Literal("abc"), RegexTestStrings.Utf8(prefix)));

    [Fact]
    public void ViablePrefixThroughRepeatsAndMultiByteCharacters()
    {
        var node = RegexNode.Concat(RegexNode.Star(A), RegexNode.Repeat(B, 2, 2));
        Assert.True(ReferenceRegexMatcher.IsViablePrefix(node, "aaa"u8));
        Assert.True(ReferenceRegexMatcher.IsViablePrefix(node, "aab"u8));
        Assert.False(ReferenceRegexMatcher.IsViablePrefix(node, "aabbb"u8));
        Assert.False(ReferenceRegexMatcher.IsViablePrefix(node, "aaba"u8));
        var ja = RegexNode.Codepoints(CodepointSet.Single('日'));
        Assert.True(ReferenceRegexMatcher.IsViablePrefix(ja, [0xE6]));
        Assert.True(ReferenceRegexMatcher.IsViablePrefix(ja, [0xE6, 0x97]));
        Assert.False(ReferenceRegexMatcher.IsViablePrefix(ja, [0xE6, 0x98]));
        Assert.False(ReferenceRegexMatcher.IsViablePrefix(RegexNode.Nothing, ""u8));
        Assert.False(ReferenceRegexMatcher.IsViablePrefix(RegexNode.Concat(RegexNode.Star(A), RegexNode.ByteClass(ByteSet.Empty)), ""u8));
    }

    [Fact]
    public void ViablePrefixAgreesWithExtensionsOfMatches()
    {
        var node = RegexParser.Parse("(ab|c)*d?e{1,2}");
        var rng = new Random(9);
        var alphabet = new[] { "a", "b", "c", "d", "e" };
        for (int i = 0; i < 300; i++)
        {
            var full = RegexTestStrings.Sample(node, rng);
            for (int cut = 0; cut <= full.Length; cut++) Assert.True(ReferenceRegexMatcher.IsViablePrefix(node, full.AsSpan(0, cut)));
            var other = RegexTestStrings.Utf8(RegexTestStrings.RandomString(alphabet, 5, rng));
            // A prefix is viable iff some short extension matches (every viable prefix here extends within 3 bytes).
            bool extendable = Extensions(alphabet, 3).Any(ext => ReferenceRegexMatcher.IsMatch(node, [.. other, .. RegexTestStrings.Utf8(ext)]));
            Assert.Equal(extendable, ReferenceRegexMatcher.IsViablePrefix(node, other));
        }
    }

    private static IEnumerable<string> Extensions(string[] alphabet, int maxLength)
    {
        IEnumerable<string> level = [""];
        var all = new List<string> { "" };
        for (int n = 1; n <= maxLength; n++)
        {
            level = level.SelectMany(s => alphabet.Select(c => s + c)).ToList();
            all.AddRange(level);
        }
        return all;
    }
}
