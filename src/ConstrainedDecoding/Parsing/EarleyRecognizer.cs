using System.Runtime.CompilerServices;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Parsing;

/// <summary>
/// The byte-level recognizer that defines the grammar's language: an Earley parser over terminals
/// plus a set of lexer heads. A head <c>(terminal, dfaState, originSet)</c> is a terminal match in
/// progress that started where Earley set <c>originSet</c> was current. Each byte advances every head;
/// a head reaching an accepting state completes its terminal into a new Earley set (ignored terminals
/// return to their origin set), and every set born at a position starts fresh heads for the terminals
/// it expects. Every lexical split is explored, so there is no longest-match commitment.
/// </summary>
/// <remarks>
/// State is a stack of byte positions; <see cref="TruncateTo"/> pops positions in O(1), which gives
/// token rollback and the speculative walks of mask computation. Earley sets are identified by index
/// and carry a structural hash (items plus, recursively, the hashes of their origin sets), so two
/// states with equal hashes have the same future.
/// </remarks>
internal sealed class EarleyRecognizer
{
    private const ulong SelfOrigin1 = 0x9E3779B97F4A7C15UL;
    private const ulong SelfOrigin2 = 0xC2B2AE3D27D4EB4FUL;

    private readonly ParserTables _t;
    private readonly LazyDfa[] _dfas;

    // Earley sets. Items are packed as ((long)origin << 32) | item, sorted by ItemNext within a set.
    private long[] _pool = new long[256];
    private int _poolCount;
    private int[] _setStart = new int[64]; // setStart[s] .. setStart[s+1]
    private int[] _termStart = new int[64];
    private int[] _terms = new int[256];
    private int _termCount;
    private ulong[] _hash1 = new ulong[64];
    private ulong[] _hash2 = new ulong[64];
    private bool[] _setAccepting = new bool[64];
    private int _setCount;

    // Lexer heads, grouped by position.
    private int[] _hT = new int[256];
    private int[] _hQ = new int[256];
    private int[] _hO = new int[256];
    private int _headCount;
    private int _pendingHeadStart; // first head of the position being built

    // Positions (a stack).
    private int[] _posHeadStart = new int[64];
    private int[] _posSetCount = new int[64];
    private int[] _posTermCount = new int[64];
    private int[] _posPoolCount = new int[64];
    private bool[] _posAccepting = new bool[64];
    private int _posCount;

    // Scratch.
    private long[] _dedupKeys = new long[256];
    private int[] _dedupGen = new int[256];
    private int _gen;
    private int[] _predicted;
    private int _predGen;
    private int[] _sortKeys = new int[256];
    private long[] _sortVals = new long[256];
    private readonly List<(int T, int O)> _completions = [];
    private readonly List<int> _born = [];

    public EarleyRecognizer(ParserTables tables, LazyDfa[] dfas)
    {
        _t = tables;
        _dfas = dfas;
        _predicted = new int[tables.NonterminalCount];
        Reset();
    }

    private EarleyRecognizer(EarleyRecognizer other)
    {
        _t = other._t;
        _dfas = other._dfas;
        _pool = (long[])other._pool.Clone();
        _poolCount = other._poolCount;
        _setStart = (int[])other._setStart.Clone();
        _termStart = (int[])other._termStart.Clone();
        _terms = (int[])other._terms.Clone();
        _termCount = other._termCount;
        _hash1 = (ulong[])other._hash1.Clone();
        _hash2 = (ulong[])other._hash2.Clone();
        _setAccepting = (bool[])other._setAccepting.Clone();
        _setCount = other._setCount;
        _hT = (int[])other._hT.Clone();
        _hQ = (int[])other._hQ.Clone();
        _hO = (int[])other._hO.Clone();
        _headCount = other._headCount;
        _posHeadStart = (int[])other._posHeadStart.Clone();
        _posSetCount = (int[])other._posSetCount.Clone();
        _posTermCount = (int[])other._posTermCount.Clone();
        _posPoolCount = (int[])other._posPoolCount.Clone();
        _posAccepting = (bool[])other._posAccepting.Clone();
        _posCount = other._posCount;
        _predicted = new int[other._predicted.Length];
    }

