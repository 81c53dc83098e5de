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

    // The plain walk of several tables at once: one pass over the trie, each table with its own automaton state per
    // depth, a subtree skipped where every table is dead. The same result as Walk for each table.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static StateTokens[] WalkMany(List<WalkPlan> plans)
    {
        int k = plans.Count;
        if (k > MaxBatchedWalks) throw new ArgumentOutOfRangeException(nameof(plans), k, $"expected at most {MaxBatchedWalks} states");
        var vocab = plans[0].Table._vocab;
        var trie = vocab.Trie;
        int words = vocab.MaskWordCount;
        var dfas = new LazyDfa[k];
        var bits = new uint[k][];
        var counts = new int[k];
        var accepts = new List<int>[k];
        var stateAt = new int[(trie.MaxDepth + 1) * k];
        var aliveAt = new ulong[trie.MaxDepth + 1];
        try
        {
            for (int j = 0; j < k; j++)
            {
                if (!ReferenceEquals(plans[j].Table._vocab, vocab)) throw new ArgumentException("expected tables over one vocabulary", nameof(plans));
                dfas[j] = plans[j].Table.Dfa;
                bits[j] = System.Buffers.ArrayPool<uint>.Shared.Rent(words);
                Array.Clear(bits[j], 0, words);
                accepts[j] = [];
                stateAt[j] = plans[j].State;
            }
            aliveAt[0] = k == 64 ? ulong.MaxValue : (1UL << k) - 1;
            var label = trie.Label;
            var depth = trie.Depth;
            var end = trie.SubtreeEnd;
            var tokenStart = trie.TokenStart;
            var tokenIds = trie.TokenIds;
            int nodeCount = trie.NodeCount;
            int i = 1;
            while (i < nodeCount)
            {
                int d = depth[i];
                byte b = label[i];
                int parentRow = (d - 1) * k, row = d * k;
                bool hasChildren = end[i] > i + 1;
                int first = tokenStart[i], stop = tokenStart[i + 1];
                ulong alive = 0;
                for (ulong m = aliveAt[d - 1]; m != 0; m &= m - 1)
                {
                    int j = System.Numerics.BitOperations.TrailingZeroCount(m);
                    int s = dfas[j].Step(stateAt[parentRow + j], b);
                    if (s == LazyDfa.Dead) continue;
                    alive |= 1UL << j;
                    stateAt[row + j] = s;
                    var bj = bits[j];
                    for (int t = first; t < stop; t++)
                    {
                        int id = tokenIds[t];
                        bj[id >> 5] |= 1u << (id & 31);
                    }
                    counts[j] += stop - first;
                    if (hasChildren && dfas[j].IsAccepting(s)) accepts[j].Add(i);
                }
                if (alive == 0)
                {
                    i = end[i];
                    continue;
                }
                aliveAt[d] = alive;
                i++;
            }
            var results = new StateTokens[k];
            for (int j = 0; j < k; j++)
            {
                results[j] = new StateTokens(
                    TokenSet.FromBitmask(bits[j].AsSpan(0, words), counts[j]),
                    TokenSet.ToCacheArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(accepts[j])));
            }
            return results;
        }
        finally
        {
            foreach (var rented in bits)
            {
                if (rented is not null) System.Buffers.ArrayPool<uint>.Shared.Return(rented);
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

    // One DFS over the token trie from dfaState, skipping subtrees at dead bytes. Tokens go straight
    // into a bitmask: states inside strings keep most of a 128k vocabulary, and a growing list of
    // them would land on the large-object heap.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StateTokens Walk(int dfaState)
    {
        var trie = _vocab.Trie;
        // Per-thread scratch: most walks are small (literal-like terminals), and a fresh mask-sized
        // array for each would be most of what cold mask steps allocate.
        var bits = t_bits is { } b && b.Length == _vocab.MaskWordCount ? b : t_bits = new uint[_vocab.MaskWordCount];
        Array.Clear(bits);
        int count = 0;
        var acceptNodes = t_acceptNodes ??= [];
        acceptNodes.Clear();
        var stateAt = t_stateAt is { } sa && sa.Length >= trie.MaxDepth + 1 ? sa : t_stateAt = new int[trie.MaxDepth + 1];
        stateAt[0] = dfaState;
        int i = 1;
        var label = trie.Label;
        var depth = trie.Depth;
        var end = trie.SubtreeEnd;
        while (i < trie.NodeCount)
        {
            int d = depth[i];
            int s = Dfa.Step(stateAt[d - 1], label[i]);
            if (s == LazyDfa.Dead)
            {
                i = end[i];
                continue;
            }
            stateAt[d] = s;
            foreach (int t in trie.TokensAt(i))
            {
                bits[t >> 5] |= 1u << (t & 31);
                count++;
            }
            if (Dfa.IsAccepting(s) && end[i] > i + 1) acceptNodes.Add(i);
            i++;
        }
        return new StateTokens(TokenSet.FromBitmask(bits, count), TokenSet.ToCacheArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(acceptNodes)));
    }
}

/// <summary>Tokens for one terminal DFA state.</summary>
/// <param name="Inside">Tokens whose bytes all stay inside the terminal (the DFA is alive after them).</param>
/// <param name="AcceptNodes">Trie nodes with children where the DFA accepts: tokens below them may end the terminal mid-token.</param>
internal sealed record StateTokens(TokenSet Inside, int[] AcceptNodes);
