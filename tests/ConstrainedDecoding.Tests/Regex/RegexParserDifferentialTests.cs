using System.Text.RegularExpressions;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using NetRegex = System.Text.RegularExpressions.Regex;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>
/// Parses patterns with <see cref="RegexParser"/>, evaluates them with <see cref="ReferenceRegexMatcher"/>
/// and compares with .NET's backtracking engine wrapped as <c>^(?:p)\z</c>. ECMAScript mode is used
/// where <c>\d \w \s</c> appear (.NET's default classes are Unicode). Strings holding astral
/// characters are left out here because .NET matches UTF-16 code units (<c>.</c> or a class would
/// match half a surrogate pair); astral behaviour has explicit tests in <see cref="RegexParserUnicodeTests"/>.
/// </summary>
public class RegexParserDifferentialTests
{
    private const string Extras = "a0_-. é日\nZ";

    public static TheoryData<string> EcmaPatterns() =>
    [
        "abc", "a|b|c", "ab|cd", "a*", "a+", "a?", "a*?b", "a+?", "a??b", "a{3}", "a{2,}", "a{2,4}", "a{0,2}b", "a{1,3}?b",
        "(ab)*", "(?:ab)+c", "(a|b)*abb", "(a|ab)(c|bcd)(d*)", "((a|b)c)?d", "x{2}y{0,1}", "(a*)*", "(a*)+b", "(a|b)*?c",
        "(?:a{2}){2,3}", "a{0}", "a{0}b", "(?:)", "a||b", "(|a)b", "(?<name>ab)+", "(?:a|)+",
        "[abc]+", "[a-z]+", "[^a-z]", "[^abc]*", "[-a]", "[a-]", "[\\]]", "[\\-]", "[\\^a]", "[a^]+", "[.]", "[^\\n]*",
        "[a-cx-z0-2]+", "[\\x41-\\x43]", "[\\u00e0-\\u00ff]+",
        "\\d+", "\\d{3}-\\d{4}", "\\w+", "\\W", "\\D+", "[\\d.]+", "[\\w-]+", "[\\w.-]+", "[\\s\\S]", "[^\\d\\W]+",
        "[a-zA-Z_][a-zA-Z0-9_]*", "-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?", "\"([^\"\\\\]|\\\\.)*\"",
        "a.c", ".*", ".+a", "\\.", "\\*\\+\\?", "\\(\\)", "\\[\\]", "\\{\\}", "\\$\\^", "a\\/b", "\\|",
        "a{", "a{x}", "{", "a{1,2", "a{1,2,3}", "}", "]", "a}", "x{,3}",
        "\\x41\\u0042", "\\t\\n", "[\\t\\n ]+", "\\0", "\\cJ",
        "^abc$", "^(a|b)$", "^a$|^b$", "(^a|b)c", "a(b$|c)", "^$",
        "é+", "[é日]+", "日本語", "[α-ω]+", "é|日本", "(?:日本)+",
    ];

    public static TheoryData<string> IgnoreCasePatterns() =>
    [
        "abc", "[a-z]+", "[^a-z]+", "Hello World", "[A-F0-9]+", "é+", "(ab|CD)*", "[^A]", "a{2}B",
    ];

    public static TheoryData<string> NetPatterns() =>
    [
        "\\p{L}+", "\\p{Lu}\\p{Ll}*", "\\p{N}", "[\\p{L}\\p{Nd}_]+", "\\P{L}+", "\\p{P}", "\\p{S}", "\\p{Z}", "\\p{M}",
        "\\p{Lo}+", "\\p{Nl}", "\\p{No}", "\\p{C}", "\\p{Lt}", "\\p{Lm}", "[^\\p{L}]", "\\p{Nd}+", "[\\P{N}a]",
    ];

    [Theory]
    [MemberData(nameof(EcmaPatterns))]
    public void AgreesWithDotNetEcmaScript(string pattern) =>
        Compare(pattern, RegexParseOptions.None, RegexOptions.ECMAScript, seed: 1);

    [Theory]
    [MemberData(nameof(IgnoreCasePatterns))]
    public void AgreesWithDotNetIgnoreCase(string pattern) =>
        Compare(pattern, RegexParseOptions.IgnoreCase, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, seed: 2,
            skip: s => s.Contains('\u017F', StringComparison.Ordinal) || s.Contains('\u212A', StringComparison.Ordinal));

    // .NET does not treat long s (U+017F) as a case variant of 's', nor (in some versions) the Kelvin sign of 'k';
    // ECMAScript /iu and Python do, and so does the parser. Those strings are checked in RegexParserUnicodeTests.