    public EarleyRecognizer Clone() => new(this);

    /// <summary>Index of the current position (bytes consumed, counting virtual boundary positions).</summary>
    public int Position => _posCount - 1;

    /// <summary>Whether the input so far is in the language.</summary>
    public bool IsAccepting => _posAccepting[_posCount - 1];

    /// <summary>First head of the current position.</summary>
    public int HeadStart => _posHeadStart[_posCount - 1];

    /// <summary>End (exclusive) of the current position's heads.</summary>
    public int HeadEnd => _headCount;

    public int HeadTerminal(int h) => _hT[h];

    public int HeadState(int h) => _hQ[h];

    public int HeadOrigin(int h) => _hO[h];

    public ulong SetHash1(int set) => _hash1[set];

    public ulong SetHash2(int set) => _hash2[set];

    /// <summary>Whether there is anything alive: a head, or an accepting end.</summary>
    public bool IsAlive => _headCount > HeadStart || IsAccepting;

    public void Reset()
    {
        _poolCount = 0;
        _setCount = 0;
        _termCount = 0;
        _headCount = 0;
        _posCount = 0;
        _pendingHeadStart = 0;
        // Set 0: closure of S' -> . Start
        int s = BeginSet();
        AddItem(_t.StartItem, 0, s);
        FinishSet(s);
        _born.Clear();
        _born.Add(s);
        PushPosition(BirthHeads(_born), _setAccepting[s]);
    }

    /// <summary>
    /// Pops positions so that <paramref name="position"/> is current. At the current position it drops anything
    /// a step left behind without pushing a position (a step that threw a <see cref="Grammars.GrammarLimitException"/>).
    /// </summary>
    public void TruncateTo(int position)
    {
        if (position > _posCount - 1) return;
        int next = position + 1;
        _headCount = _posHeadStart[next];
        _setCount = _posSetCount[position];
        _termCount = _posTermCount[position];
        _poolCount = _posPoolCount[position];
        _posCount = position + 1;
    }

    /// <summary>Consumes one byte. On failure nothing changes and false is returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Step(byte b)
    {
        int p = _posCount - 1;
        int hs = _posHeadStart[p], he = _headCount;
        int newStart = _headCount;
        _pendingHeadStart = newStart;
        NewGeneration();
        _completions.Clear();
        for (int h = hs; h < he; h++)
        {
            int term = _hT[h];
            var dfa = _dfas[term];
            int q = dfa.Step(_hQ[h], b);
            if (q == LazyDfa.Dead) continue;
            if (dfa.CanContinue(q)) AddHead(term, q, _hO[h]);
            if (dfa.IsAccepting(q)) _completions.Add((term, _hO[h]));
        }
        bool accepting = false;
        if (_completions.Count > 0)
        {
            accepting = Complete(_completions);
        }
        if (_headCount == newStart && !accepting)
        {
            // Dead: undo.
            _headCount = newStart;
            _setCount = _posSetCount[p];
            _termCount = _posTermCount[p];
            _poolCount = _posPoolCount[p];
            return false;
        }
        PushPosition(newStart, accepting);
        return true;
    }

    /// <summary>
    /// Pushes a virtual position as if terminal <paramref name="terminal"/> had just ended, having started
    /// at set <paramref name="originSet"/>; its heads are only those born from the resulting boundary.
    /// Returns the Earley set current at the boundary (the origin itself for an ignored terminal), or -1
    /// (pushing nothing) when nothing is alive there.
    /// </summary>
    public int PushBoundary(int terminal, int originSet)
    {
        int p = _posCount - 1;
        int newStart = _headCount;
        _pendingHeadStart = newStart;
        NewGeneration();
        _completions.Clear();
        _completions.Add((terminal, originSet));
        bool accepting = Complete(_completions);
        if (_born.Count == 0 || (_headCount == newStart && !accepting))
        {
            _headCount = newStart;
            _setCount = _posSetCount[p];
            _termCount = _posTermCount[p];
            _poolCount = _posPoolCount[p];
            return -1;
        }
        int set = _born[0];
        PushPosition(newStart, accepting);
        return set;
    }

