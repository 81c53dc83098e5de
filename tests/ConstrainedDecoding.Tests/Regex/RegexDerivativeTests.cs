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
        // Counted searches: runs in progress collapse when the run's class is inside the surrounding one (first
        // two), and must not when it is not (third).
        "[a-z0-9é]*[a-c]{4}[a-z0-9é]*\"", "x[^\"]*[0-9a]{3,5}[^\"]*\"", "[a-c]*[a-z]{3}[a-c]*",
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

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Lead_bytes_are_exactly_the_viable_first_bytes_at_every_state(string pattern)
    {
        // Derive prunes parts and branches by their lead bytes, so those must never miss a byte.
        var node = RegexParser.Parse(pattern);
        var rng = new Random(11);
        var alphabet = Encoding.UTF8.GetBytes("abcxyz\"\\nué.0129");
        for (int trial = 0; trial < 60; trial++)
        {
            RegexNode d = node;
            var prefix = new List<byte>();
            for (int step = 0; step < 6; step++)
            {
                AssertLeadBytesExact(d, $"pattern {pattern} after '{Encoding.UTF8.GetString(prefix.ToArray())}'");
                byte next = alphabet[rng.Next(alphabet.Length)];
                var derived = RegexDerivative.Derive(d, next)!;
                if (RegexDerivative.IsNothing(derived)) break;
                prefix.Add(next);
                d = derived;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Pruned_derivative_builds_the_same_node_as_the_plain_definition(string pattern)
    {
        // Keys decide which states share token tables, so skipping dead branches must not change them.
        var node = RegexParser.Parse(pattern);
        var rng = new Random(5);
        var alphabet = Encoding.UTF8.GetBytes("abcxyz\"\\nué.0129");
        for (int trial = 0; trial < 80; trial++)
        {
            RegexNode d = node;
            for (int step = 0; step < 8; step++)
            {
                byte b = alphabet[rng.Next(alphabet.Length)];
                var fast = RegexDerivative.Derive(d, b)!;
                var plain = PlainDerive(d, b);
                Assert.Equal(plain.Key, fast.Key);
                if (RegexDerivative.IsNothing(fast)) break;
                d = fast;
            }
        }
    }

    // Derive prunes by lead bytes: they must be exactly the bytes the reference matcher finds viable.
    private static void AssertLeadBytesExact(RegexNode d, string context)
    {
        for (int b = 0; b < 256; b++)
        {
            bool viable = ReferenceRegexMatcher.IsViablePrefix(d, [(byte)b]);
            Assert.True(viable == RegexNode.LeadBytes(d).Contains((byte)b), $"{context}, byte {b:X2}: viable {viable}");
        }
    }

    // The textbook derivative over the factories, visiting every part and branch.
    private static RegexNode PlainDerive(RegexNode node, byte b)
    {
        switch (node)
        {
            case EmptyRegex:
                return RegexNode.Nothing;
            case ByteClassRegex c:
                return c.Set.Contains(b) ? RegexNode.Empty : RegexNode.Nothing;
            case AlternationRegex a:
            {
                var live = a.Branches.Select(x => PlainDerive(x, b)).Where(x => !RegexDerivative.IsNothing(x)).ToList();
                return live.Count switch { 0 => RegexNode.Nothing, 1 => live[0], _ => RegexNode.Alternate(live) };
            }
            case ConcatRegex c:
            {
                var live = new List<RegexNode>();
                for (int i = 0; i < c.Parts.Length; i++)
                {
                    var d = PlainDerive(c.Parts[i], b);
                    if (!RegexDerivative.IsNothing(d)) live.Add(RegexNode.Concat([d, .. c.Parts.Skip(i + 1)]));
                    if (!c.Parts[i].IsNullable) break;
                }
                return live.Count switch { 0 => RegexNode.Nothing, 1 => live[0], _ => RegexNode.Alternate(live) };
            }
            case RepeatRegex r:
            {
                var d = PlainDerive(r.Body, b);
                if (RegexDerivative.IsNothing(d)) return RegexNode.Nothing;
                int max = r.Max == RegexNode.Unbounded ? RegexNode.Unbounded : r.Max - 1;
                return RegexNode.Concat(d, RegexNode.Repeat(r.Body, Math.Max(r.Min - 1, 0), max));
            }
            default:
                throw new InvalidOperationException("unexpected node kind");
        }
    }

    [Fact]
    public void Runs_in_progress_of_a_counted_search_collapse_to_the_shortest()
    {
        // "[0-9a-f]{40}" searched inside a string: after 30 run characters only the run that needs the fewest more
        // characters is kept (every other one is contained in it), instead of 31 branches.
        var node = RegexParser.Parse("\"[0-9a-z]*[0-9a-f]{40}[0-9a-z]*\"");
        RegexNode d = node;
        foreach (byte b in Encoding.UTF8.GetBytes("\"" + new string('a', 30))) d = RegexDerivative.Derive(d, b)!;
        var alternation = Assert.IsType<AlternationRegex>(d);
        Assert.Equal(2, alternation.Branches.Length);
        // The language is unchanged: 10 more run characters then a quote is a match, 9 are not.
        Assert.True(ReferenceRegexMatcher.IsMatch(d, Encoding.UTF8.GetBytes(new string('b', 10) + "\"")));
        Assert.False(ReferenceRegexMatcher.IsMatch(d, Encoding.UTF8.GetBytes(new string('b', 9) + "\"")));
        Assert.True(ReferenceRegexMatcher.IsMatch(d, Encoding.UTF8.GetBytes("xyz" + new string('0', 40) + "\"")));

        // Once the run is complete the state is the plain "any content, then a quote" again.
        foreach (byte b in Encoding.UTF8.GetBytes(new string('a', 10))) d = RegexDerivative.Derive(d, b)!;
        foreach (byte b in Encoding.UTF8.GetBytes(new string('c', 25))) d = RegexDerivative.Derive(d, b)!;
        Assert.Equal(RegexParser.Parse("[0-9a-z]*\"").Key, d.Key);
    }

    [Fact]
    public void Runs_whose_class_is_not_inside_the_surrounding_one_are_all_kept()
    {
        // With 'x' in the run class but not around it, "x" then "a…" is not a longer version of the same run.
        var node = RegexParser.Parse("[a-c]*[a-cx]{6}[a-c]*");
        RegexNode d = node;
        foreach (byte b in Encoding.UTF8.GetBytes("aaa")) d = RegexDerivative.Derive(d, b)!;
        var alternation = Assert.IsType<AlternationRegex>(d);
        Assert.Equal(4, alternation.Branches.Length);
        Assert.True(ReferenceRegexMatcher.IsMatch(d, Encoding.UTF8.GetBytes("xxx")));
        Assert.False(ReferenceRegexMatcher.IsMatch(d, Encoding.UTF8.GetBytes("xx")));
    }

    /// <summary>Nodes built by the regex algebra (explicit automata), alone and inside a key-like concatenation.</summary>
    public static TheoryData<string> AlgebraNodes => new(["difference", "intersection", "key"]);

    private static RegexNode Algebra(string name) => name switch
    {
        "difference" => RegexAlgebra.Difference(RegexParser.Parse("[a-z]*"), RegexParser.Parse("name|nam|age|x[a-c]*")),
        "intersection" => RegexAlgebra.Intersect(RegexParser.Parse("[a-z0-9]{2,6}"), RegexParser.Parse("(ab|c|1)*")),
        _ => RegexNode.Concat(RegexParser.Parse("\""), RegexAlgebra.Difference(RegexParser.Parse("[a-zé]*"), RegexParser.Parse("abc|é|b")), RegexParser.Parse("\":")),
    };

    [Theory]
    [MemberData(nameof(AlgebraNodes))]
    public void Automaton_node_derivatives_match_exactly_the_suffixes_and_lead_bytes_are_exact(string name)
    {
        var node = Algebra(name);
        Assert.Contains(node is ConcatRegex c ? c.Parts : [node], p => p is AutomatonRegex);
        var rng = new Random(5);
        var alphabet = Encoding.UTF8.GetBytes("abcnmegx1z\":é");
        for (int trial = 0; trial < 300; trial++)
        {
            int length = rng.Next(0, 9);
            var input = new byte[length];
            for (int i = 0; i < length; i++) input[i] = alphabet[rng.Next(alphabet.Length)];
            RegexNode d = node;
            int cut = 0;
            while (cut < length)
            {
                AssertLeadBytesExact(d, $"{name} after {cut} bytes of '{Encoding.UTF8.GetString(input)}'");
                d = RegexDerivative.Derive(d, input[cut++])!;
                Assert.NotNull(d);
                bool expected = ReferenceRegexMatcher.IsMatch(node, input);
                Assert.True(expected == ReferenceRegexMatcher.IsMatch(d, input.AsSpan(cut)),
                    $"{name}, input '{Encoding.UTF8.GetString(input)}', cut {cut}: expected {expected}");
                if (RegexDerivative.IsNothing(d)) break;
            }
        }
    }

    [Fact]
    public void Automaton_states_have_one_node_and_one_key_each()
    {
        var auto = Assert.IsType<AutomatonRegex>(RegexAlgebra.Difference(RegexParser.Parse("[a-z]*"), RegexParser.Parse("name|age")));
        // Every string up to 3 bytes: derivatives that land in the same automaton state are one node with one key,
        // and different states have different keys.
        var byState = new Dictionary<int, AutomatonRegex>();
        var alphabet = Encoding.UTF8.GetBytes("namegz");
        var frontier = new List<RegexNode> { auto };
        for (int depth = 0; depth < 3; depth++)
        {
            var next = new List<RegexNode>();
            foreach (var d in frontier)
            {
                var state = Assert.IsType<AutomatonRegex>(d);
                if (byState.TryGetValue(state.Start, out var seen)) Assert.Same(seen, state);
                else byState[state.Start] = state;
                foreach (byte b in alphabet) next.Add(RegexDerivative.Derive(d, b)!);
            }
            frontier = next;
        }
        Assert.True(byState.Count >= 4);
        Assert.Equal(byState.Count, byState.Values.Select(n => n.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(auto.Key, byState[auto.Start].Key);
        Assert.True(RegexDerivative.IsNothing(RegexDerivative.Derive(auto, (byte)'0')!));
        // The residual after "nam" excludes exactly "e".
        var nam = RegexDerivative.Derive(RegexDerivative.Derive(RegexDerivative.Derive(auto, (byte)'n')!, (byte)'a')!, (byte)'m')!;
        Assert.False(ReferenceRegexMatcher.IsMatch(nam, "e"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(nam, "ez"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(nam, ""u8));
    }

    [Theory]
    [InlineData("abcdef")]
    [InlineData("(ab|cd)efg")]
    [InlineData("(abc)(de|fg)h")]
    [InlineData("a(bc)*d")]
    [InlineData("[ab]{2,3}(cd)e")]
    public void Derivatives_of_concatenations_are_the_concatenation_the_factory_builds(string pattern)
    {
        // The derivative of p0 p1 … pn through a non-nullable head is d(p0) p1 … pn, built with one array whether
        // d(p0) is ε, a concatenation (flattened) or anything else; it must be exactly what Concat makes of it.
        int checkedSteps = 0;
        DerivativeWalk.Run(RegexParser.Parse(pattern), "abcdefgh"u8, 6, (node, b, d) =>
        {
            if (node is ConcatRegex c && !c.Parts[0].IsNullable)
            {
                var head = RegexDerivative.Derive(c.Parts[0], b)!;
                var expected = RegexNode.Concat([head, .. c.Parts.Skip(1)]);
                Assert.Equal(expected.Key, d.Key);
                Assert.True(StructuralComparer.Instance.Equals(expected, d), $"{pattern}: {d.Key}");
                checkedSteps++;
            }
            return true;
        });
        Assert.True(checkedSteps >= 3, $"{pattern}: only {checkedSteps} concatenation steps");
    }

    [Fact]
    public void Residual_states_of_an_automaton_with_a_long_key_name_it_by_a_stand_in_and_stay_distinct()
    {
        // A product's key spells out both operands; residual states used to copy it into each of their keys (one
        // such string per new derivative state). Their keys now name the automaton by its short stand-in.
        string words = string.Join("|", Enumerable.Range(0, 40).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "x"));
        RegexNode Build() => RegexAlgebra.Difference(RegexParser.Parse("[a-z0-9]{1,8}"), RegexParser.Parse(words));
        var auto = Assert.IsType<AutomatonRegex>(Build());
        Assert.True(auto.Key.Length > 200, $"expected a long key, got {auto.Key.Length} chars");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int s = 0; s < auto.StateCount; s++)
        {
            var key = auto.StartingAt(s).Key;
            Assert.True(keys.Add(key), $"state {s} repeats a key");
            if (s != auto.Start) Assert.True(key.Length < 40, $"state {s}: key of {key.Length} chars");
            Assert.Same(key, auto.StartingAt(s).Key);
        }
        // An equal product built again (its states numbered the same way) gives its states the same keys: tables stay shared.
        var again = Assert.IsType<AutomatonRegex>(Build());
        Assert.Equal(auto.Key, again.Key);
        for (int s = 0; s < auto.StateCount; s++) Assert.Equal(auto.StartingAt(s).Key, again.StartingAt(s).Key);
        // And the residual languages are still right: after "w1" only "x" is excluded among one-byte endings.
        RegexNode w1 = auto;
        foreach (byte b in "w1"u8) w1 = RegexDerivative.Derive(w1, b)!;
        Assert.False(ReferenceRegexMatcher.IsMatch(w1, "x"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(w1, "y"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(w1, "xy"u8));
    }

    [Fact]
    public void Automaton_edges_are_the_same_through_every_start_and_the_public_view()
    {
        // The states keep their edges in one flat array; the public per-state view, the internal one and every
        // start node must agree, targets must be in range and the byte sets of a state disjoint. "ta…" leads to a
        // state from which nothing is accepted, which trimming removes, so later states are renumbered.
        var auto = Assert.IsType<AutomatonRegex>(RegexAlgebra.Difference(RegexParser.Parse("[a-z]{1,6}"), RegexParser.Parse("name|age|nag|ta[a-z]*")));
        var edges = auto.Edges;
        Assert.Equal(auto.StateCount, edges.Length);
        Assert.Equal(auto.StateCount, auto.Accepting.Length);
        int total = 0;
        for (int s = 0; s < auto.StateCount; s++)
        {
            var own = auto.EdgesOf(s).ToArray();
            Assert.Equal(own, edges[s].ToArray());
            var seen = ByteSet.Empty;
            foreach (var (bytes, target) in own)
            {
                Assert.InRange(target, 0, auto.StateCount - 1);
                Assert.True(seen.Intersect(bytes).IsEmpty, $"state {s}: overlapping byte sets");
                seen = seen.Union(bytes);
            }
            total += own.Length;
            var start = auto.StartingAt(s);
            Assert.Equal(s, start.Start);
            Assert.Equal(own, start.EdgesOf(s).ToArray());
            Assert.Equal(edges, start.Edges);
            Assert.Equal(auto.Accepting[s], start.IsNullable);
        }
        Assert.True(total > auto.StateCount, "expected more edges than states");
        // The language through the flat edges: "name" itself is excluded but longer words through it are not, and
        // nothing goes past six letters.
        RegexNode name = auto;
        foreach (byte b in "name"u8) name = RegexDerivative.Derive(name, b)!;
        Assert.False(name.IsNullable);
        Assert.True(ReferenceRegexMatcher.IsMatch(name, "xy"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(name, "xyz"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(auto, "names"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(auto, "nag"u8));
        Assert.False(ReferenceRegexMatcher.IsMatch(auto, "tab"u8));
        Assert.True(ReferenceRegexMatcher.IsMatch(auto, "tub"u8));
        Assert.True(RegexDerivative.IsNothing(RegexDerivative.Derive(RegexDerivative.Derive(auto, (byte)'t')!, (byte)'a')!));
    }

    [Fact]
    public void Residual_keys_are_shared_only_where_the_key_fixes_the_state_numbering()
    {
        static RegexNode Derive(RegexNode node, string text)
        {
            foreach (byte b in Encoding.UTF8.GetBytes(text)) node = RegexDerivative.Derive(node, b)!;
            return node;
        }
        // Two products of equal operands are numbered alike: their residual states share keys (and token tables).
        var p1 = RegexAlgebra.Difference(RegexParser.Parse("[a-z]*"), RegexParser.Parse("name|age"));
        var p2 = RegexAlgebra.Difference(RegexParser.Parse("[a-z]*"), RegexParser.Parse("name|age"));
        Assert.NotSame(p1, p2);
        Assert.Equal(Derive(p1, "na").Key, Derive(p2, "na").Key);

        // One caller key for "ab|b", numbered two ways: state 1 is "b" left in x but the end in y.
        var a = ByteSet.Single((byte)'a');
        var b = ByteSet.Single((byte)'b');
        var x = RegexAlgebra.FromAutomaton("ab-or-b", [false, false, true], [[(a, 1), (b, 2)], [(b, 2)], []]);
        var y = RegexAlgebra.FromAutomaton("ab-or-b", [false, true, false], [[(a, 2), (b, 1)], [], [(b, 1)]]);
        Assert.Equal(x.Key, y.Key);
        var xAfterA = Assert.IsType<AutomatonRegex>(Derive(x, "a"));
        var yAfterB = Assert.IsType<AutomatonRegex>(Derive(y, "b"));
        Assert.Equal(xAfterA.Start, yAfterB.Start);
        Assert.False(xAfterA.IsNullable);
        Assert.True(yAfterB.IsNullable);
        Assert.NotEqual(xAfterA.Key, yAfterB.Key);
    }

    [Fact]
    public void Residual_keys_stay_distinct_inside_parent_keys()
    {
        // A chain of 14 states on 'a': the residual at state 1 followed by the literal "2" must not share a key with
        // the residual at state 12 (a parent's key is its children's keys side by side).
        var a = ByteSet.Single((byte)'a');
        var accepting = Enumerable.Range(0, 14).Select(i => i == 13).ToArray();
        var edges = Enumerable.Range(0, 14).Select(i => i < 13 ? new[] { (a, i + 1) } : []).ToArray();
        foreach (var chain in new[]
        {
            RegexAlgebra.FromAutomaton("chain", accepting, edges),
            RegexAlgebra.Intersect(RegexParser.Parse("a{13}"), RegexParser.Parse("a*")),
        })
        {
            RegexNode d1 = RegexDerivative.Derive(chain, (byte)'a')!, d12 = d1;
            for (int i = 1; i < 12; i++) d12 = RegexDerivative.Derive(d12, (byte)'a')!;
            var left = RegexNode.Concat(d1, RegexNode.Literal("2z"));
            var right = RegexNode.Concat(d12, RegexNode.Literal("z"));
            Assert.True(ReferenceRegexMatcher.IsMatch(left, "aaaaaaaaaaaa2z"u8));
            Assert.False(ReferenceRegexMatcher.IsMatch(right, "aaaaaaaaaaaa2z"u8));
            Assert.True(ReferenceRegexMatcher.IsMatch(right, "az"u8));
            Assert.False(ReferenceRegexMatcher.IsMatch(left, "az"u8));
            Assert.NotEqual(left.Key, right.Key);
        }
    }
}
