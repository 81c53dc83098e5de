using System.Text;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Tests.Regex;
using Xunit;

namespace ConstrainedDecoding.Tests.Automata;

/// <summary>The derivative-built automaton accepts and keeps alive exactly what the NFA-built one and the reference matcher do.</summary>
public class DerivativeAutomatonTests
{
    public static TheoryData<string> Patterns => new(RegexDerivativeTests.PatternList);

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Derivative_and_nfa_automata_agree_with_the_reference(string pattern)
    {
        var node = RegexParser.Parse(pattern);
        var viaDerivatives = new LazyDfa(node, useDerivatives: true);
        var viaNfa = new LazyDfa(node, useDerivatives: false);
        Assert.NotNull(viaDerivatives.DerivativeOf(LazyDfa.Initial));
        Assert.Null(viaNfa.DerivativeOf(LazyDfa.Initial));
        var alphabet = Encoding.UTF8.GetBytes("abcxyz\"\\nué.0129").Distinct().ToArray();
        var rng = new Random(3);
        for (int trial = 0; trial < 600; trial++)
        {
            var input = new byte[rng.Next(0, 12)];
            for (int i = 0; i < input.Length; i++) input[i] = alphabet[rng.Next(alphabet.Length)];
            // Sometimes a real member of the language, so that acceptance is exercised.
            if (trial % 3 == 0) input = RegexTestStrings.Sample(node, rng);
            int d = viaDerivatives.Run(LazyDfa.Initial, input);
            int n = viaNfa.Run(LazyDfa.Initial, input);
            bool viable = ReferenceRegexMatcher.IsViablePrefix(node, input);
            bool match = input.Length > 0 && ReferenceRegexMatcher.IsMatch(node, input);
            string shown = Encoding.UTF8.GetString(input);
            Assert.True(viable == (d != LazyDfa.Dead), $"derivatives, '{shown}': viable {viable}");
            Assert.True(viable == (n != LazyDfa.Dead), $"nfa, '{shown}': viable {viable}");
            if (d != LazyDfa.Dead)
            {
                Assert.True(match == viaDerivatives.IsAccepting(d), $"derivatives, '{shown}': match {match}");
                Assert.Equal(viaNfa.LiveBytes(n), viaDerivatives.LiveBytes(d));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Every_state_is_the_derivative_of_its_source_and_no_two_states_are_equal(string pattern)
    {
        // The automaton finds existing states without building the derivative (concatenations and repeats): the state
        // it reaches must still be exactly the derivative, and a state must never be added twice.
        var dfa = new LazyDfa(RegexParser.Parse(pattern), useDerivatives: true);
        var alphabet = Encoding.UTF8.GetBytes("abcxyz\"\\nué.0129 ").Distinct().ToArray();
        var seen = new Dictionary<int, RegexNode> { [LazyDfa.Initial] = dfa.DerivativeOf(LazyDfa.Initial)! };
        var queue = new Queue<int>([LazyDfa.Initial]);
        while (queue.Count > 0 && seen.Count < 300)
        {
            int s = queue.Dequeue();
            var from = seen[s];
            foreach (byte b in alphabet)
            {
                int t = dfa.Step(s, b);
                var expected = RegexDerivative.Derive(from, b)!;
                if (t == LazyDfa.Dead)
                {
                    Assert.True(RegexDerivative.IsNothing(expected), $"{pattern}: dead on {(char)b} from {from.Key}");
                    continue;
                }
                var reached = dfa.DerivativeOf(t)!;
                Assert.True(StructuralComparer.Instance.Equals(expected, reached), $"{pattern}: {from.Key} by {(char)b} is {expected.Key}, reached {reached.Key}");
                if (seen.TryAdd(t, reached)) queue.Enqueue(t);
            }
        }
        // The initial state is never shared with an equal state reached later (it never accepts), every other one is.
        var later = seen.Where(kv => kv.Key != LazyDfa.Initial).Select(kv => kv.Value).ToList();
        Assert.Equal(later.Count, new HashSet<RegexNode>(later, StructuralComparer.Instance).Count);
    }

    [Fact]
    public void Huge_bounded_repeat_needs_no_upfront_expansion()
    {
        // 100,000 repeats of a UTF-8 class would be millions of NFA states.
        var node = RegexNode.Concat(RegexNode.Literal("\""), RegexNode.Repeat(RegexParser.Parse("[a-zé]"), 0, 100_000), RegexNode.Literal("\""));
        var dfa = new LazyDfa(node);
        Assert.NotNull(dfa.DerivativeOf(LazyDfa.Initial));
        int s = dfa.Run(LazyDfa.Initial, Encoding.UTF8.GetBytes("\"abcé"));
        Assert.NotEqual(LazyDfa.Dead, s);
        Assert.False(dfa.IsAccepting(s));
        Assert.True(dfa.IsAccepting(dfa.Step(s, (byte)'"')));
        Assert.Equal(LazyDfa.Dead, dfa.Step(s, (byte)'A'));
    }

    [Theory]
    [InlineData("[a-z]{0,300}", true)]
    [InlineData("(ab|cd){2,50}x", true)]
    [InlineData(".*[a-z]{1,255}.*", false)]
    [InlineData("([a-z]+ ){0,99}[a-z]+", false)]
    [InlineData("[a-z]*", false)]
    public void Counting_only_patterns_are_told_apart_from_stars(string pattern, bool countingOnly)
    {
        Assert.Equal(countingOnly, DerivativeAutomaton.IsCountingOnly(RegexParser.Parse(pattern), 2_000));
        // Many alternatives are large even when each repeat counts once.
        var wide = RegexNode.Alternate(Enumerable.Range(0, 1_500).Select(i => RegexNode.Literal("w" + i)));
        Assert.False(DerivativeAutomaton.IsCountingOnly(RegexNode.Repeat(wide, 0, 3), 2_000));
    }

    [Fact]
    public void Nfa_automata_of_every_size_interleaved_on_one_thread_agree_with_the_reference()
    {
        // Closure scratch is shared per thread below 65,536 NFA states and owned by the automaton above: steps of
        // small and large automata alternate here, so a mark left by one must never count for another.
        var patterns = new[] { "(ab|a)*c", "(ab){0,20000}c", "[a-c]{2,5}(ab)*", "(a|ab){0,17000}b?c" };
        var nodes = patterns.Select(p => RegexParser.Parse(p)).ToArray();
        var dfas = nodes.Select(n => new LazyDfa(n, useDerivatives: false)).ToArray();
        var rng = new Random(9);
        var alphabet = Encoding.UTF8.GetBytes("abc");
        for (int trial = 0; trial < 400; trial++)
        {
            int k = trial % dfas.Length;
            var input = trial % 2 == 0 ? RegexTestStrings.Sample(nodes[k], rng) : new byte[rng.Next(0, 10)];
            if (trial % 2 == 1) for (int i = 0; i < input.Length; i++) input[i] = alphabet[rng.Next(alphabet.Length)];
            int s = dfas[k].Run(LazyDfa.Initial, input);
            bool viable = ReferenceRegexMatcher.IsViablePrefix(nodes[k], input);
            Assert.True(viable == (s != LazyDfa.Dead), $"{patterns[k]}, '{Encoding.UTF8.GetString(input)}': viable {viable}");
            if (s != LazyDfa.Dead && input.Length > 0)
            {
                Assert.True(ReferenceRegexMatcher.IsMatch(nodes[k], input) == dfas[k].IsAccepting(s), $"{patterns[k]}, '{Encoding.UTF8.GetString(input)}'");
            }
        }
    }
}