    /// <summary>Terminals that set <paramref name="set"/> expects next (ascending, without ignored terminals).</summary>
    public ReadOnlySpan<int> ExpectedTerminals(int set) => _terms.AsSpan(_termStart[set], _termStart[set + 1] - _termStart[set]);

    // Applies completions; adds born heads; returns whether a born set accepts.
    private bool Complete(List<(int T, int O)> completions)
    {
        _born.Clear();
        bool accepting = false;
        int s = -1;
        foreach (var (term, origin) in completions)
        {
            if (_t.IsIgnored[term])
            {
                if (!_born.Contains(origin)) _born.Add(origin);
                continue;
            }
            // Scan: advance the items of the origin set that expect this terminal.
            FindRange(origin, term, out int lo, out int hi);
            if (lo == hi) continue;
            if (s < 0) s = BeginSet();
            for (int k = lo; k < hi; k++)
            {
                long packed = _pool[k];
                AddItem((int)(packed & 0xFFFFFFFF) + 1, (int)(packed >> 32), s);
            }
        }
        if (s >= 0)
        {
            FinishSet(s);
            _born.Add(s);
        }
        foreach (int set in _born) accepting |= _setAccepting[set];
        BirthHeads(_born);
        return accepting;
    }

    private int BirthHeads(List<int> sets)
    {
        int start = _headCount;
        foreach (int set in sets)
        {
            for (int k = _termStart[set]; k < _termStart[set + 1]; k++)
            {
                if (!_dfas[_terms[k]].IsEmptyLanguage) AddHead(_terms[k], LazyDfa.Initial, set);
            }
            foreach (int ig in _t.IgnoredTerminals)
            {
                if (!_dfas[ig].IsEmptyLanguage) AddHead(ig, LazyDfa.Initial, set);
            }
        }
        return start;
    }

    private void PushPosition(int headStart, bool accepting)
    {
        if (_posCount + 1 >= _posHeadStart.Length)
        {
            if (_posCount >= Limits.MaxMatcherBytes)
            {
                throw new GrammarLimitException(nameof(Limits.MaxMatcherBytes), Limits.MaxMatcherBytes, "Bytes consumed by one matcher");
            }
            int n = _posHeadStart.Length * 2;
            Array.Resize(ref _posHeadStart, n);
            Array.Resize(ref _posSetCount, n);
            Array.Resize(ref _posTermCount, n);
            Array.Resize(ref _posPoolCount, n);
            Array.Resize(ref _posAccepting, n);
        }
        int p = _posCount++;
        _posHeadStart[p] = headStart;
        _posHeadStart[p + 1] = _headCount;
        _posSetCount[p] = _setCount;
        _posTermCount[p] = _termCount;
        _posPoolCount[p] = _poolCount;
        _posAccepting[p] = accepting;
    }

    private void AddHead(int term, int q, int origin)
    {
        long key = ((long)term << 48) | ((long)q << 28) | (uint)origin;
        if (!DedupAdd(key)) return;
        if (_headCount - _pendingHeadStart >= Limits.MaxLexerHeads)
        {
            throw new GrammarLimitException(nameof(Limits.MaxLexerHeads), Limits.MaxLexerHeads, "Live lexer heads at one position");
        }
        if (_headCount == _hT.Length)
        {
            int n = _hT.Length * 2;
            Array.Resize(ref _hT, n);
            Array.Resize(ref _hQ, n);
            Array.Resize(ref _hO, n);
        }
        _hT[_headCount] = term;
        _hQ[_headCount] = q;
        _hO[_headCount] = origin;
        _headCount++;
    }

