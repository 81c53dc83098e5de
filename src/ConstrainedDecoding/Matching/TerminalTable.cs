using System.Runtime.CompilerServices;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// The mask store for one terminal over one vocabulary: the terminal's lazy DFA and, for each DFA
/// state reached so far, the tokens that can be consumed entirely inside the terminal from that state
/// (context-independent) plus the trie nodes where the terminal may end inside a token (the only
/// places where the parser has a say). Shared by every grammar that uses the same pattern.
/// </summary>
/// <remarks>Thread-safe: entries are computed once under a lock and published.</remarks>
internal sealed partial class TerminalTable
{
    private readonly TokenVocabulary _vocab;
    private readonly object _sync = new();
    private StateTokens?[] _states = new StateTokens?[16];

    private static long s_nextId;

    [ThreadStatic] private static uint[]? t_bits;

    // The thread's mask-sized scratch bitmask for walks over this vocabulary's size (not cleared).
    private static uint[] MaskScratch(TokenVocabulary vocab) =>
        t_bits is { } bits && bits.Length == vocab.MaskWordCount ? bits : t_bits = new uint[vocab.MaskWordCount];
    [ThreadStatic] private static List<int>? t_acceptNodes;
    [ThreadStatic] private static int[]? t_stateAt;

    /// <summary>
    /// A number no other table of the process has: state numbers are per table, and caches that outlive a table key
    /// its states by this instead of holding the table (and its automaton) alive.
    /// </summary>
    public long Id { get; } = Interlocked.Increment(ref s_nextId);

    public TerminalTable(RegexNode pattern, TokenVocabulary vocab)
    {
        Pattern = pattern;
        _vocab = vocab;
        Dfa = new LazyDfa(pattern);
    }

    public RegexNode Pattern { get; }

    public LazyDfa Dfa { get; }

    /// <summary>Per-state token data (computed on first use with one trie walk).</summary>
    public StateTokens GetState(int dfaState) => TryGetComputed(dfaState, out var st) ? st : Compute(dfaState);

    /// <summary>The state's token data when it has been computed already.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetComputed(int dfaState, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StateTokens? st)
    {
        var arr = Volatile.Read(ref _states);
        st = dfaState < arr.Length ? arr[dfaState] : null;
        return st is not null;
    }

    // Under _sync.
    private void Publish(int dfaState, StateTokens st)
    {
        if (dfaState >= _states.Length)
        {
            var bigger = new StateTokens?[Math.Max(dfaState + 1, _states.Length * 2)];
            Array.Copy(_states, bigger, _states.Length);
            bigger[dfaState] = st;
            Volatile.Write(ref _states, bigger);
        }
        else
        {
            Volatile.Write(ref _states[dfaState], st);
        }
    }

    /// <summary>Most states one batched trie pass computes (the tables alive at a depth are one 64-bit word).</summary>
    internal const int MaxBatchedWalks = 64;

