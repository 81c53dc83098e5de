using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>Unicode behaviour checked against explicit expectations: astral characters, properties, <c>\s</c>, case folding.</summary>
public class RegexParserUnicodeTests
{
    private static bool Matches(string pattern, string input, RegexParseOptions options = RegexParseOptions.None) =>
        ReferenceRegexMatcher.IsMatch(RegexParser.Parse(pattern, options), RegexTestStrings.Utf8(input));

    [Theory]
    [InlineData("😀", "😀", true)]
    [InlineData("😀+", "😀😀😀", true)]
    [InlineData("😀+", "😀\uD83D", false)]
    [InlineData("a😀b", "a😀b", true)]
    [InlineData(".", "😀", true)]
    [InlineData("..", "😀", false)]
    [InlineData("[😀-😂]", "😁", true)]
    [InlineData("[😀-😂]", "😃", false)]
    [InlineData("[😀-😂]+", "😀😂", true)]
    [InlineData("\\uD83D\\uDE00", "😀", true)]
    [InlineData("[\\uD83D\\uDE00-\\uD83D\\uDE4F]", "😎", true)]
    [InlineData("\\u{1F600}", "😀", true)]
    [InlineData("\\U0001F600", "😀", true)]
    [InlineData("\\u{41}", "A", true)]
    [InlineData("[^a]", "😀", true)]
    [InlineData("[^a]", "a", false)]
    [InlineData("\\P{L}", "😀", true)]
    [InlineData("\\p{So}", "😀", true)]
    [InlineData("\\😀", "😀", true)]
    [InlineData("日本+", "日本本", true)]
    [InlineData("日本+", "日日本", false)]
    [InlineData("\\p{L}", "𝒜", true)]
    [InlineData("\\w", "é", false)]
    [InlineData("\\d", "٣", false)]
    public void AstralAndMultiByteCharacters(string pattern, string input, bool expected) =>
        Assert.Equal(expected, Matches(pattern, input));

    [Theory]
    [InlineData("é", true)]
    [InlineData("ж", true)]
    [InlineData("日", true)]
    [InlineData("A", true)]
    [InlineData("1", false)]
    [InlineData("-", false)]
    [InlineData(" ", false)]
    public void LetterProperty(string input, bool expected)
    {
        Assert.Equal(expected, Matches("\\p{L}", input));
        Assert.Equal(expected, Matches("\\p{Letter}", input));
        Assert.Equal(expected, Matches("\\pL", input));
        Assert.Equal(!expected, Matches("\\P{L}", input));
        Assert.Equal(!expected, Matches("[^\\p{L}]", input));
    }

    [Theory]
    [InlineData("L", "Letter")]
    [InlineData("Lu", "Uppercase_Letter")]
    [InlineData("Ll", "Lowercase_Letter")]
    [InlineData("Lt", "Titlecase_Letter")]
    [InlineData("Lm", "Modifier_Letter")]
    [InlineData("Lo", "Other_Letter")]
    [InlineData("N", "Number")]
    [InlineData("Nd", "Decimal_Number")]
    [InlineData("Nl", "Letter_Number")]
    [InlineData("No", "Other_Number")]
    [InlineData("P", "Punctuation")]
    [InlineData("S", "Symbol")]
    [InlineData("Z", "Separator")]
    [InlineData("M", "Mark")]
    [InlineData("C", "Other")]
    [InlineData("L", "gc=L")]
    [InlineData("Lu", "General_Category=Lu")]
    public void LongPropertyNamesEqualShortNames(string shortName, string longName)
    {
        Assert.True(UnicodeCategories.TryGetProperty(shortName, out var a));
        Assert.True(UnicodeCategories.TryGetProperty(longName, out var b));
        Assert.False(a.IsEmpty);
        Assert.Equal(a, b);
        Assert.Equal(RegexParser.Parse($"\\p{{{shortName}}}").Key, RegexParser.Parse($"\\p{{{longName}}}").Key);
    }

    [Fact]
    public void CategorySetsMatchCharUnicodeInfoOnSampledCodepoints()
    {
        Assert.True(UnicodeCategories.TryGetProperty("L", out var letters));
        Assert.True(UnicodeCategories.TryGetProperty("Nd", out var digits));
        for (int cp = 0; cp <= CodepointSet.MaxCodepoint; cp += 37)
        {
            if (cp is >= 0xD800 and <= 0xDFFF) continue;
            var cat = System.Globalization.CharUnicodeInfo.GetUnicodeCategory(cp);
            Assert.Equal(char.IsLetter(char.ConvertFromUtf32(cp), 0), letters.Contains(cp));
            Assert.Equal(cat == System.Globalization.UnicodeCategory.DecimalDigitNumber, digits.Contains(cp));
        }
    }

    [Theory]
    [InlineData(' ', true)]
    [InlineData('\t', true)]
    [InlineData('\n', true)]
    [InlineData('\r', true)]
    [InlineData('\v', true)]
    [InlineData('\f', true)]
    [InlineData('\u00A0', true)]
    [InlineData('\u1680', true)]
    [InlineData('\u2003', true)]
    [InlineData('\u2028', true)]
    [InlineData('\u2029', true)]
    [InlineData('\u202F', true)]
    [InlineData('\u3000', true)]
    [InlineData('\uFEFF', true)]
    [InlineData('\u0085', false)]
    [InlineData('\u200B', false)]
    [InlineData('a', false)]
    public void WhiteSpaceIsEcmaScriptWhiteSpace(char c, bool expected)
    {
        Assert.Equal(expected, Matches("\\s", c.ToString()));
        Assert.Equal(!expected, Matches("\\S", c.ToString()));
    }

    [Theory]
    [InlineData("k", "K", true)]
    [InlineData("k", "\u212A", true)]
    [InlineData("\u212A", "k", true)]
    [InlineData("\u212A", "K", true)]
    [InlineData("é", "É", true)]
    [InlineData("ж", "Ж", true)]
    [InlineData("σ", "Σ", true)]
    [InlineData("[a-c]", "B", true)]
    [InlineData("[^a-c]", "B", false)]
    [InlineData("[^a-c]", "d", true)]
    [InlineData("\\u{10400}", "\U00010428", true)]
    [InlineData("a", "b", false)]
    public void IgnoreCaseUsesSymmetricSimpleCaseVariants(string pattern, string input, bool expected) =>
        Assert.Equal(expected, Matches(pattern, input, RegexParseOptions.IgnoreCase));

    [Fact]
    public void CaseFoldingCoversHugeRangesCompletely()
    {
        // U+10427 (Deseret capital) lies far above the start of the range; its lower case U+1044F lies outside it.
        var folded = CaseFolding.AddSimpleCaseVariants(CodepointSet.Range(0x100, 0x10427));
        Assert.True(folded.Contains(0x1044F));
        // Variants below the range are added too: Kelvin sign U+212A -> 'k' and 'K', long s U+017F -> 's' and 'S'.
        Assert.True(folded.Contains('k') && folded.Contains('K') && folded.Contains('s') && folded.Contains('S'));
        Assert.False(folded.Contains('a'));
    }

    [Fact]
    public void DotExcludesOnlyNewline()
    {
        Assert.False(Matches(".", "\n"));
        Assert.True(Matches(".", "\r"));
        Assert.True(Matches(".", "\u2028"));
        Assert.True(Matches(".", "\n", RegexParseOptions.DotAll));
        Assert.True(Matches("(?s).", "\n"));
    }
}
