using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using Xunit;

namespace ConstrainedDecoding.Tests.Automata;

public class LazyDfaTests
{
    private static readonly string[] s_patterns = ["(ab|a)*b?", "[ab]{2,5}c", "(a|b)*a(a|b)(a|b)", "a*b*a*", "(abc|acb|bac)+", "c|cc|ccc|(ab)*c"];

    private static IEnumerable<byte[]> AllStrings(int maxLength)
    {
        var current = new List<byte[]> { Array.Empty<byte>() };
        for (int len = 0; len <= maxLength; len++)
        {
            foreach (var s in current) yield return s;
            current = current.SelectMany(s => "abc"u8.ToArray().Select(c => s.Append(c).ToArray())).ToList();
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    public void Subsets_that_share_a_hash_stay_distinct_states(ulong mask)
    {
        // With the hash narrowed to a few values (or one), every lookup walks a chain of states with equal hashes:
        // the automaton must still find the state with the same subset, never a different one, and never add one twice.
        // The last pattern has more states than the hash table's first size, so the table grows and re-chains them.
        int most = 0;
        foreach (var pattern in s_patterns.Append("[ab]*a[ab]{4}"))
        {
            var regex = RegexParser.Parse(pattern);
            var full = new LazyDfa(regex, useDerivatives: false);
            var narrow = new LazyDfa(regex, useDerivatives: false, subsetHashMask: mask);
            foreach (var s in AllStrings(6))
            {
                int a = full.Run(LazyDfa.Initial, s), b = narrow.Run(LazyDfa.Initial, s);
                Assert.Equal(a, b);
                // Terminals are non-empty: the initial state never accepts.
                bool matches = s.Length > 0 && ReferenceRegexMatcher.IsMatch(regex, s);
                Assert.Equal(matches, b != LazyDfa.Dead && narrow.IsAccepting(b));
            }
            Assert.Equal(full.StateCount, narrow.StateCount);
            // One state per distinct subset (plus the unused id 0, the dead and the initial state): none added twice.
            Assert.Equal(3 + DistinctSubsets(regex, AllStrings(6)), narrow.StateCount);
            Assert.True(narrow.StateCount > 4, $"{pattern}: {narrow.StateCount} states");
            most = Math.Max(most, narrow.StateCount);
        }
        Assert.True(most > 32, $"at most {most} states");
    }

    // Reference subset construction (closures kept as the automaton keeps them: states with a live byte edge and the
    // accept state): the number of distinct subsets the inputs reach after at least one byte.
    private static int DistinctSubsets(RegexNode regex, IEnumerable<byte[]> inputs)
    {
        var nfa = Nfa.Build(regex);
        int[] Closure(IEnumerable<int> seeds)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>(seeds.Where(s => nfa.Live[s] && seen.Add(s)));
            var kept = new List<int>();
            while (stack.Count > 0)
            {
                int s = stack.Pop();
                if ((nfa.ByteTarget(s) >= 0 && nfa.Live[nfa.ByteTarget(s)]) || s == nfa.Accept) kept.Add(s);
                foreach (int e in new[] { nfa.Eps1(s), nfa.Eps2(s) })
                {
                    if (e >= 0 && nfa.Live[e] && seen.Add(e)) stack.Push(e);
                }
            }
            kept.Sort();
            return [.. kept];
        }
        var subsets = new HashSet<string>();
        foreach (var input in inputs)
        {
            var current = Closure([nfa.Start]);
            foreach (byte b in input)
            {
                current = Closure(current.Where(s => nfa.ByteTarget(s) >= 0 && nfa.Live[nfa.ByteTarget(s)] && nfa.ByteSets[nfa.ByteSetId(s)].Contains(b)).Select(s => nfa.ByteTarget(s)));
                if (current.Length == 0) break;
                subsets.Add(string.Join(",", current));
            }
        }
        return subsets.Count;
    }

    [Fact]
    public void Every_state_is_reached_again_through_its_parent_chain()
    {
        // Parents are stored as parent << 8 | byte: every state id the limit allows must fit.
        Assert.True(Limits.MaxDfaStates < 1 << 23);
        // Both kinds of state (NFA subsets, derivatives), and bytes above 0x7F on the way (é, ü in UTF-8).
        var inputs = AllStrings(5).Concat(["éüx"u8.ToArray(), "üüé"u8.ToArray(), "éx"u8.ToArray()]).ToList();
        foreach (var (pattern, derivatives) in s_patterns.Append("(é|ü)+x").SelectMany(p => new[] { (p, false), (p, true) }))
        {
            var dfa = new LazyDfa(RegexParser.Parse(pattern), useDerivatives: derivatives);
            foreach (var s in inputs) dfa.Run(LazyDfa.Initial, s);
            for (int state = LazyDfa.Initial + 1; state < dfa.StateCount; state++)
            {
                var path = new List<byte>();
                int at = state;
                while (dfa.TryGetParent(at, out int parent, out byte b))
                {
                    path.Add(b);
                    at = parent;
                }
                Assert.Equal(LazyDfa.Initial, at);
                path.Reverse();
                Assert.Equal(state, dfa.Run(LazyDfa.Initial, path.ToArray()));
            }
            Assert.False(dfa.TryGetParent(LazyDfa.Initial, out _, out _));
            Assert.False(dfa.TryGetParent(dfa.StateCount, out _, out _));
        }
    }

    [Theory]
    [InlineData("[ab]*a[ab]{9}", false)]
    [InlineData("(a|b){0,300}c", true)]
    public void Automata_with_hundreds_of_states_match_the_reference(string pattern, bool derivatives)
    {
        // Hundreds of states: the transition table grows many times while it is read.
        var regex = RegexParser.Parse(pattern);
        var dfa = new LazyDfa(regex, useDerivatives: derivatives);
        var random = new Random(7);
        for (int n = 0; n < 3000; n++)
        {
            var s = new byte[random.Next(1, 320)];
            for (int i = 0; i < s.Length; i++) s[i] = (byte)"abc"[random.Next(i + 1 == s.Length ? 3 : 2)];
            int q = dfa.Run(LazyDfa.Initial, s);
            Assert.Equal(ReferenceRegexMatcher.IsMatch(regex, s), q != LazyDfa.Dead && dfa.IsAccepting(q));
        }
        Assert.True(dfa.StateCount > 3 * 64, $"{pattern}: {dfa.StateCount} states");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Live_bytes_of_every_state_are_the_bytes_that_keep_it_alive(bool derivatives)
    {
        // States share their live-byte sets by index: each state must still report exactly its own.
        // The last pattern has a live-byte set per letter after the x (more than the sets found by a scan).
        var letters = string.Concat(Enumerable.Range(0, 20).Select(k => $"|{(char)('a' + k)}[a-{(char)('b' + k)}]"));
        int mostSets = 0;
        foreach (var pattern in s_patterns.Append("[a-c]{0,3}d|b+c*|(ab){2,}").Append($"x({letters[1..]})y"))
        {
            var distinct = new HashSet<ByteSet>();
            var dfa = new LazyDfa(RegexParser.Parse(pattern), useDerivatives: derivatives);
            Assert.False(dfa.IsEmptyLanguage);
            var frontier = new Queue<int>([LazyDfa.Initial]);
            var seen = new HashSet<int> { LazyDfa.Initial };
            while (frontier.Count > 0)
            {
                int q = frontier.Dequeue();
                var live = dfa.LiveBytes(q);
                distinct.Add(live);
                bool any = false;
                for (int b = 0; b < 256; b++)
                {
                    int next = dfa.Step(q, (byte)b);
                    Assert.Equal(next != LazyDfa.Dead, live.Contains((byte)b));
                    any |= next != LazyDfa.Dead;
                    if (next != LazyDfa.Dead && seen.Add(next)) frontier.Enqueue(next);
                }
                Assert.Equal(any, dfa.CanContinue(q));
            }
            Assert.True(seen.Count > 2, pattern);
            // Each distinct set is stored once (the dead state's empty set is always there).
            distinct.Add(ByteSet.Empty);
            Assert.Equal(distinct.Count, dfa.LiveSetCount);
            mostSets = Math.Max(mostSets, distinct.Count);
        }
        Assert.True(mostSets > 20, $"at most {mostSets} distinct live-byte sets");
    }

    [Fact]
    public void An_automaton_past_65536_states_keeps_every_transition()
    {
        // [ab]*a[ab]{16}: one state per 17-byte window, 2^17 of them. Transitions are 16-bit while every state id fits
        // and 32-bit after; steps taken before the switch, across it and after it must all agree with the reference.
        var regex = RegexParser.Parse("[ab]*a[ab]{16}");
        var dfa = new LazyDfa(regex, useDerivatives: false);
        var rng = new Random(5);
        var inputs = new List<byte[]>();
        for (int i = 0; i < 6000; i++)
        {
            var input = new byte[40 + rng.Next(20)];
            for (int k = 0; k < input.Length; k++) input[k] = rng.Next(2) == 0 ? (byte)'a' : (byte)'b';
            inputs.Add(input);
        }
        var first = inputs.Take(50).Select(x => dfa.Run(LazyDfa.Initial, x)).ToArray();
        foreach (var input in inputs)
        {
            int q = dfa.Run(LazyDfa.Initial, input);
            Assert.Equal(ReferenceRegexMatcher.IsMatch(regex, input), q != LazyDfa.Dead && dfa.IsAccepting(q));
        }
        Assert.True(dfa.StateCount > 65_536, $"only {dfa.StateCount} states");
        // The states reached before the switch are reached again, by the same transitions.
        Assert.Equal(first, inputs.Take(50).Select(x => dfa.Run(LazyDfa.Initial, x)).ToArray());
        Assert.Equal(LazyDfa.Dead, dfa.Step(LazyDfa.Initial, (byte)'c'));
    }

    [Fact]
    public void Threads_stepping_one_automaton_while_it_grows_past_65536_states_agree_with_the_reference()
    {
        // Four threads add states to one automaton at once (its tables grow, and switch from 16-bit to 32-bit rows,
        // under readers that do not lock): every run must still end where the reference says.
        var regex = RegexParser.Parse("[ab]*a[ab]{16}");
        var dfa = new LazyDfa(regex, useDerivatives: false);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var rng = new Random(100 + t);
            for (int i = 0; i < 2500; i++)
            {
                var input = new byte[40 + rng.Next(20)];
                for (int k = 0; k < input.Length; k++) input[k] = rng.Next(2) == 0 ? (byte)'a' : (byte)'b';
                int q = dfa.Run(LazyDfa.Initial, input);
                bool accepted = q != LazyDfa.Dead && dfa.IsAccepting(q);
                if (accepted != ReferenceRegexMatcher.IsMatch(regex, input)) failures.Add(System.Text.Encoding.ASCII.GetString(input));
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(failures);
        Assert.True(dfa.StateCount > 65_536, $"only {dfa.StateCount} states");
    }
}
