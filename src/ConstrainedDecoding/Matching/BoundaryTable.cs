using System.Collections.Concurrent;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// Tokens that end a terminal inside themselves and continue with one more lexeme (after any number
/// of ignored lexemes). They depend only on the terminal, its DFA state and the set of terminals the
/// parser expects after it, never on the deeper parser stack, so they are cached by that triple.
/// Tokens that end a second non-ignored terminal inside themselves are listed as
/// <see cref="BoundaryTokens.Double"/> trie nodes, which the matcher checks exactly with the parser.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class BoundaryTable
{
    private readonly CompiledGrammar _grammar;
    private readonly BoundedCache<(int Terminal, int State, int Expected), BoundaryTokens> _cache = new(Limits.MaxBoundaryCacheEntries);
    private readonly BoundedCache<(int Node, int Expected), BoundaryTokens> _nodeCache = new(Limits.MaxBoundaryCacheEntries);
    private Dictionary<ulong, int> _expectedByHash = [];
    private int[][] _expectedSetsSnapshot = [];
    private readonly List<int[]> _expectedSets = [];
    private readonly List<string?> _signatures = [];
    private readonly object _sync = new();

    public BoundaryTable(CompiledGrammar grammar) => _grammar = grammar;


    /// <summary>Interns a set of expected terminals; allocation-free when the set was seen before.</summary>
    public int InternExpected(ReadOnlySpan<int> terminals)
    {
        ulong h = SpanHash.Of(terminals);
        var ids = Volatile.Read(ref _expectedByHash);
        if (ids.TryGetValue(h, out int id) && _expectedSetsSnapshot[id].AsSpan().SequenceEqual(terminals)) return id;
        lock (_sync)
        {
            if (_expectedByHash.TryGetValue(h, out id) && _expectedSets[id].AsSpan().SequenceEqual(terminals)) return id;
            id = _expectedSets.Count;
            _expectedSets.Add(terminals.ToArray());
            _signatures.Add(null);
            // Copy-on-write so that readers never see a dictionary being modified.
            var next = new Dictionary<ulong, int>(_expectedByHash);
            // A 64-bit collision with a different set keeps the first owner of the hash; the
            // newcomer is then interned again on each call (correct, just not cached).
            next.TryAdd(h, id);
            Volatile.Write(ref _expectedSetsSnapshot, _expectedSets.ToArray());
            Volatile.Write(ref _expectedByHash, next);
            return id;
        }
    }


    public BoundaryTokens Get(int terminal, int state, int expectedId)
    {
        if (_cache.TryGetValue((terminal, state, expectedId), out var bt)) return bt;
        var (expected, signature) = ExpectedWithSignature(expectedId);
        var table = _grammar.TerminalTables[terminal];
        bt = ComputeShared(new SharedBoundaryKey(table.Id, state, -1, signature), table, expected);
        return _cache.GetOrAdd((terminal, state, expectedId), bt);
    }

    /// <summary>
    /// Tokens below trie node <paramref name="node"/> whose bytes after the node form one more lexeme
    /// (after any ignored ones) of a terminal in the expected set — for a boundary that falls exactly at the node.
    /// </summary>
    public BoundaryTokens GetBelowNode(int node, int expectedId)
    {
        if (_nodeCache.TryGetValue((node, expectedId), out var bt)) return bt;
        var (expected, signature) = ExpectedWithSignature(expectedId);
        bt = ComputeShared(new SharedBoundaryKey(0, 0, node, signature), null, expected);
        return _nodeCache.GetOrAdd((node, expectedId), bt);
    }

    private (int[] Expected, string Signature) ExpectedWithSignature(int expectedId)
    {
        lock (_sync) return (_expectedSets[expectedId], SignatureLocked(expectedId));
    }

    // The result depends only on the accept nodes and on the terminal tables that may start after
    // the boundary (and which of them are ignored), so grammars over the same vocabulary share it
    // through the vocabulary's cache, keyed by those tables' patterns. The double-boundary entries
    // name terminal patterns there (a grammar may hold another instance of a table for the same
    // pattern, after the table cache dropped one) and are mapped back to this grammar's terminal indices.
    private BoundaryTokens ComputeShared(SharedBoundaryKey key, TerminalTable? table, int[] expected)
    {
        // The accept nodes of the terminal state, or the one trie node.
        int[] AcceptNodes() => table is not null ? table.GetState(key.State).AcceptNodes : [key.Node];
        if (_grammar.TerminalIndexOf is null) return Compute(AcceptNodes(), expected);
        var shared = _grammar.Vocabulary.Tables.Boundaries;
        if (!shared.TryGetValue(key, out var entry))
        {
            var bt = Compute(AcceptNodes(), expected);
            var doubles = bt.Double.Length == 0 ? [] : new (int Node, string Pattern)[bt.Double.Length];
            for (int k = 0; k < doubles.Length; k++) doubles[k] = (bt.Double[k].Node, _grammar.TerminalTables[bt.Double[k].Terminal].Pattern.Key);
            shared.GetOrAdd(key, new SharedBoundary(bt.Valid, doubles));
            return bt;
        }
        var mapped = new (int Node, int Terminal)[entry.Doubles.Length];
        for (int k = 0; k < mapped.Length; k++) mapped[k] = (entry.Doubles[k].Node, _grammar.TerminalIndexOf[entry.Doubles[k].Pattern]);
        Array.Sort(mapped, (x, y) => x.Terminal != y.Terminal ? x.Terminal.CompareTo(y.Terminal) : x.Node.CompareTo(y.Node));
        return new BoundaryTokens(entry.Valid, mapped);
    }

    // Which terminal tables may start a lexeme after a boundary with this expected set, and which are ignored.
    private string SignatureLocked(int expectedId)
    {
        if (_signatures[expectedId] is { } known) return known;
        var g = _grammar;
        var parts = new List<string>();
        foreach (int t in _expectedSets[expectedId]) parts.Add((g.Tables.IsIgnored[t] ? "i" : "n") + g.TerminalTables[t].Pattern.KeyReference);
        foreach (int t in g.Tables.IgnoredTerminals) parts.Add("i" + g.TerminalTables[t].Pattern.KeyReference);
        parts.Sort(StringComparer.Ordinal);
        var signature = string.Join("\u0003", parts.Distinct(StringComparer.Ordinal));
        _signatures[expectedId] = signature;
        return signature;
    }

    // One pass over the trie below the given accept nodes (sorted in DFS order). Every node is
    // visited at most once even when accept nodes nest (an identifier can end after each of its
    // letters): the lexer heads started at an inner accept node join those already running, which
    // is exact because the parser state after the terminal does not depend on where it ended.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private BoundaryTokens Compute(int[] acceptNodes, int[] expected)
    {
        var g = _grammar;
        var trie = g.Vocabulary.Trie;
        var dfas = g.Dfas;
        var ignoredFlags = g.Tables.IsIgnored;
        var born = expected.Concat(g.Tables.IgnoredTerminals).Where(t => !dfas[t].IsEmptyLanguage).ToArray();
        var valid = new List<int>();
        var doubles = new List<(int Node, int Terminal)>();
        var levels = new List<List<(int T, int Q)>>();
        var depth = trie.Depth;
        var label = trie.Label;
        var end = trie.SubtreeEnd;
        int ptr = 0;
        while (ptr < acceptNodes.Length)
        {
            int v = acceptNodes[ptr++];
            int dv = depth[v];
            Level(levels, 0).Clear();
            levels[0].AddRange(born.Select(t => (t, LazyDfa.Initial)));
            int i = v + 1, stop = end[v];
            while (i < stop)
            {
                int rel = depth[i] - dv;
                var parent = levels[rel - 1];
                var cur = Level(levels, rel);
                cur.Clear();
                bool accepted = false, rebirth = false;
                byte b = label[i];
                foreach (var (t, q) in parent)
                {
                    var dfa = dfas[t];
                    int q2 = dfa.Step(q, b);
                    if (q2 == LazyDfa.Dead) continue;
                    if (dfa.CanContinue(q2) && !cur.Contains((t, q2))) cur.Add((t, q2));
                    if (dfa.IsAccepting(q2))
                    {
                        accepted = true;
                        if (ignoredFlags[t]) rebirth = true;
                        else if (end[i] > i + 1) doubles.Add((i, t));
                    }
                }
                if (rebirth) AddBorn(cur, born);
                if (accepted || cur.Count > 0)
                {
                    foreach (int tok in trie.TokensAt(i)) valid.Add(tok);
                }
                if (ptr < acceptNodes.Length && acceptNodes[ptr] == i)
                {
                    // The terminal itself may also end here: start new lexemes below this node too.
                    ptr++;
                    if (end[i] > i + 1) AddBorn(cur, born);
                }
                if (cur.Count > 0)
                {
                    i++;
                    continue;
                }
                // Nothing alive below i, except from accept nodes nested in its subtree: jump to the
                // next one, with every level between marked empty.
                if (ptr < acceptNodes.Length && acceptNodes[ptr] < end[i])
                {
                    int next = acceptNodes[ptr];
                    for (int d = rel; d < depth[next] - dv; d++) Level(levels, d).Clear();
                    i = next;
                }
                else
                {
                    i = end[i];
                }
            }
        }
        var dedup = doubles.Distinct().OrderBy(d => d.Terminal).ThenBy(d => d.Node).ToArray();
        return new BoundaryTokens(TokenSet.Create(valid.Distinct().ToList(), g.Vocabulary.MaskWordCount), dedup);
    }

    private static void AddBorn(List<(int T, int Q)> heads, int[] born)
    {
        foreach (int t in born)
        {
            if (!heads.Contains((t, LazyDfa.Initial))) heads.Add((t, LazyDfa.Initial));
        }
    }

    private static List<(int T, int Q)> Level(List<List<(int T, int Q)>> levels, int index)
    {
        while (levels.Count <= index) levels.Add([]);
        return levels[index];
    }
}

/// <summary>Boundary-crossing tokens for one (terminal, state, expected set).</summary>
/// <param name="Valid">Tokens valid through one boundary (plus ignored lexemes).</param>
/// <param name="Double">Trie nodes where a second, non-ignored terminal ends with more bytes below; checked exactly.</param>
internal sealed record BoundaryTokens(TokenSet Valid, (int Node, int Terminal)[] Double);

/// <summary>A cached context entry: the boundary tokens and the tokens found through further boundaries.</summary>
internal readonly record struct ContextEntry(BoundaryTokens Boundary, int[] DoubleTokens, TokenSet[] DenseExtras);

/// <summary>
/// Key of a vocabulary-wide boundary entry: a terminal table's state (by <see cref="TerminalTable.Id"/>, 0 for none, so
/// that the cache does not keep tables of finished grammars alive) or a trie node, and the signature of the terminals
/// that may follow.
/// </summary>
internal readonly record struct SharedBoundaryKey(long TableId, int State, int Node, string Born);

/// <summary>A vocabulary-wide boundary entry; double boundaries name terminal patterns (canonical keys). A struct: the cache holds it inline.</summary>
internal readonly record struct SharedBoundary(TokenSet Valid, (int Node, string Pattern)[] Doubles);
