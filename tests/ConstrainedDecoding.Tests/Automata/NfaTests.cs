using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using Xunit;

namespace ConstrainedDecoding.Tests.Automata;

public class NfaTests
{
    [Fact]
    public void Automata_built_one_after_another_on_a_thread_keep_exact_arrays_and_their_own_edges()
    {
        // A large automaton first (its build arrays grow past their first size and are kept for the next build),
        // then smaller ones: each must keep edges of exactly its own size, and an automaton built earlier must not
        // change when later builds reuse the arrays it was built in.
        string[] patterns = ["(abc|bca|cab){3,40}", "a*b", "[ab]{2,5}c", "(ab|a)*b?", "c{1,30}"];
        var built = new List<(RegexNode Regex, Nfa Nfa, int[] Edges)>();
        foreach (var pattern in patterns)
        {
            var regex = RegexParser.Parse(pattern);
            var nfa = Nfa.Build(regex);
            Assert.Equal(nfa.Count, nfa.StoredStates);
            Assert.Equal(nfa.Count, nfa.Live.Length);
            Assert.True(nfa.IsNarrow);
            built.Add((regex, nfa, Edges(nfa)));
        }
        Assert.True(built[0].Nfa.Count > 64, "the first automaton should outgrow the initial build arrays");
        foreach (var (regex, nfa, edges) in built)
        {
            Assert.Equal(edges, Edges(nfa));
            Assert.True(nfa.Live[nfa.Start]);
            foreach (var s in new[] { "abcabcabc", "b", "aab", "abc", "cc", "ab", "" })
            {
                var bytes = System.Text.Encoding.ASCII.GetBytes(s);
                Assert.True(ReferenceRegexMatcher.IsMatch(regex, bytes) == Accepts(nfa, bytes), $"{regex} on \"{s}\"");
            }
        }
    }

    [Theory]
    [InlineData(32_761, true)]  // 65,534 states: the largest 16-bit automaton
    [InlineData(32_762, false)] // 65,536 states
    [InlineData(40_000, false)]
    public void Edges_are_16_bit_up_to_65534_states_and_32_bit_past_them(int copies, bool narrow)
    {
        // a{n}(b|cd)? (2n + 12 states): every state and edge number, up to the largest, must read back as built.
        var regex = RegexNode.Concat(RegexNode.Repeat(RegexNode.Literal("a"), copies, copies), RegexParser.Parse("(b|cd)?"));
        var nfa = Nfa.Build(regex);
        Assert.Equal(narrow, nfa.IsNarrow);
        Assert.Equal(nfa.Count, nfa.StoredStates);
        Assert.Equal(2 * copies + 12, nfa.Count);
        Assert.Equal(narrow, nfa.Count <= Nfa.NarrowStates);
        int most = 0;
        for (int s = 0; s < nfa.Count; s++)
        {
            most = Math.Max(most, Math.Max(Math.Max(nfa.Eps1(s), nfa.Eps2(s)), nfa.ByteTarget(s)));
            Assert.True(nfa.ByteTarget(s) < 0 == nfa.ByteSetId(s) < 0, $"state {s}");
        }
        Assert.Equal(nfa.Count - 1, most); // the last state is some edge's target
        var input = new byte[copies + 1];
        input.AsSpan().Fill((byte)'a');
        input[^1] = (byte)'b';
        Assert.True(Accepts(nfa, input.AsSpan(0, copies).ToArray()));
        Assert.True(Accepts(nfa, input));
        Assert.False(Accepts(nfa, input.AsSpan(1).ToArray()));
    }

    private static int[] Edges(Nfa nfa) =>
        [.. Enumerable.Range(0, nfa.Count).SelectMany(s => new[] { nfa.Eps1(s), nfa.Eps2(s), nfa.ByteTarget(s), nfa.ByteSetId(s) })];

    [Fact]
    public void A_build_stopped_by_the_state_limit_leaves_the_next_build_on_the_thread_intact()
    {
        // 5,000 copies of a 1,000-byte literal: past Limits.MaxNfaStates, so the build throws part way; the arrays it
        // grew are not kept for the next build (too large), and an automaton built after it is exact.
        var huge = RegexNode.Repeat(RegexNode.Literal(new string('a', 1000)), 5000, 5000);
        var e = Assert.Throws<ConstrainedDecoding.Grammars.GrammarLimitException>(() => Nfa.Build(huge));
        Assert.Contains(nameof(Limits.MaxNfaStates), e.Message);
        var regex = RegexParser.Parse("(ab|a)*b?");
        var nfa = Nfa.Build(regex);
        Assert.Equal(nfa.Count, nfa.StoredStates);
        foreach (var s in new[] { "abab", "aab", "b", "ba", "" })
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(s);
            Assert.True(ReferenceRegexMatcher.IsMatch(regex, bytes) == Accepts(nfa, bytes), s);
        }
    }

    // Subset simulation straight over the NFA's arrays.
    private static bool Accepts(Nfa nfa, byte[] input)
    {
        var current = Closure(nfa, [nfa.Start]);
        foreach (byte b in input)
        {
            var next = new HashSet<int>();
            foreach (int s in current)
            {
                if (nfa.ByteTarget(s) >= 0 && nfa.ByteSets[nfa.ByteSetId(s)].Contains(b)) next.Add(nfa.ByteTarget(s));
            }
            current = Closure(nfa, next);
        }
        return current.Contains(nfa.Accept);
    }

    private static HashSet<int> Closure(Nfa nfa, IEnumerable<int> from)
    {
        var seen = new HashSet<int>(from);
        var stack = new Stack<int>(seen);
        while (stack.Count > 0)
        {
            int s = stack.Pop();
            foreach (int t in new[] { nfa.Eps1(s), nfa.Eps2(s) })
            {
                if (t >= 0 && seen.Add(t)) stack.Push(t);
            }
        }
        return seen;
    }
}
