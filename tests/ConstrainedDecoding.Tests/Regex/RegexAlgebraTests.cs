using System.Text;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Regex;

public class RegexAlgebraTests
{
    private static readonly string[] s_patterns = ["a*b", "(ab|ba)+", "[ab]{2,4}", "a.*", ".*b.*", "(a|b)*a(a|b)", "", "b?"];

    private static IEnumerable<byte[]> AllStrings(int maxLength)
    {
        var current = new List<byte[]> { Array.Empty<byte>() };
        for (int len = 0; len <= maxLength; len++)
        {
            foreach (var s in current) yield return s;
            current = current.SelectMany(s => new[] { (byte)'a', (byte)'b', (byte)'c' }.Select(c => s.Append(c).ToArray())).ToList();
        }
    }

    [Fact]
    public void Intersection_and_difference_agree_with_the_reference_matcher_on_all_short_strings()
    {
        var strings = AllStrings(6).ToList();
        foreach (var pa in s_patterns)
        {
            foreach (var pb in s_patterns)
            {
                var a = RegexParser.Parse(pa);
                var b = RegexParser.Parse(pb);
                var both = RegexAlgebra.Intersect(a, b);
                var minus = RegexAlgebra.Difference(a, b);
                foreach (var s in strings)
                {
                    bool ma = ReferenceRegexMatcher.IsMatch(a, s), mb = ReferenceRegexMatcher.IsMatch(b, s);
                    Assert.True((ma && mb) == RegexAlgebra.IsMatch(both, s), $"{pa} & {pb} on '{Encoding.ASCII.GetString(s)}'");
                    Assert.True((ma && !mb) == RegexAlgebra.IsMatch(minus, s), $"{pa} - {pb} on '{Encoding.ASCII.GetString(s)}'");
                }
            }
        }
    }

    [Fact]
    public void Empty_results_are_Nothing_and_nested_products_work()
    {
        Assert.True(RegexAlgebra.IsEmpty(RegexAlgebra.Intersect(RegexParser.Parse("a+"), RegexParser.Parse("b+"))));
        Assert.True(RegexAlgebra.IsEmpty(RegexAlgebra.Difference(RegexParser.Parse("a"), RegexParser.Parse("a|b"))));
        Assert.False(RegexAlgebra.IsEmpty(RegexParser.Parse("a?")));
        var nested = RegexAlgebra.Difference(RegexAlgebra.Intersect(RegexParser.Parse("[a-c]{1,3}"), RegexParser.Parse(".*a.*")), RegexParser.Parse("aa?"));
        Assert.True(RegexAlgebra.IsMatch(nested, "ba"u8));
        Assert.False(RegexAlgebra.IsMatch(nested, "aa"u8));
        Assert.False(RegexAlgebra.IsMatch(nested, "bbbb"u8));
        Assert.Equal(nested.Key, RegexAlgebra.Difference(RegexAlgebra.Intersect(RegexParser.Parse("[a-c]{1,3}"), RegexParser.Parse(".*a.*")), RegexParser.Parse("aa?")).Key);
    }

    [Fact]
    public void Products_with_thousands_of_edges_keep_every_state()
    {
        // About 3,000 states with two edges each: the construction's edge storage spans several chunks.
        var both = RegexAlgebra.Intersect(RegexParser.Parse("[a-z]{0,3000}"), RegexParser.Parse("(a|m)*"));
        var minus = RegexAlgebra.Difference(RegexParser.Parse("[a-z]{0,3000}"), RegexParser.Parse("[b-z].*"));
        var am = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("am", 1500)));
        Assert.True(RegexAlgebra.IsMatch(both, am));
        Assert.False(RegexAlgebra.IsMatch(both, am.Append((byte)'a').ToArray()));
        Assert.False(RegexAlgebra.IsMatch(both, Encoding.ASCII.GetBytes(new string('a', 2999) + "b")));
        Assert.True(RegexAlgebra.IsMatch(minus, Encoding.ASCII.GetBytes("a" + new string('z', 2999))));
        Assert.False(RegexAlgebra.IsMatch(minus, Encoding.ASCII.GetBytes("z" + new string('a', 2999))));
        Assert.False(RegexAlgebra.IsMatch(minus, Encoding.ASCII.GetBytes("a" + new string('z', 3000))));
        Assert.Equal(3001, ((AutomatonRegex)both).StateCount);
    }

    [Fact]
    public void Product_size_is_bounded()
    {
        // (a|b)*a(a|b){n}: the DFA needs 2^n states; intersected with a length bound it stays within reach, but
        // the limit stops an explosion with a GrammarLimitException naming the constant.
        var big = RegexParser.Parse("[ab]*a[ab]{17}");
        var e = Assert.Throws<GrammarLimitException>(() => RegexAlgebra.Intersect(big, RegexParser.Parse("[ab]*b[ab]{16}")));
        Assert.Contains(nameof(Limits.MaxProductStates), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Automaton_terminals_give_exact_token_masks()
    {
        var word = RegexAlgebra.Difference(RegexParser.Parse("[a-z]{1,6}"), RegexParser.Parse("ab.*"));
        var builder = new GrammarBuilder();
        builder.DefineRule("start", GrammarExpression.Sequence([GrammarExpression.Pattern(word, "word"), GrammarExpression.Pattern(RegexNode.Literal(";"), ";")]), default);
        var vocab = FakeVocabularies.Bytes();
        var grammar = new GrammarCompiler(vocab).Compile(builder.Build("start"));
        bool Accepts(string text)
        {
            var m = new GrammarMatcher(grammar);
            return m.TryAcceptString(text) && m.IsTokenAllowed(FakeVocabularies.StopId(vocab));
        }
        Assert.True(Accepts("xyz;"));
        Assert.True(Accepts("a;"));
        Assert.True(Accepts("bab;"));
        Assert.False(Accepts("abc;"));
        Assert.False(Accepts("ab;"));
        Assert.False(Accepts("abcdefg;"));
        // After "ab" no letter can lead anywhere: the mask is exact, not just the final check.
        var matcher = new GrammarMatcher(grammar);
        Assert.True(matcher.TryAcceptString("a"));
        Assert.False(matcher.TryAcceptString("b"));
    }
}