    /// <summary>
    /// Computes the token data of states (of tables over one vocabulary) as <see cref="GetState"/> would, except that
    /// the dense states needing a full trie walk share one pass over the trie: a mask step that meets several new
    /// dense states (string values of <c>oneOf</c> branches made disjoint, for one) walked the 128k-token trie once per
    /// state. A state whose dominant successor language is that of an earlier state of the batch waits for that one's
    /// walk, as it may then be computed as a small difference from it. States already computed are skipped.
    /// </summary>
    internal static void ComputeMany(IReadOnlyList<(TerminalTable Table, int State)> pending)
    {
        List<WalkPlan>? walks = null;
        List<(TerminalTable Table, int State)>? later = null;
        HashSet<RegexNode>? dominants = null;
        foreach (var (table, q) in pending)
        {
            lock (table._sync)
            {
                if (table.TryGetComputed(q, out _)) continue;
                var st = table.TryBuildWithoutWalk(q, out var plan);
                if (st is not null)
                {
                    table.Publish(q, st);
                    continue;
                }
                bool sameDominant = plan.Dominant is { } d && !(dominants ??= new HashSet<RegexNode>(StructuralComparer.Instance)).Add(d);
                if (!plan.Dense || sameDominant || walks?.Count >= MaxBatchedWalks)
                {
                    (later ??= []).Add((table, q));
                    continue;
                }
                (walks ??= []).Add(plan);
            }
        }
        if (walks is not null)
        {
            StateTokens[] results;
            if (walks.Count == 1)
            {
                results = [walks[0].Table.Walk(walks[0].State)];
            }
            else
            {
                results = WalkMany(walks);
                walks[0].Table._vocab.Tables.SharedStates.CountBatchedWalks(walks.Count);
            }
            for (int j = 0; j < walks.Count; j++)
            {
                var table = walks[j].Table;
                lock (table._sync)
                {
                    // Another thread may have computed it meanwhile (the same table: the first one published stays).
                    if (table.TryGetComputed(walks[j].State, out _)) continue;
                    table.Publish(walks[j].State, table.FinishWalk(walks[j], results[j]));
                }
            }
        }
        if (later is not null)
        {
            foreach (var (table, q) in later) table.GetState(q);
        }
    }

    /// <summary>
    /// Most transitions (product states times product byte classes) the product automaton of a batched walk may hold
    /// before the walk gives it up and steps the tables side by side instead. (A field so that tests can make it small.)
    /// </summary>
    internal static int MaxProductTransitions = 131_072;

