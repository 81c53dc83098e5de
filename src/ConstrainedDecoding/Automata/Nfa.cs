using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Automata;

/// <summary>
/// A Thompson NFA over bytes with one accept state, built from a <see cref="RegexNode"/>. Each state has at most one
/// byte edge (to <see cref="ByteTarget"/> on the bytes of set <see cref="ByteSetId"/>) and at most two ε edges
/// (<see cref="Eps1"/>, <see cref="Eps2"/>); -1 for none.
/// </summary>
/// <remarks>
/// Once built, the four numbers of a state are kept together in one array, each as its value + 1 (0: none), in 16
/// bits while the automaton has fewer than 65,535 states (nearly all: terminals whose automaton would be larger use
/// derivatives) and in 32 bits otherwise: a quarter of the bytes and objects four separate int arrays took, which the
/// young collections copied for every terminal a schema compiles.
/// </remarks>
internal sealed class Nfa
{
    // Build arrays (the thread's scratch while building; null once built).
    private int[] _eps1;
    private int[] _eps2;
    private int[] _byteTarget;
    private int[] _byteSetId;
    // The built automaton: four numbers a state (ε1, ε2, byte target, byte set id), each + 1; exactly one is set.
    private ushort[]? _narrow;
    private int[]? _wide;
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
        (_eps1, _eps2, _byteTarget, _byteSetId) = (scratch[0], scratch[1], scratch[2], scratch[3]);
    }

    /// <summary>Most states whose edges are kept in 16 bits (value + 1 up to 65,535).</summary>
    internal const int NarrowStates = ushort.MaxValue - 1;

    /// <summary>Whether the edges are kept in 16 bits.</summary>
    internal bool IsNarrow => _narrow is not null;

    /// <summary>States the packed edge array holds (the automaton's exact size once built).</summary>
    internal int StoredStates => (_narrow?.Length ?? _wide!.Length) / 4;

    /// <summary>First ε target of <paramref name="s"/>, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Eps1(int s) => Edge(s * 4);

    /// <summary>Second ε target of <paramref name="s"/>, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Eps2(int s) => Edge(s * 4 + 1);

    /// <summary>Target of the byte edge of <paramref name="s"/>, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int ByteTarget(int s) => Edge(s * 4 + 2);

    /// <summary>Index in <see cref="ByteSets"/> of the bytes of the byte edge of <paramref name="s"/>, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int ByteSetId(int s) => Edge(s * 4 + 3);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Edge(int i) => (_narrow is { } n ? n[i] : _wide![i]) - 1;

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
            int[][] scratch = [nfa._eps1, nfa._eps2, nfa._byteTarget, nfa._byteSetId];
            if (built) nfa.Pack();
            nfa._eps1 = nfa._eps2 = nfa._byteTarget = nfa._byteSetId = null!;
            // A failed build (a limit) drops its automaton: only the arrays go back, nothing is copied.
            if (scratch[0].Length <= ScratchStatesKept) t_scratch = scratch;
        }
        nfa.ComputeLive();
        nfa.ByteSets.Capacity = nfa.ByteSets.Count;
        // Terminal automata live as long as their cached tables: the build-time index is not kept.
        nfa._byteSetIds = null;
        return nfa;
    }

    // Copies the build arrays out into the packed form, at the automaton's exact size.
    private void Pack()
    {
        if (Count <= NarrowStates) _narrow = Packed<ushort>();
        else _wide = Packed<int>();
    }

    private T[] Packed<T>() where T : struct, System.Numerics.IBinaryInteger<T>
    {
        var packed = new T[Count * 4];
        for (int s = 0, i = 0; s < Count; s++, i += 4)
        {
            packed[i] = T.CreateTruncating(_eps1[s] + 1);
            packed[i + 1] = T.CreateTruncating(_eps2[s] + 1);
            packed[i + 2] = T.CreateTruncating(_byteTarget[s] + 1);
            packed[i + 3] = T.CreateTruncating(_byteSetId[s] + 1);
        }
        return packed;
    }

    private int NewState()
    {
        if (Count >= Limits.MaxNfaStates)
        {
            throw new GrammarLimitException(nameof(Limits.MaxNfaStates), Limits.MaxNfaStates, "Terminal automaton size (NFA states; large bounded repeats multiply the body)");
        }
        if (Count == _eps1.Length)
        {
            int n = Count * 2;
            Array.Resize(ref _eps1, n);
            Array.Resize(ref _eps2, n);
            Array.Resize(ref _byteTarget, n);
            Array.Resize(ref _byteSetId, n);
        }
        _eps1[Count] = -1;
        _eps2[Count] = -1;
        _byteTarget[Count] = -1;
        _byteSetId[Count] = -1;
        return Count++;
    }

    private void AddEps(int from, int to)
    {
        if (_eps1[from] < 0) _eps1[from] = to;
        else if (_eps2[from] < 0) _eps2[from] = to;
        else
        {
            // Both ε slots used: chain through a fresh state.
            int mid = NewState();
            _eps1[mid] = _eps2[from];
            _eps2[mid] = to;
            _eps2[from] = mid;
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
                        _byteTarget[s] = e;
                        _byteSetId[s] = SetId(bc.Set);
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
                _byteTarget[x] = hub[target];
                _byteSetId[x] = SetId(bytes);
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
                if (Eps1(i) >= 0) revStart[Eps1(i) + 1]++;
                if (Eps2(i) >= 0) revStart[Eps2(i) + 1]++;
                if (ByteTarget(i) >= 0) revStart[ByteTarget(i) + 1]++;
            }
            for (int i = 0; i < Count; i++) revStart[i + 1] += revStart[i];
            Array.Copy(revStart, fill, Count + 1);
            rev = pool.Rent(Math.Max(1, revStart[Count]));
            for (int i = 0; i < Count; i++)
            {
                if (Eps1(i) >= 0) rev[fill[Eps1(i)]++] = i;
                if (Eps2(i) >= 0) rev[fill[Eps2(i)]++] = i;
                if (ByteTarget(i) >= 0) rev[fill[ByteTarget(i)]++] = i;
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