    [Theory]
    [MemberData(nameof(NetPatterns))]
    public void AgreesWithDotNetOnCategories(string pattern) =>
        Compare(pattern, RegexParseOptions.None, RegexOptions.None, seed: 3,
            extras: "aZé ж日1٣½Ⅻ-!$+\u00A0\u0301\n\u200B\uE000\u0378ǅʰ");

    // .NET's ECMAScript \s is ASCII only and its default \s differs too (U+0085 in, U+FEFF out), so
    // .NET gets the ECMAScript white-space set spelled out.
    private const string EcmaSpace = "\\t\\n\\v\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

    [Theory]
    [InlineData("\\s+", "[" + EcmaSpace + "]+")]
    [InlineData("\\S+", "[^" + EcmaSpace + "]+")]
    [InlineData("a\\s*b", "a[" + EcmaSpace + "]*b")]
    [InlineData("[^\\d\\s]+", "[^0-9" + EcmaSpace + "]+")]
    [InlineData("[\\sa]", "[a" + EcmaSpace + "]")]
    public void AgreesWithDotNetOnWhiteSpace(string pattern, string netPattern) =>
        Compare(pattern, RegexParseOptions.None, RegexOptions.None, seed: 7, netPattern: netPattern,
            extras: "a0 \t\n\u00A0\u0085\u2028\u3000\uFEFF\u200Bé");

    [Theory]
    [InlineData("a.b")]
    [InlineData(".*")]
    [InlineData("[^a]+")]
    public void AgreesWithDotNetDotAll(string pattern) =>
        Compare(pattern, RegexParseOptions.DotAll, RegexOptions.Singleline, seed: 4);

    [Theory]
    [InlineData("a b c # comment\n d")]
    [InlineData("[ ]x +")]
    [InlineData("(a | b) * # tail")]
    [InlineData("a\\ b")]
    public void AgreesWithDotNetIgnorePatternWhitespace(string pattern) =>
        Compare(pattern, RegexParseOptions.IgnorePatternWhitespace, RegexOptions.IgnorePatternWhitespace, seed: 5, extras: "a b\n#cdx");

    [Theory]
    [InlineData("(?i)abc", "abc", RegexOptions.IgnoreCase)]
    [InlineData("(?s).+", ".+", RegexOptions.Singleline)]
    [InlineData("(?x)a b", "ab", RegexOptions.None)]
    [InlineData("a(?i:b)c", "a[bB]c", RegexOptions.None)]
    [InlineData("(?i)a(?-i:b)c", "[aA]b[cC]", RegexOptions.None)]
    public void InlineFlagsAgreeWithEquivalentPattern(string pattern, string netPattern, RegexOptions netOptions) =>
        Compare(pattern, RegexParseOptions.None, netOptions, seed: 6, netPattern: netPattern, extras: "aAbBcC\n.");

    private static void Compare(string pattern, RegexParseOptions options, RegexOptions netOptions, int seed, string? netPattern = null, string extras = Extras, Func<string, bool>? skip = null)
    {
        var node = RegexParser.Parse(pattern, options);
        // In x mode a trailing '#' comment would swallow the closing parenthesis, hence the newline.
        string close = (netOptions & RegexOptions.IgnorePatternWhitespace) != 0 ? "\n)\\z" : ")\\z";
        var net = new NetRegex("^(?:" + (netPattern ?? pattern) + close, netOptions);
        var rng = new Random(seed * 7919 + pattern.Length);
        var alphabet = RegexTestStrings.Alphabet(pattern + extras);
        var candidates = new List<string> { "" };
        for (int i = 0; i < 40; i++)
        {
            var sample = RegexTestStrings.Decode(RegexTestStrings.Sample(node, rng));
            candidates.Add(sample);
            candidates.Add(RegexTestStrings.Mutate(sample, alphabet, rng));
            candidates.Add(RegexTestStrings.RandomString(alphabet, 6, rng));
        }
        int compared = 0, matched = 0;
        foreach (var s in candidates)
        {
            if (s.Any(char.IsSurrogate) || (skip?.Invoke(s) ?? false)) continue;
            bool expected = net.IsMatch(s);
            bool actual = ReferenceRegexMatcher.IsMatch(node, RegexTestStrings.Utf8(s));
            Assert.True(expected == actual, $"/{pattern}/ on \"{Escape(s)}\": .NET says {expected}, parser+reference says {actual}");
            compared++;
            if (actual) matched++;
        }
        Assert.True(compared >= 40, $"only {compared} strings compared");
        // Sampled members must match unless the language is empty, so every pattern is tested on positives too.
        Assert.True(matched > 0 || !ReferenceRegexMatcher.IsSatisfiable(node), $"/{pattern}/: no matching string among {compared}");
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:X4}" : c.ToString()));
}
