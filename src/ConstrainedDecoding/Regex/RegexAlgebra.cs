using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// Boolean operations on regular languages over bytes (intersection, difference) and membership/emptiness
/// tests. The constructions explore the product of the operands' lazy DFAs from the start, so only reachable
/// pairs are built; the result is trimmed and bounded by <see cref="Limits.MaxProductStates"/>.
/// </summary>
public static class RegexAlgebra
{
    /// <summary>Strings matched by both <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="GrammarLimitException">The product automaton exceeds <see cref="Limits.MaxProductStates"/>.</exception>
    public static RegexNode Intersect(RegexNode a, RegexNode b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Key == b.Key) return a;
        return Product(a, b, difference: false);
    }

    /// <summary>Strings matched by <paramref name="a"/> and not by <paramref name="b"/>.</summary>
    /// <exception cref="GrammarLimitException">The product automaton exceeds <see cref="Limits.MaxProductStates"/>.</exception>
    public static RegexNode Difference(RegexNode a, RegexNode b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Key == b.Key) return RegexNode.Nothing;
        return Product(a, b, difference: true);
    }

    /// <summary>Whether <paramref name="node"/> matches no string at all (not even the empty one).</summary>
    public static bool IsEmpty(RegexNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.IsNullable) return false;
        if (node is AutomatonRegex) return false; // trimmed: every state reaches acceptance
        return Automaton(node).IsEmptyLanguage;
    }

    /// <summary>Whether <paramref name="node"/> matches exactly <paramref name="input"/>.</summary>
    public static bool IsMatch(RegexNode node, ReadOnlySpan<byte> input)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (input.IsEmpty) return node.IsNullable;
        var dfa = Automaton(node);
        int s = dfa.Run(LazyDfa.Initial, input);
        return s != LazyDfa.Dead && dfa.IsAccepting(s);
    }

    /// <summary>
    /// A regex node for a deterministic automaton given by its transitions: state 0 starts, <paramref name="accepting"/>
    /// marks the final states, and <paramref name="edges"/> lists each state's (disjoint) byte sets and targets.
    /// States that cannot reach a final state are trimmed; the result is <see cref="RegexNode.Nothing"/> when none is left.
    /// </summary>
    /// <param name="key">A canonical description of the language (used as the node's cache key): equal keys must mean equal languages.</param>
    /// <param name="accepting">Whether each state accepts.</param>
    /// <param name="edges">Each state's transitions; byte sets of one state must be disjoint.</param>
    /// <exception cref="ArgumentException">The transitions are malformed (a target out of range, overlapping byte sets, sizes differ).</exception>
    /// <exception cref="GrammarLimitException">More than <see cref="Limits.MaxProductStates"/> states.</exception>
    public static RegexNode FromAutomaton(string key, IReadOnlyList<bool> accepting, IReadOnlyList<IReadOnlyList<(ByteSet Bytes, int Target)>> edges)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(accepting);
        ArgumentNullException.ThrowIfNull(edges);
        int n = accepting.Count;
        if (n == 0 || edges.Count != n) throw new ArgumentException("expected one edge list per state and at least one state", nameof(edges));
        if (n > Limits.MaxProductStates)
        {
            throw new GrammarLimitException(nameof(Limits.MaxProductStates), Limits.MaxProductStates, "Automaton states");
        }
        // Flat storage of values, not a list per state: a large array of references that dies young lives on the large
        // object heap and keeps everything it refers to alive until the next full collection.
        var flat = new ChunkedList<(ByteSet Bytes, int Target)>();
        var starts = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            starts[i] = flat.Count;
            var seen = ByteSet.Empty;
            foreach (var (bytes, target) in edges[i])
            {
                if (target < 0 || target >= n) throw new ArgumentException($"unexpected target {target} of state {i}, expected 0..{n - 1}", nameof(edges));
                if (!seen.Intersect(bytes).IsEmpty) throw new ArgumentException($"unexpected overlapping byte sets in state {i}, expected disjoint sets", nameof(edges));
                seen = seen.Union(bytes);
                if (!bytes.IsEmpty) flat.Add((bytes, target));
            }
        }
        starts[n] = flat.Count;
        // The caller's key names the language, not this numbering of its states: derived states get keys of their own.
        return Trim("(automaton:" + key + ")", accepting.ToList(), flat, starts, numberedByKey: false);
    }

    /// <summary>Operands whose NFA has at most this many states are explored as NFA subsets, larger ones by derivatives.</summary>
    private const long MaxSubsetNfaStates = 200_000;

    /// <summary>Operands without stars, this small when each bounded repeat counts once, keep derivatives (their NFA is large only by counting).</summary>
    private const int MaxCountingStructure = 2_000;

    // Operands are explored whole, where NFA subsets beat derivatives (which rebuild a regex per state and byte
    // class: 1.8 MB per state on a wide key alternation) unless the NFA is large only by counting (a length bound
    // without stars, where a derivative is one counter) or huge anyway.
    private static LazyDfa Automaton(RegexNode node)
    {
        if (node.AlgebraAutomaton is { } done) return done;
        bool subsets = DerivativeAutomaton.NfaWithin(node, MaxSubsetNfaStates) && !DerivativeAutomaton.IsCountingOnly(node, MaxCountingStructure);
        var dfa = new LazyDfa(node, subsets ? false : null);
        return node.SetAlgebraAutomaton(dfa);
    }

    private static RegexNode Product(RegexNode a, RegexNode b, bool difference)
    {
        string key = "(" + a.Key + (difference ? "&~" : "&") + b.Key + ")";
        if (IsEmpty(a)) return RegexNode.Nothing;
        if (IsEmpty(b)) return difference ? a : RegexNode.Nothing;
        var da = Automaton(a);
        var db = Automaton(b);
        var index = new Dictionary<(int, int), int>();
        var pairs = new List<(int A, int B)>();
        // Every state's edges are added in state order into one flat list (see FromAutomaton for why not a list per state).
        var edges = new ChunkedList<(ByteSet Bytes, int Target)>();
        var edgeStarts = new List<int>();
        var accepting = new List<bool>();
        int Intern(int x, int y)
        {
            if (index.TryGetValue((x, y), out int id)) return id;
            if (pairs.Count >= Limits.MaxProductStates)
            {
                throw new GrammarLimitException(nameof(Limits.MaxProductStates), Limits.MaxProductStates, "Regex intersection/difference (product automaton states)");
            }
            id = pairs.Count;
            index[(x, y)] = id;
            pairs.Add((x, y));
            bool accA = x == LazyDfa.Initial ? a.IsNullable : da.IsAccepting(x);
            bool accB = y != LazyDfa.Dead && (y == LazyDfa.Initial ? b.IsNullable : db.IsAccepting(y));
            accepting.Add(difference ? accA && !accB : accA && accB);
            return id;
        }
        Intern(LazyDfa.Initial, LazyDfa.Initial);
        // Bytes in the same class of both automata behave alike: step one representative per joint class.
        var jointIndex = new Dictionary<(byte, byte), int>();
        var representatives = new List<byte>();
        var members = new List<ByteSet>();
        var classA = da.ByteClasses;
        var classB = db.ByteClasses;
        for (int c = 0; c < 256; c++)
        {
            var k = (classA[c], classB[c]);
            if (!jointIndex.TryGetValue(k, out int j))
            {
                j = representatives.Count;
                jointIndex[k] = j;
                representatives.Add((byte)c);
                members.Add(ByteSet.Empty);
            }
            members[j] = members[j].With((byte)c);
        }
        var groups = new Dictionary<int, ByteSet>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var (x, y) = pairs[i];
            edgeStarts.Add(edges.Count);
            groups.Clear();
            for (int j = 0; j < representatives.Count; j++)
            {
                byte bt = representatives[j];
                int nx = da.Step(x, bt);
                if (nx == LazyDfa.Dead) continue;
                int ny = y == LazyDfa.Dead ? LazyDfa.Dead : db.Step(y, bt);
                if (ny == LazyDfa.Dead && !difference) continue;
                int t = Intern(nx, ny);
                groups[t] = groups.TryGetValue(t, out var set) ? set.Union(members[j]) : members[j];
            }
            foreach (var (t, set) in groups) edges.Add((set, t));
        }
        edgeStarts.Add(edges.Count);
        // The product of the same operands is explored in the same order: its key also fixes the state numbering.
        return Trim(key, accepting, edges, CollectionsMarshal.AsSpan(edgeStarts), numberedByKey: true);
    }

    // Keeps the states that reach an accepting state, renumbered; Nothing when the start state is not among them.
    // State i's edges are edges[starts[i]..starts[i + 1]].
    private static RegexNode Trim(string key, List<bool> accepting, ChunkedList<(ByteSet Bytes, int Target)> all, ReadOnlySpan<int> starts, bool numberedByKey)
    {
        int n = accepting.Count;
        // Reverse edges, grouped by target (counting sort: no list per state).
        var reverseStart = new int[n + 1];
        for (int j = 0; j < all.Count; j++) reverseStart[all[j].Target + 1]++;
        for (int i = 0; i < n; i++) reverseStart[i + 1] += reverseStart[i];
        var reverse = new int[all.Count];
        var fill = reverseStart[..n];
        for (int i = 0; i < n; i++)
        {
            for (int j = starts[i]; j < starts[i + 1]; j++) reverse[fill[all[j].Target]++] = i;
        }
        var live = new bool[n];
        var stack = new Stack<int>();
        for (int i = 0; i < n; i++)
        {
            if (accepting[i])
            {
                live[i] = true;
                stack.Push(i);
            }
        }
        while (stack.Count > 0)
        {
            int x = stack.Pop();
            for (int j = reverseStart[x]; j < reverseStart[x + 1]; j++)
            {
                int y = reverse[j];
                if (!live[y])
                {
                    live[y] = true;
                    stack.Push(y);
                }
            }
        }
        if (!live[0]) return RegexNode.Nothing;
        var map = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) map[i] = live[i] ? count++ : -1;
        var acc = ImmutableArray.CreateBuilder<bool>(count);
        var edgeStart = new int[count + 1];
        int total = 0;
        for (int i = 0; i < n; i++)
        {
            if (!live[i]) continue;
            for (int j = starts[i]; j < starts[i + 1]; j++)
            {
                if (live[all[j].Target]) total++;
            }
        }
        var flat = new (ByteSet Bytes, int Target)[total];
        int at = 0, k = 0;
        for (int i = 0; i < n; i++)
        {
            if (!live[i]) continue;
            acc.Add(accepting[i]);
            edgeStart[k++] = at;
            for (int j = starts[i]; j < starts[i + 1]; j++)
            {
                var e = all[j];
                if (live[e.Target]) flat[at++] = (e.Bytes, map[e.Target]);
            }
        }
        edgeStart[count] = at;
        return new AutomatonRegex(key, 0, acc.MoveToImmutable(), flat, edgeStart, numberedByKey);
    }
}
