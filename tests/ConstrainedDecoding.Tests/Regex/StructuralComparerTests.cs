using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Regex;

public class StructuralComparerTests
{
    private static readonly string[] s_patterns =
    [
        "ab", "a|b", "(ab)*", "(ab)*c", "a{2,5}", "a{2,6}", "a{2,}", "[a-c]x|y", "y|[a-c]x", "(a|b)(c|d)*e", "x{0,300}y", "a(b|c){1,3}",
    ];

    [Fact]
    public void Equal_exactly_when_keys_are_equal_and_separately_built_nodes_match()
    {
        var first = s_patterns.Select(p => RegexParser.Parse(p)).ToArray();
        var second = s_patterns.Select(p => RegexParser.Parse(p)).ToArray(); // new instances of the same structures
        var cmp = StructuralComparer.Instance;
        for (int i = 0; i < first.Length; i++)
        {
            Assert.False(ReferenceEquals(first[i], second[i]) && first[i] is ConcatRegex or AlternationRegex or RepeatRegex);
            Assert.True(cmp.Equals(first[i], second[i]), s_patterns[i]);
            Assert.Equal(cmp.GetHashCode(first[i]), cmp.GetHashCode(second[i]));
            for (int j = 0; j < first.Length; j++)
            {
                bool keys = first[i].Key == second[j].Key;
                Assert.True(keys == cmp.Equals(first[i], second[j]), $"{s_patterns[i]} vs {s_patterns[j]}");
            }
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void Alternations_drop_branches_equal_by_structure_built_separately(int distinct)
    {
        // Below 17 branches the duplicates are found by a scan, above by a set; either way by structure, so two
        // separately built equal branches are one, and the result is the alternation of the distinct ones.
        RegexNode Branch(int i) => RegexParser.Parse("x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "(ab|cd)*y");
        var branches = new List<RegexNode>();
        for (int i = 0; i < distinct; i++) branches.Add(Branch(i));
        for (int i = distinct - 1; i >= 0; i -= 2) branches.Add(Branch(i));
        var alternation = Assert.IsType<AlternationRegex>(RegexNode.Alternate(branches));
        Assert.Equal(distinct, alternation.Branches.Length);
        var expected = RegexNode.Alternate(Enumerable.Range(0, distinct).Select(Branch).ToList());
        Assert.Equal(expected.Key, alternation.Key);
    }

    [Fact]
    public void Derivatives_reaching_the_same_residual_find_it_by_structure()
    {
        // Every derivative of these patterns, by every byte, twice over: nodes equal by key are equal by structure.
        var cmp = StructuralComparer.Instance;
        int pairs = 0;
        foreach (var p in s_patterns)
        {
            var seen = new Dictionary<string, RegexNode>();
            DerivativeWalk.Run(RegexParser.Parse(p), "abcdexy"u8, 6, (_, _, d) =>
            {
                if (seen.TryGetValue(d.Key, out var known))
                {
                    Assert.True(cmp.Equals(known, d), $"{p}: {d.Key}");
                    Assert.Equal(cmp.GetHashCode(known), cmp.GetHashCode(d));
                    pairs++;
                    return false;
                }
                seen[d.Key] = d;
                return true;
            });
        }
        Assert.True(pairs > 15, $"only {pairs} repeated residuals met");
    }

    [Fact]
    public void A_probe_matches_the_concatenation_it_describes_and_no_other()
    {
        var cmp = StructuralComparer.Instance;
        var a = RegexParser.Parse("a");
        var star = RegexParser.Parse("(bc)*");
        var pair = (ConcatRegex)RegexParser.Parse("x[yz]");
        var built = RegexNode.Concat(a, pair, star); // flattened: a x [yz] (bc)*
        RegexNode[] head = [a, pair.Parts[0]];
        RegexNode[] tail = [pair.Parts[1], star];
        var probe = new ConcatProbe(head, tail);
        Assert.True(cmp.Equals(probe, built));
        Assert.Equal(cmp.GetHashCode(built), cmp.GetHashCode(probe));
        Assert.True(cmp.Equals(cmp.Create(probe), built));
        Assert.False(cmp.Equals(new ConcatProbe(head, [pair.Parts[1]]), built));
        Assert.False(cmp.Equals(new ConcatProbe([a], tail), built));
        Assert.False(cmp.Equals(new ConcatProbe(tail, head), built));
        Assert.False(cmp.Equals(probe, RegexNode.Alternate(a, star)));
        var lookup = new Dictionary<RegexNode, int>(cmp) { [built] = 7 }.GetAlternateLookup<ConcatProbe>();
        Assert.True(lookup.TryGetValue(new ConcatProbe(head, tail), out int found));
        Assert.Equal(7, found);
        Assert.False(lookup.TryGetValue(new ConcatProbe(tail, head), out _));
    }

    [Fact]
    public void Derivative_automata_keep_one_state_per_residual()
    {
        // x{0,300}y: 301 counter states and the final one; a second key-equal state would make more.
        var dfa = new LazyDfa(RegexParser.Parse("x{0,300}y"), null);
        int s = LazyDfa.Initial;
        for (int i = 0; i < 300; i++) s = dfa.Step(s, (byte)'x');
        Assert.True(dfa.IsAccepting(dfa.Step(s, (byte)'y')));
        Assert.Equal(LazyDfa.Dead, dfa.Step(s, (byte)'x'));
        int again = LazyDfa.Initial;
        for (int i = 0; i < 300; i++) again = dfa.Step(again, (byte)'x');
        Assert.Equal(s, again);
    }
}