    // The plain walk of several tables at once, the same result as Walk for each table: one pass over the trie, skipping
    // a subtree where every table is dead. The tables step together as one product automaton, built as the walk meets
    // its states: a node costs one lookup whatever the number of tables (the states of a batch are mostly alike: string
    // values that differ in what they must or must not contain, so their product has few states). When the product
    // outgrows MaxProductTransitions, the tables are walked side by side, each with its own state per depth.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static StateTokens[] WalkMany(List<WalkPlan> plans)
    {
        int k = plans.Count;
        if (k > MaxBatchedWalks) throw new ArgumentOutOfRangeException(nameof(plans), k, $"expected at most {MaxBatchedWalks} states");
        var vocab = plans[0].Table._vocab;
        foreach (var plan in plans)
        {
            if (!ReferenceEquals(plan.Table._vocab, vocab)) throw new ArgumentException("expected tables over one vocabulary", nameof(plans));
        }
        var accepts = new List<int>[k];
        for (int j = 0; j < k; j++) accepts[j] = [];
        var deaths = new DeathLog();
        int[]? byTable = null;
        try
        {
            if (!WalkProduct(plans, ref deaths, accepts))
            {
                deaths.Count = 0;
                foreach (var list in accepts) list.Clear();
                WalkSideBySide(plans, ref deaths, accepts);
            }
            // Each table's dead subtrees in walk order as runs of one subtree (node, end), one table after another (a
            // counting sort of the log).
            var start = new int[k + 1];
            for (int e = 0; e < deaths.Count; e++)
            {
                for (ulong m = deaths.Masks[e]; m != 0; m &= m - 1) start[System.Numerics.BitOperations.TrailingZeroCount(m) + 1] += 2;
            }
            for (int j = 0; j < k; j++) start[j + 1] += start[j];
            byTable = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(1, start[k]));
            var fill = start.AsSpan(0, k).ToArray();
            var trie = vocab.Trie;
            for (int e = 0; e < deaths.Count; e++)
            {
                int node = deaths.Nodes[e], end = trie.SubtreeEnd[node];
                for (ulong m = deaths.Masks[e]; m != 0; m &= m - 1)
                {
                    ref int at = ref fill[System.Numerics.BitOperations.TrailingZeroCount(m)];
                    byTable[at] = node;
                    byTable[at + 1] = end;
                    at += 2;
                }
            }
            var bits = MaskScratch(vocab);
            var results = new StateTokens[k];
            for (int j = 0; j < k; j++)
            {
                Array.Clear(bits);
                int count = SetTokensOutside(trie, 1, byTable.AsSpan(start[j], start[j + 1] - start[j]), bits);
                results[j] = new StateTokens(
                    TokenSet.FromBitmask(bits, count),
                    TokenSet.ToCacheArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(accepts[j])));
            }
            return results;
        }
        finally
        {
            deaths.Release();
            if (byTable is not null) System.Buffers.ArrayPool<int>.Shared.Return(byTable);
        }
    }

    // Where tables died in a batched walk: the node and the tables (bits) whose automaton died on the byte into it, in
    // walk order. Arrays from the shared pool (one log a batch instead of a growing list per table: those lists were
    // most of what batched walks allocated).
    private struct DeathLog
    {
        public int[] Nodes;
        public ulong[] Masks;
        public int Count;

        public DeathLog()
        {
            Nodes = System.Buffers.ArrayPool<int>.Shared.Rent(1024);
            Masks = System.Buffers.ArrayPool<ulong>.Shared.Rent(1024);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int node, ulong tables)
        {
            if (Count == Nodes.Length || Count == Masks.Length) Grow();
            Nodes[Count] = node;
            Masks[Count] = tables;
            Count++;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Grow()
        {
            var nodes = System.Buffers.ArrayPool<int>.Shared.Rent(Count * 2);
            var masks = System.Buffers.ArrayPool<ulong>.Shared.Rent(Count * 2);
            Array.Copy(Nodes, nodes, Count);
            Array.Copy(Masks, masks, Count);
            Release();
            Nodes = nodes;
            Masks = masks;
        }

        public void Release()
        {
            System.Buffers.ArrayPool<int>.Shared.Return(Nodes);
            System.Buffers.ArrayPool<ulong>.Shared.Return(Masks);
            Nodes = [];
            Masks = [];
        }
    }

    // The walk with the product automaton; false (log and lists partly filled) when it outgrows MaxProductTransitions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool WalkProduct(List<WalkPlan> plans, ref DeathLog deaths, List<int>[] accepts)
    {
        var trie = plans[0].Table._vocab.Trie;
        var product = new ProductAutomaton(plans);
        var stateAt = new int[trie.MaxDepth + 1];
        stateAt[0] = product.Initial;
        var label = trie.Label;
        var depth = trie.Depth;
        var end = trie.SubtreeEnd;
        int nodeCount = trie.NodeCount;
        int i = 1;
        while (i < nodeCount)
        {
            int d = depth[i];
            int p = stateAt[d - 1];
            int n = product.Step(p, label[i]);
            if (n == 0) return false;
            ulong alive = product.Alive(n);
            ulong died = product.Alive(p) & ~alive;
            if (died != 0) deaths.Add(i, died);
            if (alive == 0)
            {
                i = end[i];
                continue;
            }
            stateAt[d] = n;
            ulong accepting = product.Accepting(n);
            if (accepting != 0 && end[i] > i + 1)
            {
                for (; accepting != 0; accepting &= accepting - 1) accepts[System.Numerics.BitOperations.TrailingZeroCount(accepting)].Add(i);
            }
            i++;
        }
        return true;
    }

    // The walk with each table's own state per depth (k steps a node).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WalkSideBySide(List<WalkPlan> plans, ref DeathLog deaths, List<int>[] accepts)
    {
        int k = plans.Count;
        var trie = plans[0].Table._vocab.Trie;
        var dfas = new LazyDfa.Stepper[k];
        var stateAt = new int[(trie.MaxDepth + 1) * k];
        var aliveAt = new ulong[trie.MaxDepth + 1];
        for (int j = 0; j < k; j++)
        {
            dfas[j] = new LazyDfa.Stepper(plans[j].Table.Dfa);
            stateAt[j] = plans[j].State;
        }
        aliveAt[0] = k == 64 ? ulong.MaxValue : (1UL << k) - 1;
        var label = trie.Label;
        var depth = trie.Depth;
        var end = trie.SubtreeEnd;
        int nodeCount = trie.NodeCount;
        int i = 1;
        while (i < nodeCount)
        {
            int d = depth[i];
            byte b = label[i];
            int parentRow = (d - 1) * k, row = d * k;
            bool hasChildren = end[i] > i + 1;
            ulong alive = 0, died = 0;
            for (ulong m = aliveAt[d - 1]; m != 0; m &= m - 1)
            {
                int j = System.Numerics.BitOperations.TrailingZeroCount(m);
                ref var dfa = ref dfas[j];
                int s = dfa.Step(stateAt[parentRow + j], b);
                if (s == LazyDfa.Dead)
                {
                    died |= 1UL << j;
                    continue;
                }
                alive |= 1UL << j;
                stateAt[row + j] = s;
                if (dfa.IsAccepting(s) && hasChildren) accepts[j].Add(i);
            }
            if (died != 0) deaths.Add(i, died);
            if (alive == 0)
            {
                i = end[i];
                continue;
            }
            aliveAt[d] = alive;
            i++;
        }
    }

    // The batch's automata as one: a state is the tuple of the tables' states, built on first use, with the tables
    // alive and accepting in it as bit masks. Transitions over the product's byte classes (bytes every table's automaton
    // treats alike). State 0 is "not built" in the transition table.
    private sealed class ProductAutomaton
    {
        private readonly LazyDfa.Stepper[] _dfas;
        private readonly int _k;
        private readonly byte[] _classOf = new byte[256];
        private readonly int _classCount;
        private readonly int _maxStates;
        private int[] _tuples;
        private ulong[] _alive, _accepting;
        private int[] _next;
        private int[] _slots; // open addressing by tuple hash: state id, 0 empty; at most half full
        private int _count = 1;

        public ProductAutomaton(List<WalkPlan> plans)
        {
            _k = plans.Count;
            _dfas = new LazyDfa.Stepper[_k];
            // Refine the partition of byte values by every table's classes.
            int classes = 1;
            var pairs = new Dictionary<int, int>();
            for (int j = 0; j < _k; j++)
            {
                var dfa = plans[j].Table.Dfa;
                _dfas[j] = new LazyDfa.Stepper(dfa);
                if (classes == 256) continue;
                var own = dfa.ByteClasses;
                pairs.Clear();
                for (int b = 0; b < 256; b++)
                {
                    int key = _classOf[b] << 8 | own[b];
                    if (!pairs.TryGetValue(key, out int c)) pairs[key] = c = pairs.Count;
                    _classOf[b] = (byte)c;
                }
                classes = pairs.Count;
            }
            _classCount = classes;
            _maxStates = Math.Max(2, MaxProductTransitions / classes);
            int capacity = Math.Min(64, _maxStates + 1);
            _tuples = new int[capacity * _k];
            _alive = new ulong[capacity];
            _accepting = new ulong[capacity];
            _next = new int[capacity * classes];
            _slots = new int[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
            var tuple = _tuples.AsSpan(_k, _k);
            for (int j = 0; j < _k; j++) tuple[j] = plans[j].State;
            Initial = Intern(tuple);
        }

        public int Initial { get; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Alive(int state) => _alive[state];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Accepting(int state) => _accepting[state];

        /// <summary>The state after byte <paramref name="b"/>; 0 when building it would pass the limit.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Step(int state, byte b)
        {
            int idx = state * _classCount + _classOf[b];
            int n = _next[idx];
            return n != 0 ? n : Build(idx, state, b);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private int Build(int idx, int state, byte b)
        {
            if (_count >= _maxStates) return 0;
            if ((_count + 1) * _k > _tuples.Length) Grow();
            // The candidate tuple goes where a new state's would; interning keeps it or finds an equal one.
            var tuple = _tuples.AsSpan(_count * _k, _k);
            var from = _tuples.AsSpan(state * _k, _k);
            for (int j = 0; j < _k; j++)
            {
                int s = from[j];
                tuple[j] = s == LazyDfa.Dead ? LazyDfa.Dead : _dfas[j].Step(s, b);
            }
            int n = Intern(tuple);
            _next[idx] = n;
            return n;
        }

        // The state whose tuple is `tuple` (which lies at index _count of the tuple store), adding it when new.
        private int Intern(ReadOnlySpan<int> tuple)
        {
            int mask = _slots.Length - 1;
            int slot = (int)SpanHash.Of(tuple) & mask;
            while (_slots[slot] is int existing && existing != 0)
            {
                if (_tuples.AsSpan(existing * _k, _k).SequenceEqual(tuple)) return existing;
                slot = (slot + 1) & mask;
            }
            int id = _count++;
            _slots[slot] = id;
            ulong alive = 0, accepting = 0;
            for (int j = 0; j < _k; j++)
            {
                int s = tuple[j];
                if (s == LazyDfa.Dead) continue;
                alive |= 1UL << j;
                if (_dfas[j].IsAccepting(s)) accepting |= 1UL << j;
            }
            _alive[id] = alive;
            _accepting[id] = accepting;
            return id;
        }

        private void Grow()
        {
            int capacity = Math.Min(_alive.Length * 2, _maxStates + 1);
            Array.Resize(ref _tuples, capacity * _k);
            Array.Resize(ref _alive, capacity);
            Array.Resize(ref _accepting, capacity);
            Array.Resize(ref _next, capacity * _classCount);
            _slots = new int[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
            int mask = _slots.Length - 1;
            for (int id = 1; id < _count; id++)
            {
                int slot = (int)SpanHash.Of(_tuples.AsSpan(id * _k, _k)) & mask;
                while (_slots[slot] != 0) slot = (slot + 1) & mask;
                _slots[slot] = id;
            }
        }
    }

    private StateTokens Compute(int dfaState)
    {
        lock (_sync)
        {
            if (TryGetComputed(dfaState, out var existing)) return existing;
            var st = Build(dfaState);
            Publish(dfaState, st);
            return st;
        }
    }

    /// <summary>
    /// Alive nodes after which a walk stops setting tokens node by node and notes dead subtrees instead (see
    /// <see cref="Walk"/>; a field so that tests can take both ways on small vocabularies).
    /// </summary>
    internal static int WalkInlineNodes = 32_768;

    // One DFS over the token trie from dfaState, skipping subtrees at dead bytes, tokens into a bitmask (states inside
    // strings keep most of a 128k vocabulary: a growing list of them would land on the large-object heap). Up to
    // WalkInlineNodes alive nodes, tokens are set node by node; past them (a dense state, which keeps most of the trie
    // alive), the walk only notes the runs of dead subtrees, and the tokens outside them are set afterwards, range by
    // range. In dense states, whether a node has tokens of its own follows no pattern a branch predictor learns (many
    // nodes are inner bytes of long tokens), and that test cost more than the automaton's steps; in sparser ones the
    // runs would be as many as the tokens, which a node-by-node walk sets more cheaply.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal StateTokens Walk(int dfaState)
    {
        var trie = _vocab.Trie;
        // Per-thread scratch: most walks are small (literal-like terminals), and fresh arrays for each would be most of
        // what cold mask steps allocate.
        var bits = MaskScratch(_vocab);
        Array.Clear(bits);
        var acceptNodes = t_acceptNodes ??= [];
        acceptNodes.Clear();
        var stateAt = t_stateAt is { } sa && sa.Length >= trie.MaxDepth + 1 ? sa : t_stateAt = new int[trie.MaxDepth + 1];
        stateAt[0] = dfaState;
        var dfa = new LazyDfa.Stepper(Dfa);
        var label = trie.Label;
        var depth = trie.Depth;
        var end = trie.SubtreeEnd;
        var tokenStart = trie.TokenStart;
        var tokenIds = trie.TokenIds;
        int nodeCount = trie.NodeCount;
        int count = 0;
        int inlineLeft = WalkInlineNodes;
        int i = 1;
        while (i < nodeCount && inlineLeft > 0)
        {
            int s = dfa.Step(stateAt[depth[i] - 1], label[i]);
            if (s == LazyDfa.Dead)
            {
                i = end[i];
                continue;
            }
            stateAt[depth[i]] = s;
            int first = tokenStart[i], stop = tokenStart[i + 1];
            for (int t = first; t < stop; t++)
            {
                int id = tokenIds[t];
                bits[id >> 5] |= 1u << id;
            }
            count += stop - first;
            if (dfa.IsAccepting(s) && end[i] > i + 1) acceptNodes.Add(i);
            inlineLeft--;
            i++;
        }
        if (i < nodeCount)
        {
            int switchedAt = i;
            var runs = t_runs ??= new int[256];
            int runCount = 0;
            int runStart = 0, runEnd = 0; // the run of dead subtrees being extended (node 0, the root, is never in one)
            while (i < nodeCount)
            {
                int s = dfa.Step(stateAt[depth[i] - 1], label[i]);
                if (s == LazyDfa.Dead)
                {
                    // Dead subtrees that follow one another in DFS order make one run.
                    if (i != runEnd)
                    {
                        if (runEnd != 0) AddRun(ref runs, ref runCount, runStart, runEnd);
                        runStart = i;
                    }
                    i = runEnd = end[i];
                    continue;
                }
                stateAt[depth[i]] = s;
                if (dfa.IsAccepting(s) && end[i] > i + 1) acceptNodes.Add(i);
                i++;
            }
            if (runEnd != 0) AddRun(ref runs, ref runCount, runStart, runEnd);
            count += SetTokensOutside(trie, switchedAt, runs.AsSpan(0, runCount), bits);
        }
        return new StateTokens(TokenSet.FromBitmask(bits, count), TokenSet.ToCacheArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(acceptNodes)));
    }

    [ThreadStatic] private static int[]? t_runs;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRun(ref int[] runs, ref int count, int first, int end)
    {
        if (count + 2 > runs.Length)
        {
            Array.Resize(ref runs, runs.Length * 2);
            t_runs = runs;
        }
        runs[count] = first;
        runs[count + 1] = end;
        count += 2;
    }

    // Sets the tokens of the nodes from node `from` on (in DFS order) outside the dead runs: pairs of nodes (first, end)
    // whose subtrees [first, end) were skipped, disjoint, in DFS order and at or after `from` (a run's tokens are one
    // range of the trie's token list). Returns how many tokens it set.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SetTokensOutside(TokenTrie trie, int from, ReadOnlySpan<int> deadRuns, uint[] bits)
    {
        var ids = trie.TokenIds;
        var tokenStart = trie.TokenStart;
        int position = tokenStart[from];
        int count = 0;
        for (int k = 0; k <= deadRuns.Length; k += 2)
        {
            int to = k < deadRuns.Length ? tokenStart[deadRuns[k]] : tokenStart[trie.NodeCount];
            count += to - position;
            foreach (int id in ids.AsSpan(position, to - position)) bits[id >> 5] |= 1u << id;
            if (k < deadRuns.Length) position = tokenStart[deadRuns[k + 1]];
        }
        return count;
    }
}

/// <summary>Tokens for one terminal DFA state.</summary>
/// <param name="Inside">Tokens whose bytes all stay inside the terminal (the DFA is alive after them).</param>
/// <param name="AcceptNodes">Trie nodes with children where the DFA accepts: tokens below them may end the terminal mid-token.</param>
internal sealed record StateTokens(TokenSet Inside, int[] AcceptNodes);
