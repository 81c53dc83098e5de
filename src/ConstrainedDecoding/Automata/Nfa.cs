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
    public int[] Eps1;
    public int[] Eps2;
    public int[] ByteTarget;
    public int[] ByteSetId;
    public readonly List<ByteSet> ByteSets = [];
    // Only needed while building (set ids are assigned once per distinct set); dropped after.
    private Dictionary<ByteSet, int>? _byteSetIds = [];
    public int Count;
    public int Start;
    public int Accept;
    /// <summary>States from which the accept state is reachable.</summary>
    public bool[] Live = [];

    /// <summary>Most states whose build arrays a thread keeps for its next build (4 ints a state: 1 MiB).</summary>
    private const int ScratchStatesKept = 1 << 16;

    // Build arrays of the thread's last build, reused by its next one: an automaton is built in them (growing by
    // doubling) and then copied out at its exact size, instead of allocating four doubling arrays per automaton (the
    // largest single source of compile garbage, 0.66 GB of an all-subset run). Taken while in use, so that a build
    // started inside another gets arrays of its own.
    [ThreadStatic] private static int[][]? t_scratch;

    private Nfa()
    {
        var scratch = t_scratch;
        t_scratch = null;
        scratch ??= [new int[64], new int[64], new int[64], new int[64]];
        (Eps1, Eps2, ByteTarget, ByteSetId) = (scratch[0], scratch[1], scratch[2], scratch[3]);
    }

    public static Nfa Build(RegexNode node)
    {
        var nfa = new Nfa();
        bool built = false;
        try
        {
            var (s, e) = nfa.Fragment(node, 0);
            nfa.Start = s;
            nfa.Accept = e;
            built = true;
        }
        finally
        {
            int[][] scratch = [nfa.Eps1, nfa.Eps2, nfa.ByteTarget, nfa.ByteSetId];
            if (built)
            {
                nfa.Eps1 = nfa.Eps1[..nfa.Count];
                nfa.Eps2 = nfa.Eps2[..nfa.Count];
                nfa.ByteTarget = nfa.ByteTarget[..nfa.Count];
                nfa.ByteSetId = nfa.ByteSetId[..nfa.Count];
            }
            // A failed build (a limit) drops its automaton: only the arrays go back, nothing is copied.
            if (scratch[0].Length <= ScratchStatesKept) t_scratch = scratch;
        }
        nfa.ComputeLive();
        // Terminal automata live as long as their cached tables: the build-time index is not kept.
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
        // Reverse edges, then a search from the accept state.
        // Temporary arrays come from the shared pool: only Live is kept.
        var pool = System.Buffers.ArrayPool<int>.Shared;
        var revStart = pool.Rent(Count + 1);
        var fill = pool.Rent(Count + 1);
        int[]? rev = null;
        try
        {
            Array.Clear(revStart, 0, Count + 1);
            for (int i = 0; i < Count; i++)
            {
                if (Eps1[i] >= 0) revStart[Eps1[i] + 1]++;
                if (Eps2[i] >= 0) revStart[Eps2[i] + 1]++;
                if (ByteTarget[i] >= 0) revStart[ByteTarget[i] + 1]++;
            }
            for (int i = 0; i < Count; i++) revStart[i + 1] += revStart[i];
            Array.Copy(revStart, fill, Count + 1);
            rev = pool.Rent(Math.Max(1, revStart[Count]));
            for (int i = 0; i < Count; i++)
            {
                if (Eps1[i] >= 0) rev[fill[Eps1[i]]++] = i;
                if (Eps2[i] >= 0) rev[fill[Eps2[i]]++] = i;
                if (ByteTarget[i] >= 0) rev[fill[ByteTarget[i]]++] = i;
            }
            Live = new bool[Count];
            // Depth-first from the accept state over reversed edges; fill (no longer needed) is the stack.
            var stack = fill;
            int top = 0;
            Live[Accept] = true;
            stack[top++] = Accept;
            while (top > 0)
            {
                int x = stack[--top];
                for (int k = revStart[x]; k < revStart[x + 1]; k++)
                {
                    int y = rev[k];
                    if (!Live[y])
                    {
                        Live[y] = true;
                        stack[top++] = y;
                    }
                }
            }
        }
        finally
        {
            pool.Return(revStart);
            pool.Return(fill);
            if (rev is not null) pool.Return(rev);
        }
    }
}