    // Generation-stamped open-addressing set, cleared by bumping _gen.
    private bool DedupAdd(long key)
    {
        int mask = _dedupKeys.Length - 1;
        int i = (int)(Mix((ulong)key) & (ulong)mask);
        while (true)
        {
            if (_dedupGen[i] != _gen)
            {
                _dedupGen[i] = _gen;
                _dedupKeys[i] = key;
                _dedupUsed++;
                if (_dedupUsed * 2 > _dedupKeys.Length) GrowDedup();
                return true;
            }
            if (_dedupKeys[i] == key) return false;
            i = (i + 1) & mask;
        }
    }

    private int _dedupUsed;

    private void NewGeneration()
    {
        if (_gen == int.MaxValue)
        {
            Array.Clear(_dedupGen);
            _gen = 0;
        }
        _gen++;
        _dedupUsed = 0;
    }

    private void GrowDedup()
    {
        var oldKeys = _dedupKeys;
        var oldGen = _dedupGen;
        _dedupKeys = new long[oldKeys.Length * 2];
        _dedupGen = new int[oldKeys.Length * 2];
        int mask = _dedupKeys.Length - 1;
        for (int j = 0; j < oldKeys.Length; j++)
        {
            if (oldGen[j] != _gen) continue;
            int i = (int)(Mix((ulong)oldKeys[j]) & (ulong)mask);
            while (_dedupGen[i] == _gen) i = (i + 1) & mask;
            _dedupGen[i] = _gen;
            _dedupKeys[i] = oldKeys[j];
        }
    }

    private int BeginSet()
    {
        NewGeneration();
        _predGen++;
        int s = _setCount++;
        if (_setCount + 1 >= _setStart.Length)
        {
            int n = _setStart.Length * 2;
            Array.Resize(ref _setStart, n);
            Array.Resize(ref _termStart, n);
            Array.Resize(ref _hash1, n);
            Array.Resize(ref _hash2, n);
            Array.Resize(ref _setAccepting, n);
        }
        _setStart[s] = _poolCount;
        return s;
    }

    private void AddItem(int item, int origin, int set)
    {
        long packed = ((long)origin << 32) | (uint)item;
        if (!DedupAdd(packed ^ unchecked((long)0x5bd1e995_00000000UL))) return;
        if (_poolCount == _pool.Length)
        {
            if (_poolCount >= Limits.MaxParserItems)
            {
                throw new GrammarLimitException(nameof(Limits.MaxParserItems), Limits.MaxParserItems, "Earley items held by one matcher");
            }
            Array.Resize(ref _pool, _pool.Length * 2);
        }
        _pool[_poolCount++] = packed;
    }

