using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Automata;

/// <summary>
/// A Thompson NFA over bytes with one accept state, built from a <see cref="RegexNode"/>. States are
/// ints in flat arrays: each state has at most one byte edge (to <see cref="ByteTarget"/> on the
/// bytes of set <see cref="ByteSetId"/>) and at most two ε edges.
/// </summary>
internal sealed class Nfa
{
    public int[] Eps1 = new int[64];
    public int[] Eps2 = new int[64];
    public int[] ByteTarget = new int[64];
    public int[] ByteSetId = new int[64];
    public readonly List<ByteSet> ByteSets = [];
    // Only needed while building (set ids are assigned once per distinct set); dropped after.
    private Dictionary<ByteSet, int>? _byteSetIds = [];
    public int Count;
    public int Start;
    public int Accept;
    /// <summary>States from which the accept state is reachable.</summary>
    public bool[] Live = [];

    public static Nfa Build(RegexNode node)
    {
        var nfa = new Nfa();
        var (s, e) = nfa.Fragment(node, 0);
        nfa.Start = s;
        nfa.Accept = e;
        nfa.ComputeLive();
        // Terminal automata live as long as their cached tables: the build-time index is not kept. (Trimming the
        // state arrays to their count was tried too: it allocated 0.3 GB more per all-subset run for no visible
        // change in resident memory.)
        nfa._byteSetIds = null;
        return nfa;
    }

    private int NewState()
    {
        if (Count >= Limits.MaxNfaStates)
        {
            throw new GrammarLimitException(nameof(Limits.MaxNfaStates), Limits.MaxNfaStates, "Terminal automaton size (NFA states; large bounded repeats multiply the body)");
        }
        if (Count == Eps1.Length)
        {
            int n = Count * 2;
            Array.Resize(ref Eps1, n);
            Array.Resize(ref Eps2, n);
            Array.Resize(ref ByteTarget, n);
            Array.Resize(ref ByteSetId, n);
        }
        Eps1[Count] = -1;
        Eps2[Count] = -1;
        ByteTarget[Count] = -1;
        ByteSetId[Count] = -1;
        return Count++;
    }

    private void AddEps(int from, int to)
    {
        if (Eps1[from] < 0) Eps1[from] = to;
        else if (Eps2[from] < 0) Eps2[from] = to;
        else
        {
            // Both ε slots used: chain through a fresh state.
            int mid = NewState();
            Eps1[mid] = Eps2[from];
            Eps2[mid] = to;
            Eps2[from] = mid;
        }
    }

    private int SetId(ByteSet set)
    {
        var ids = _byteSetIds ?? throw new InvalidOperationException("The NFA is already built.");
        if (!ids.TryGetValue(set, out int id))
        {
            id = ByteSets.Count;
            ByteSets.Add(set);
            ids[set] = id;
        }
        return id;
    }

    // Returns (start, end); end has no outgoing edges yet.
    private (int Start, int End) Fragment(RegexNode node, int depth)
    {
        if (depth > Limits.MaxSyntaxNesting * 4)
        {
            throw new GrammarLimitException(nameof(Limits.MaxSyntaxNesting), Limits.MaxSyntaxNesting, "Regex nesting depth");
        }
        switch (node)
        {
            case EmptyRegex:
                {
                    int s = NewState();
                    return (s, s);
                }
            case ByteClassRegex bc:
                {
                    int s = NewState();
                    int e = NewState();
                    if (!bc.Set.IsEmpty)
                    {
                        ByteTarget[s] = e;
                        ByteSetId[s] = SetId(bc.Set);
                    }
                    return (s, e);
                }
            case ConcatRegex c:
                {
                    var (s, e) = Fragment(c.Parts[0], depth + 1);
                    for (int i = 1; i < c.Parts.Length; i++)
                    {
                        var (s2, e2) = Fragment(c.Parts[i], depth + 1);
                        AddEps(e, s2);
                        e = e2;
                    }
                    return (s, e);
                }
            case AlternationRegex a:
                {
                    int s = NewState();
                    int e = NewState();
                    foreach (var b in a.Branches)
                    {
                        var (bs, be) = Fragment(b, depth + 1);
                        AddEps(s, bs);
                        AddEps(be, e);
                    }
                    return (s, e);
                }
            case RepeatRegex r:
                {
                    int s = NewState();
                    int cur = s;
                    for (int i = 0; i < r.Min; i++)
                    {
                        var (bs, be) = Fragment(r.Body, depth + 1);
                        AddEps(cur, bs);
                        cur = be;
                    }
                    if (r.Max == RegexNode.Unbounded)
                    {
                        // cur -> loop: loop -> body -> loop, loop -> end
                        int loop = NewState();
                        int end = NewState();
                        AddEps(cur, loop);
                        var (bs, be) = Fragment(r.Body, depth + 1);
                        AddEps(loop, bs);
                        AddEps(be, loop);
                        AddEps(loop, end);
                        return (s, end);
                    }
                    int final = NewState();
                    for (int i = r.Min; i < r.Max; i++)
                    {
                        AddEps(cur, final);
                        var (bs, be) = Fragment(r.Body, depth + 1);
                        AddEps(cur, bs);
                        cur = be;
                    }
                    AddEps(cur, final);
                    return (s, final);
                }
            case AutomatonRegex d:
                return Automaton(d);
            default:
                throw new InvalidOperationException("Unknown regex node " + node.GetType().Name);
        }
    }

    // One hub state per automaton state, ε-edges from the hub to one byte-edge state per transition, and from
    // accepting hubs to a common end.
    private (int Start, int End) Automaton(AutomatonRegex d)
    {
        int n = d.StateCount;
        var hub = new int[n];
        for (int i = 0; i < n; i++) hub[i] = NewState();
        int end = NewState();
        for (int i = 0; i < n; i++)
        {
            foreach (var (bytes, target) in d.EdgesOf(i))
            {
                int x = NewState();
                ByteTarget[x] = hub[target];
                ByteSetId[x] = SetId(bytes);
                AddEps(hub[i], x);
            }
            if (d.Accepting[i]) AddEps(hub[i], end);
        }
        return (hub[d.Start], end);
    }

    private void ComputeLive()
    {
        // Reverse edges, then BFS from the accept state.
        var revStart = new int[Count + 1];
        void CountEdge(int to) => revStart[to + 1]++;
        for (int i = 0; i < Count; i++)
        {
            if (Eps1[i] >= 0) CountEdge(Eps1[i]);
            if (Eps2[i] >= 0) CountEdge(Eps2[i]);
            if (ByteTarget[i] >= 0) CountEdge(ByteTarget[i]);
        }
        for (int i = 0; i < Count; i++) revStart[i + 1] += revStart[i];
        var fill = (int[])revStart.Clone();
        var rev = new int[revStart[Count]];
        for (int i = 0; i < Count; i++)
        {
            if (Eps1[i] >= 0) rev[fill[Eps1[i]]++] = i;
            if (Eps2[i] >= 0) rev[fill[Eps2[i]]++] = i;
            if (ByteTarget[i] >= 0) rev[fill[ByteTarget[i]]++] = i;
        }
        Live = new bool[Count];
        var stack = new Stack<int>();
        Live[Accept] = true;
        stack.Push(Accept);
        while (stack.Count > 0)
        {
            int x = stack.Pop();
            for (int k = revStart[x]; k < revStart[x + 1]; k++)
            {
                int y = rev[k];
                if (!Live[y])
                {
                    Live[y] = true;
                    stack.Push(y);
                }
            }
        }
    }
}
