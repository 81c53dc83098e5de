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
        // then smaller ones: each must keep arrays of exactly its own size, and an automaton built earlier must not
        // change when later builds reuse the arrays it was built in.
        string[] patterns = ["(abc|bca|cab){3,40}", "a*b", "[ab]{2,5}c", "(ab|a)*b?", "c{1,30}"];
        var built = new List<(RegexNode Regex, Nfa Nfa, int[] Eps1, int[] ByteTarget)>();
        foreach (var pattern in patterns)
        {
            var regex = RegexParser.Parse(pattern);
            var nfa = Nfa.Build(regex);
            Assert.Equal(nfa.Count, nfa.Eps1.Length);
            Assert.Equal(nfa.Count, nfa.Eps2.Length);
            Assert.Equal(nfa.Count, nfa.ByteTarget.Length);
            Assert.Equal(nfa.Count, nfa.ByteSetId.Length);
            Assert.Equal(nfa.Count, nfa.Live.Length);
            built.Add((regex, nfa, (int[])nfa.Eps1.Clone(), (int[])nfa.ByteTarget.Clone()));
        }
        Assert.True(built[0].Nfa.Count > 64, "the first automaton should outgrow the initial build arrays");
        foreach (var (regex, nfa, eps1, byteTarget) in built)
        {
            Assert.Equal(eps1, nfa.Eps1);
            Assert.Equal(byteTarget, nfa.ByteTarget);
            Assert.True(nfa.Live[nfa.Start]);
            foreach (var s in new[] { "abcabcabc", "b", "aab", "abc", "cc", "ab", "" })
            {
                var bytes = System.Text.Encoding.ASCII.GetBytes(s);
                Assert.True(ReferenceRegexMatcher.IsMatch(regex, bytes) == Accepts(nfa, bytes), $"{regex} on \"{s}\"");
            }
        }
    }

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
        Assert.Equal(nfa.Count, nfa.Eps1.Length);
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
                if (nfa.ByteTarget[s] >= 0 && nfa.ByteSets[nfa.ByteSetId[s]].Contains(b)) next.Add(nfa.ByteTarget[s]);
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
            foreach (int t in new[] { nfa.Eps1[s], nfa.Eps2[s] })
            {
                if (t >= 0 && seen.Add(t)) stack.Push(t);
            }
        }
        return seen;
    }
}