    // Closure (predict, complete, nullable advance), then sort by next symbol and hash.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FinishSet(int s)
    {
        var t = _t;
        for (int k = _setStart[s]; k < _poolCount; k++)
        {
            long packed = _pool[k];
            int item = (int)(packed & 0xFFFFFFFF);
            int origin = (int)(packed >> 32);
            int next = t.ItemNext[item];
            if (next == ParserTables.Complete)
            {
                if (origin == s) continue; // nullable completion is handled by the advance below
                int lhsCode = t.TerminalCount + t.ItemLhs[item];
                FindRange(origin, lhsCode, out int lo, out int hi);
                for (int j = lo; j < hi; j++)
                {
                    long w = _pool[j];
                    AddItem((int)(w & 0xFFFFFFFF) + 1, (int)(w >> 32), s);
                }
            }
            else if (next >= t.TerminalCount)
            {
                int nt = next - t.TerminalCount;
                if (nt >= t.NonterminalCount)
                {
                    // An unordered group's state (made on demand, never nullable).
                    if (nt >= _predicted.Length) Array.Resize(ref _predicted, Math.Max(nt + 1, _predicted.Length * 2));
                    if (_predicted[nt] != _predGen)
                    {
                        _predicted[nt] = _predGen;
                        foreach (int first in t.DynamicPredictions(nt)) AddItem(first, s, s);
                    }
                    continue;
                }
                if (_predicted[nt] != _predGen)
                {
                    _predicted[nt] = _predGen;
                    for (int j = t.PredictStart[nt]; j < t.PredictStart[nt + 1]; j++) AddItem(t.PredictItems[j], s, s);
                }
                if (t.Nullable[nt]) AddItem(item + 1, origin, s);
            }
        }
        int start = _setStart[s], count = _poolCount - start;
        SortPoolRange(start, count);
        _setStart[s + 1] = _poolCount;

        // Expected terminals (distinct, ascending) and structural hash.
        _termStart[s] = _termCount;
        ulong h1 = 0, h2 = 0;
        bool accepting = false;
        int lastTerm = -1;
        for (int k = start; k < _poolCount; k++)
        {
            long packed = _pool[k];
            int item = (int)(packed & 0xFFFFFFFF);
            int origin = (int)(packed >> 32);
            int next = t.ItemNext[item];
            if (next >= 0 && next < t.TerminalCount && next != lastTerm)
            {
                if (_termCount == _terms.Length) Array.Resize(ref _terms, _terms.Length * 2);
                _terms[_termCount++] = next;
                lastTerm = next;
            }
            if (item == t.AcceptItem && origin == 0) accepting = true;
            // Completed items never influence later steps (completion looks up items by their next
            // symbol), so they stay out of the hash: otherwise every list element would carry the
            // history of the ones before it and no two contexts would share cache entries.
            if (next == ParserTables.Complete) continue;
            ulong o1 = origin == s ? SelfOrigin1 : _hash1[origin];
            ulong o2 = origin == s ? SelfOrigin2 : _hash2[origin];
            h1 += Mix(((ulong)(uint)item << 32) ^ o1);
            h2 += Mix2(((ulong)(uint)item * 0x100000001B3UL) ^ o2);
        }
        _termStart[s + 1] = _termCount;
        _hash1[s] = h1;
        _hash2[s] = h2;
        _setAccepting[s] = accepting;
    }

    private void SortPoolRange(int start, int count)
    {
        // Sort (next symbol, packed item) pairs of [start, start+count) through scratch arrays.
        if (_sortKeys.Length < count)
        {
            _sortKeys = new int[Math.Max(count, _sortKeys.Length * 2)];
            _sortVals = new long[_sortKeys.Length];
        }
        for (int k = 0; k < count; k++)
        {
            long v = _pool[start + k];
            _sortVals[k] = v;
            _sortKeys[k] = _t.ItemNext[(int)(v & 0xFFFFFFFF)];
        }
        Array.Sort(_sortKeys, _sortVals, 0, count);
        Array.Copy(_sortVals, 0, _pool, start, count);
    }

    // Items of a finished set whose next symbol is `code` occupy [lo, hi).
    private void FindRange(int set, int code, out int lo, out int hi)
    {
        int a = _setStart[set], b = _setStart[set + 1];
        var next = _t.ItemNext;
        // lower bound
        int l = a, r = b;
        while (l < r)
        {
            int m = (l + r) >> 1;
            if (next[(int)(_pool[m] & 0xFFFFFFFF)] < code) l = m + 1; else r = m;
        }
        lo = l;
        r = b;
        while (l < r)
        {
            int m = (l + r) >> 1;
            if (next[(int)(_pool[m] & 0xFFFFFFFF)] <= code) l = m + 1; else r = m;
        }
        hi = l;
    }

    /// <summary>Union of the bytes that keep some current head alive.</summary>
    public Regex.ByteSet NextBytes()
    {
        var set = Regex.ByteSet.Empty;
        for (int h = HeadStart; h < _headCount; h++) set = set.Union(_dfas[_hT[h]].LiveBytes(_hQ[h]));
        return set;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix2(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        x ^= x >> 31;
        return x;
    }
}
