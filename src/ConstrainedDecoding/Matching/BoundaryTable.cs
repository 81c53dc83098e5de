using System.Collections.Concurrent;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;
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
    // Expected sets by hash (the newest id with it; older ones follow _nextSameHash), under _sync.
    private readonly Dictionary<ulong, int> _expectedByHash = [];
    private readonly List<int> _nextSameHash = [];
    private readonly List<int[]> _expectedSets = [];
    private readonly List<string?> _signatures = [];
    private readonly object _sync = new();

    public BoundaryTable(CompiledGrammar grammar) => _grammar = grammar;


    /// <summary>Interns a set of expected terminals; allocation-free when the set was seen before.</summary>
    /// <remarks>
    /// Called only when a mask context is computed (a cold step), so it takes the lock: the copy-on-write index it
    /// had for lock-free reads copied every entry for each new set, quadratic in the sets of a large grammar (tens of
    /// megabytes in the replay of one large schema).
    /// </remarks>
    public int InternExpected(ReadOnlySpan<int> terminals)
    {
        ulong h = SpanHash.Of(terminals);
        lock (_sync)
        {
            bool seen = _expectedByHash.TryGetValue(h, out int newest);
            for (int id = seen ? newest : -1; id >= 0; id = _nextSameHash[id])
            {
                if (_expectedSets[id].AsSpan().SequenceEqual(terminals)) return id;
            }
            int added = _expectedSets.Count;
            _expectedSets.Add(terminals.ToArray());
            _signatures.Add(null);
            _nextSameHash.Add(seen ? newest : -1);
            _expectedByHash[h] = added;
            return added;
        }
    }

    /// <summary>The expected set interned as <paramref name="expectedId"/> (tests).</summary>
    internal int[] ExpectedSet(int expectedId)
    {
        lock (_sync) return _expectedSets[expectedId];
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
            var doubles = bt.Double.Length == 0 ? [] : new (int Node, RegexNode Pattern)[bt.Double.Length];
            for (int k = 0; k < doubles.Length; k++) doubles[k] = (bt.Double[k].Node, _grammar.TerminalTables[bt.Double[k].Terminal].Pattern);
            shared.GetOrAdd(key, new SharedBoundary(bt.Valid, doubles));
            return bt;
        }
        var mapped = new (int Node, int Terminal)[entry.Doubles.Length];
        for (int k = 0; k < mapped.Length; k++) mapped[k] = (entry.Doubles[k].Node, _grammar.TerminalIndexOf[entry.Doubles[k].Pattern]);
        Array.Sort(mapped, (x, y) => x.Terminal != y.Terminal ? x.Terminal.CompareTo(y.Terminal) : x.Node.CompareTo(y.Node));
        return new BoundaryTokens(entry.Valid, mapped);
    }

    // Which terminal tables may start a lexeme after a boundary with this expected set, and which are ignored: the
    // sorted distinct table ids (process-unique, see TerminalTable.Id; grammars share a pattern's table through the
    // vocabulary's table cache), each times two plus one when ignored, in hexadecimal. A table dropped from that cache
    // and built again gets a new id, which only costs sharing. Built without lists or LINQ: a grammar has one per
    // expected set, with up to every terminal in it.
    private string SignatureLocked(int expectedId)
    {
        if (_signatures[expectedId] is { } known) return known;
        var g = _grammar;
        var expected = _expectedSets[expectedId];
        var ignored = g.Tables.IgnoredTerminals;
        var codes = new long[expected.Length + ignored.Length];
        int n = 0;
        foreach (int t in expected) codes[n++] = g.TerminalTables[t].Id * 2 + (g.Tables.IsIgnored[t] ? 1 : 0);
        foreach (int t in ignored) codes[n++] = g.TerminalTables[t].Id * 2 + 1;
        Array.Sort(codes);
        var sb = new System.Text.StringBuilder(codes.Length * 6);
        for (int k = 0; k < codes.Length; k++)
        {
            if (k > 0 && codes[k] == codes[k - 1]) continue;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{codes[k]:x}");
        }
        var signature = sb.ToString();
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
        var ignored = g.Tables.IgnoredTerminals;
        var born = new int[expected.Length + ignored.Length];
        int bornCount = 0;
        foreach (int t in expected)
        {
            if (!dfas[t].IsEmptyLanguage) born[bornCount++] = t;
        }
        foreach (int t in ignored)
        {
            if (!dfas[t].IsEmptyLanguage) born[bornCount++] = t;
        }
        if (bornCount < born.Length) Array.Resize(ref born, bornCount);
        // Scratch kept per thread (taken, so that a nested use could not share it): a cold mask step may compute many
        // boundaries, and their lists and valid-token sets were a large part of what such steps allocated.
        int words = g.Vocabulary.MaskWordCount;
        var valid = t_valid is { } v0 && v0.Length == words ? v0 : new uint[words];
        t_valid = null;
        int validCount = 0, validLow = int.MaxValue, validHigh = -1;
        var doubles = t_doubles ?? [];
        t_doubles = null;
        doubles.Clear();
        var levels = t_levels ?? [];
        t_levels = null;
        var depth = trie.Depth;
        var label = trie.Label;
        var end = trie.SubtreeEnd;
        int ptr = 0;
        while (ptr < acceptNodes.Length)
        {
            int v = acceptNodes[ptr++];
            int dv = depth[v];
            var first = Level(levels, 0);
            first.Clear();
            foreach (int t in born) first.Add((t, LazyDfa.Initial));
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
                    foreach (int tok in trie.TokensAt(i))
                    {
                        int w = tok >> 5;
                        uint bit = 1u << (tok & 31);
                        if ((valid[w] & bit) != 0) continue;
                        valid[w] |= bit;
                        validCount++;
                        if (w < validLow) validLow = w;
                        if (w > validHigh) validHigh = w;
                    }
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
        // Distinct (node, terminal) pairs ordered by terminal, then node.
        var sorted = doubles.ToArray();
        Array.Sort(sorted, s_byTerminalThenNode);
        int kept = 0;
        for (int k = 0; k < sorted.Length; k++)
        {
            if (kept == 0 || sorted[k] != sorted[kept - 1]) sorted[kept++] = sorted[k];
        }
        if (kept < sorted.Length) Array.Resize(ref sorted, kept);
        var validSet = TokenSet.CreateFromBits(valid, validCount);
        if (validHigh >= validLow) Array.Clear(valid, validLow, validHigh - validLow + 1);
        t_valid = valid;
        doubles.Clear();
        t_doubles = doubles;
        foreach (var level in levels) level.Clear();
        t_levels = levels;
        return new BoundaryTokens(validSet, sorted);
    }

    [ThreadStatic] private static uint[]? t_valid;
    [ThreadStatic] private static List<(int Node, int Terminal)>? t_doubles;
    [ThreadStatic] private static List<List<(int T, int Q)>>? t_levels;

    private static readonly Comparison<(int Node, int Terminal)> s_byTerminalThenNode =
        static (x, y) => x.Terminal != y.Terminal ? x.Terminal.CompareTo(y.Terminal) : x.Node.CompareTo(y.Node);

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

/// <summary>A vocabulary-wide boundary entry; double boundaries name terminal patterns (matched by structure). A struct: the cache holds it inline.</summary>
internal readonly record struct SharedBoundary(TokenSet Valid, (int Node, RegexNode Pattern)[] Doubles);
