using System.Text;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using Xunit;

namespace ConstrainedDecoding.Tests.Regex;

public class RegexDerivativeTests
{
    /// <summary>Patterns with loops, bounded repeats, nullable parts, escapes and UTF-8 (shared with the automaton tests).</summary>
    public static readonly string[] PatternList =
    [
        "abc", "a|ab|abc", "(ab)*c", "a{2,5}b?", "[a-c]+x{0,3}", "(a|b)*abb", "\"([^\"\\\\]|\\\\[\"\\\\nu])*\"",
        "(x?y?){2,4}z", "é+|ü|[^a-z]", "(a*)*b", "[0-9]{1,3}(\\.[0-9]{1,3}){3}", "(ab|a){3,7}b",
    ];

    public static TheoryData<string> Patterns => new(PatternList);

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Derivative_matches_exactly_the_suffixes(string pattern)
    {
        var node = RegexParser.Parse(pattern);
        var rng = new Random(7);
        var alphabet = Encoding.UTF8.GetBytes("abcxyz\"\\nué");
        for (int trial = 0; trial < 400; trial++)
        {
            int length = rng.Next(0, 8);
            var input = new byte[length];
            for (int i = 0; i < length; i++) input[i] = alphabet[rng.Next(alphabet.Length)];
            // Derive by a prefix of the input, then compare the rest against the reference matcher.
            int cut = length == 0 ? 0 : rng.Next(0, length + 1);
            RegexNode? d = node;
            for (int i = 0; i < cut; i++) d = RegexDerivative.Derive(d!, input[i]);
            Assert.NotNull(d);
            bool expected = ReferenceRegexMatcher.IsMatch(node, input);
            bool actual = ReferenceRegexMatcher.IsMatch(d!, input.AsSpan(cut));
            Assert.True(expected == actual, $"pattern {pattern}, input '{Encoding.UTF8.GetString(input)}', cut {cut}: expected {expected}");
        }
    }

    [Fact]
    public void Diverged_complement_and_generic_string_reach_the_same_key()
    {
        // "anything but name" and "any string" agree once the first byte rules "name" out.
        var generic = RegexParser.Parse("\"[a-z]*\":");
        var complement = RegexParser.Parse("\"(|n|na|nam|[a-mo-z][a-z]*|n[b-z][a-z]*|na[a-ln-z][a-z]*|nam[a-df-z][a-z]*|name[a-z]+)\":");
        var g = RegexDerivative.Derive(RegexDerivative.Derive(generic, (byte)'"')!, (byte)'x')!;
        var c = RegexDerivative.Derive(RegexDerivative.Derive(complement, (byte)'"')!, (byte)'x')!;
        Assert.Equal(g.Key, c.Key);
        var cn = RegexDerivative.Derive(RegexDerivative.Derive(complement, (byte)'"')!, (byte)'n')!;
        Assert.NotEqual(g.Key, cn.Key);
    }

    [Fact]
    public void Dead_byte_gives_nothing()
    {
        var d = RegexDerivative.Derive(RegexParser.Parse("ab"), (byte)'b');
        Assert.NotNull(d);
        Assert.True(RegexDerivative.IsNothing(d!));
    }
}
