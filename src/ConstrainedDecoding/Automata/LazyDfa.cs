using System.Runtime.CompilerServices;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Automata;

/// <summary>
/// A byte DFA for one terminal, built lazily by subset construction over a trimmed <see cref="Nfa"/>.
/// State ids are small ints: <see cref="Dead"/> = 1, <see cref="Initial"/> = 2; a transition entry of
/// 0 means "not computed yet". Transitions are indexed <c>state * classCount + byteClass</c>.
/// Every state other than <see cref="Dead"/> can still reach an accepting state (the NFA is trimmed),
/// so "not dead" means "viable prefix". The initial state is never accepting: terminals are non-empty.
/// </summary>
/// <remarks>Thread-safe: lookups are lock-free; computing a missing transition takes a lock.</remarks>
internal sealed class LazyDfa
{
    public const int Dead = 1;
    public const int Initial = 2;

    private readonly Nfa _nfa;
    private readonly DerivativeAutomaton? _derivatives;
    private readonly byte[] _classOf = new byte[256];
    private readonly int _classCount;
    private readonly object _sync = new();
    // Transition rows (0: not computed yet), 16-bit while every state id fits (most automata: half the bytes the
    // young collections copy when cold steps add states), 32-bit once an automaton may pass 65,535 states. Exactly one
    // is set; readers take _narrow first (it is cleared after _wide is published).
    private ushort[]? _narrow;
    private int[]? _wide;

    /// <summary>Most states a 16-bit transition table can name.</summary>
    private const int NarrowStates = ushort.MaxValue + 1;
    private StateInfo[] _info;
    // Distinct live-byte sets of the states (index 0: empty), published before the states that use them; the
    // index is under _sync. At most one set per state, so bounded by Limits.MaxDfaStates.
    private const int EmptyLiveSet = 0;
    private ByteSet[] _liveSets;
    // The sets by hash (under _sync): open addressing over a power-of-two table of set index + 1 (0: empty), at most
    // half full. Many automata have a set for nearly every state (a key other than some names: one per place in the
    // names), and a dictionary cost 48 bytes a set next to the 32 of the set itself.
    private int[] _liveSetTable = new int[16];
    private int _liveSetCount;
    // Per state, under _sync: the state it was first reached from and the byte (parent << 8 | byte; Limits.MaxDfaStates
    // keeps parent ids below 2^23), and for NFA subset states where its subset lies, its hash and the next state in
    // its bucket (derivative states have no subset: 4 bytes a state instead of 28).
    private int[] _parents;
    private SubsetData[]? _data;
    // The NFA subsets of all states, packed one after another into a few chunks (an array per state was one more
    // object per state for young collections to copy, and a key per state in a dictionary of references).
    private readonly List<int[]> _setChunks = [];
    private int _chunkUsed;
    private const int MaxSetChunkLength = 16_384; // 64 KB: below the large object threshold
    private int _count;
    // Scratch for closures (guarded by _sync). Up to SharedScratchStates NFA states it is per thread and shared by
    // every automaton (a closure is computed start to end under one automaton's lock, and nothing else runs on the
    // thread meanwhile): three NFA-sized arrays per automaton were a large part of what cached terminal tables kept
    // alive. Marks are generations that only grow on a thread, so a mark left by another automaton never equals the
    // current one. Larger NFAs keep arrays of their own (with their own generations), as a thread should not hold
    // the largest ever seen.
    private const int SharedScratchStates = 1 << 16;
    [ThreadStatic] private static int[]? t_mark;
    [ThreadStatic] private static int t_markGen;
    [ThreadStatic] private static int[]? t_stack;
    [ThreadStatic] private static int[]? t_closure;
    private int[]? _ownMark, _ownStack, _ownClosure;
    private int _ownGen;
    private int[] _mark = [];
    private int _markGen;
    private int[] _stack = [];
    private int _stackTop;
    private int[] _closure = [];
    private int _closureLength;
    // States by subset hash (under _sync): a power-of-two table of the newest state in each bucket, older ones
    // following SubsetData.NextInBucket, each state keeping its hash. Grown at one state per bucket. (A dictionary of
    // hashes cost 28 bytes a state and more objects for the young collections to copy; this costs 4 to 8.)
    private int[] _buckets = [];
    private readonly ulong _subsetHashMask;

    /// <summary>Builds the automaton of <paramref name="pattern"/>.</summary>
    /// <param name="pattern">The terminal's regex.</param>
    /// <param name="useDerivatives">Force derivative states (true) or NFA subsets (false); null picks by the NFA's size.</param>
    public LazyDfa(RegexNode pattern, bool? useDerivatives = null)
        : this(pattern, useDerivatives, ulong.MaxValue)
    {
    }

    /// <param name="pattern">The terminal's regex.</param>
    /// <param name="useDerivatives">Force derivative states (true) or NFA subsets (false); null picks by the NFA's size.</param>
    /// <param name="subsetHashMask">Bits of the subset hash that index states (tests narrow it to make subsets share hashes).</param>
    internal LazyDfa(RegexNode pattern, bool? useDerivatives, ulong subsetHashMask)
    {
        _subsetHashMask = subsetHashMask;
        IReadOnlyList<ByteSet> byteSets;
        bool prefer = DerivativeAutomaton.Prefer(pattern, out var patternSets, useDerivatives == true);
        if (useDerivatives ?? prefer)
        {
            // Patterns whose Thompson NFA would be huge (large bounded repeats, big unions that
            // repeat a large piece) get their states as regex derivatives instead: nothing is built
            // up front, and each state costs only what its derivative costs.
            _derivatives = new DerivativeAutomaton(pattern);
            _nfa = null!;
            byteSets = patternSets;
        }
        else
        {
            _nfa = Nfa.Build(pattern);
            byteSets = _nfa.ByteSets;
        }
        // Byte classes: refine the partition by every byte set of the pattern (distinct sets).
        // Each pass splits class c into (c, in set) and (c, not in set).
        var cls = new int[256];
        int classes = 1;
        var remap = new int[512];
        foreach (var set in byteSets)
        {
            Array.Fill(remap, -1, 0, classes * 2);
            int next = 0;
            for (int b = 0; b < 256; b++)
            {
                int k = cls[b] * 2 + (set.Contains((byte)b) ? 1 : 0);
                int id = remap[k];
                if (id < 0) remap[k] = id = next++;
                cls[b] = id;
            }
            classes = next;
            if (classes == 256) break;
        }
        _classCount = classes;
        for (int b = 0; b < 256; b++) _classOf[b] = (byte)cls[b];
        _narrow = new ushort[16 * _classCount];
        _info = new StateInfo[16];
        _parents = new int[16];
        _data = _derivatives is null ? new SubsetData[16] : null;
        // Dead state (id 0 unused).
        _liveSets = new ByteSet[8];
        _liveSets[EmptyLiveSet] = ByteSet.Empty;
        _liveSetCount = 1;
        PlaceLiveSet(EmptyLiveSet);
        _info[Dead] = new StateInfo(false, EmptyLiveSet);
        for (int c = 0; c < _classCount; c++) _narrow[Dead * _classCount + c] = Dead;
        _count = 2;
        // Initial state (never accepting, never shared with an equal set reached later).
        if (_derivatives is not null)
        {
            var first = RegexNode.LeadBytes(pattern);
            _info[Initial] = new StateInfo(false, LiveSetId(first));
            _count = 3;
            if (first.IsEmpty)
            {
                for (int c = 0; c < _classCount; c++) _narrow[Initial * _classCount + c] = Dead;
            }
            return;
        }
        var init = Closure([_nfa.Start]);
        _data![Initial] = StoreSet(init);
        _info[Initial] = new StateInfo(false, LiveSetId(LiveBytes(init)));
        _count = 3;
        if (init.Length == 0)
        {
            for (int c = 0; c < _classCount; c++) _narrow[Initial * _classCount + c] = Dead;
        }
    }

    /// <summary>
    /// The state and byte through which <paramref name="state"/> was first reached, so that a byte
    /// path from <see cref="Initial"/> to any state can be rebuilt. False for <see cref="Initial"/> and <see cref="Dead"/>.
    /// </summary>
    public bool TryGetParent(int state, out int parent, out byte viaByte)
    {
        lock (_sync)
        {
            if (state <= Initial || state >= _count)
            {
                parent = 0;
                viaByte = 0;
                return false;
            }
            parent = _parents[state] >> 8;
            viaByte = (byte)_parents[state];
            return true;
        }
    }

    /// <summary>The state's residual language as a regex, when states are built as derivatives (else null).</summary>
    public RegexNode? DerivativeOf(int state)
    {
        if (_derivatives is null) return null;
        lock (_sync) return _derivatives.NodeOf(state);
    }

    /// <summary>Number of byte classes (bytes that no edge of the automaton tells apart share a class).</summary>
    public int ClassCount => _classCount;

    /// <summary>The class of every byte value.</summary>
    public ReadOnlySpan<byte> ByteClasses => _classOf;

    /// <summary>Number of states built so far.</summary>
    public int StateCount => Volatile.Read(ref _count);

    /// <summary>Whether the language is empty apart from ε (the terminal can never match).</summary>
    public bool IsEmptyLanguage => _info[Initial].LiveSet == EmptyLiveSet;

    /// <summary>Next state on byte <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Step(int state, byte b)
    {
        int r = TransitionAt(state * _classCount + _classOf[b]);
        return r != 0 ? r : StepSlow(state, b);
    }

    // The transition at a row-major index, 0 when not computed yet (from whichever table is current).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TransitionAt(int idx)
    {
        var narrow = Volatile.Read(ref _narrow);
        return narrow is not null ? narrow[idx] : Volatile.Read(ref _wide)![idx];
    }

    /// <summary>
    /// A reader for long runs of steps (trie walks): holds the automaton's current tables so that a step is one
    /// lookup, and takes them again after a step that had to build a state. Not shared between threads; the automaton
    /// stays thread-safe (a table another thread replaced meanwhile still answers every transition it had, and a
    /// missing one goes through the locked path).
    /// </summary>
    internal struct Stepper
    {
        private readonly LazyDfa _dfa;
        private readonly byte[] _classOf;
        private readonly int _classCount;
        private ushort[]? _narrow;
        private int[]? _wide;
        private StateInfo[] _info;

        public Stepper(LazyDfa dfa)
        {
            _dfa = dfa;
            _classOf = dfa._classOf;
            _classCount = dfa._classCount;
            _narrow = null;
            _wide = null;
            _info = null!;
            Refresh();
        }

        private void Refresh()
        {
            // The automaton publishes the 32-bit table before clearing the 16-bit one.
            _narrow = Volatile.Read(ref _dfa._narrow);
            _wide = _narrow is null ? Volatile.Read(ref _dfa._wide) : null;
            _info = Volatile.Read(ref _dfa._info);
        }

        /// <summary>Next state on byte <paramref name="b"/>, as <see cref="LazyDfa.Step"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Step(int state, byte b)
        {
            // The state's row is in the tables held: a state is added (rows grown) before any transition names it, and
            // a table replaced later only gains rows.
            int idx = state * _classCount + _classOf[b];
            int r = _narrow is { } narrow ? narrow[idx] : _wide![idx];
            return r != 0 ? r : StepSlow(state, b);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private int StepSlow(int state, byte b)
        {
            int r = _dfa.Step(state, b);
            Refresh();
            return r;
        }

        /// <summary>Whether the state accepts, as <see cref="LazyDfa.IsAccepting"/>.</summary>
        /// <remarks>The state information held is at least as new as the transitions held (the automaton replaces it first).</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool IsAccepting(int state) => _info[state].Accept;
    }

    /// <summary>Runs the DFA over <paramref name="bytes"/>; returns <see cref="Dead"/> as soon as it dies.</summary>
    public int Run(int state, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            state = Step(state, b);
            if (state == Dead) return Dead;
        }
        return state;
    }

    /// <summary>Whether the state accepts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsAccepting(int state) => Volatile.Read(ref _info)[state].Accept;

    /// <summary>Bytes that keep the state alive.</summary>
    public ByteSet LiveBytes(int state)
    {
        int id = Volatile.Read(ref _info)[state].LiveSet;
        return Volatile.Read(ref _liveSets)[id];
    }

    /// <summary>Number of distinct live-byte sets of the states built so far (the empty set included).</summary>
    internal int LiveSetCount
    {
        get
        {
            lock (_sync) return _liveSetCount;
        }
    }

    /// <summary>Whether any byte keeps the state alive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CanContinue(int state) => Volatile.Read(ref _info)[state].LiveSet != EmptyLiveSet;

    private int StepSlow(int state, byte b)
    {
        lock (_sync)
        {
            int idx = state * _classCount + _classOf[b];
            int existing = TransitionAt(idx);
            if (existing != 0) return existing;
            if (_derivatives is not null)
            {
                int next = _derivatives.Step(state, b, out var node);
                if (next == 0)
                {
                    next = AddState([], state, b, node!.IsNullable, RegexNode.LeadBytes(node));
                    _derivatives.Add(next, node);
                }
                PublishTransition(idx, next);
                return next;
            }
            // Seeds straight onto the closure stack; the closure is built in scratch arrays and only
            // copied out when it is a new state.
            BeginClosure();
            foreach (int s in SetOf(state))
            {
                int target = _nfa.ByteTarget(s);
                if (target >= 0 && _nfa.Live[target] && _nfa.ByteSets[_nfa.ByteSetId(s)].Contains(b)) Seed(target);
            }
            int length = FinishClosure();
            int result;
            if (length == 0)
            {
                result = Dead;
            }
            else
            {
                var closure = _closure.AsSpan(0, length);
                ulong h = SpanHash.Of(closure) & _subsetHashMask;
                uint folded = (uint)(h ^ (h >> 32));
                result = FindSubset(closure, folded);
                if (result == 0)
                {
                    result = AddState(closure, state, b, closure.BinarySearch(_nfa.Accept) >= 0, LiveBytes(closure));
                    _data![result].Hash = folded;
                    IndexSubset(result);
                }
            }
            PublishTransition(idx, result);
            return result;
        }
    }


    // Under _sync: the state whose subset is `set` (with folded hash h), or 0.
    private int FindSubset(ReadOnlySpan<int> set, uint h)
    {
        if (_buckets.Length == 0) return 0;
        var data = _data!;
        for (int s = _buckets[Bucket(h)]; s != 0; s = data[s].NextInBucket)
        {
            if (data[s].Hash == h && SetOf(s).SequenceEqual(set)) return s;
        }
        return 0;
    }

    // Under _sync: adds a new subset state to the hash table, growing it (and re-chaining every indexed state) when
    // the states outnumber the buckets.
    private void IndexSubset(int state)
    {
        int indexed = state - Initial; // subset states after the initial one, this one included
        if (indexed > _buckets.Length)
        {
            _buckets = new int[Math.Max(16, _buckets.Length * 2)];
            for (int s = Initial + 1; s < state; s++) Chain(s);
        }
        Chain(state);
    }

    private void Chain(int state)
    {
        ref int head = ref _buckets[Bucket(_data![state].Hash)];
        _data[state].NextInBucket = head;
        head = state;
    }

    private int Bucket(uint h) => (int)(h & (uint)(_buckets.Length - 1));

    // Under _sync (or in the constructor): the index of a live-byte set, added when new. The array is published
    // before any state that uses a new index, so a reader that sees the state sees the set.
    private int LiveSetId(ByteSet set)
    {
        int mask = _liveSetTable.Length - 1;
        int slot = set.GetHashCode() & mask;
        while (_liveSetTable[slot] != 0)
        {
            int known = _liveSetTable[slot] - 1;
            if (_liveSets[known] == set) return known;
            slot = (slot + 1) & mask;
        }
        int id = _liveSetCount;
        if (id == _liveSets.Length)
        {
            var bigger = new ByteSet[id * 2];
            Array.Copy(_liveSets, bigger, id);
            Volatile.Write(ref _liveSets, bigger);
        }
        _liveSets[id] = set;
        _liveSetCount = id + 1;
        if (_liveSetCount * 2 > _liveSetTable.Length)
        {
            _liveSetTable = new int[_liveSetTable.Length * 2];
            for (int i = 0; i < _liveSetCount; i++) PlaceLiveSet(i);
        }
        else
        {
            _liveSetTable[slot] = id + 1;
        }
        return id;
    }

    private void PlaceLiveSet(int id)
    {
        int mask = _liveSetTable.Length - 1;
        int slot = _liveSets[id].GetHashCode() & mask;
        while (_liveSetTable[slot] != 0) slot = (slot + 1) & mask;
        _liveSetTable[slot] = id + 1;
    }

    // Under _sync: writes a computed transition where readers look for it.
    private void PublishTransition(int idx, int target)
    {
        if (_narrow is { } narrow) Volatile.Write(ref narrow[idx], (ushort)target);
        else Volatile.Write(ref _wide![idx], target);
    }

    private int AddState(ReadOnlySpan<int> closure, int parent, byte viaByte, bool accept, ByteSet liveBytes)
    {
        if (_count >= Limits.MaxDfaStates)
        {
            throw new GrammarLimitException(nameof(Limits.MaxDfaStates), Limits.MaxDfaStates, "Terminal automaton size (DFA states)");
        }
        int id = _count;
        if (id >= _info.Length)
        {
            var info = new StateInfo[_info.Length * 2];
            Array.Copy(_info, info, _info.Length);
            Array.Resize(ref _parents, info.Length);
            if (_data is not null) Array.Resize(ref _data, info.Length);
            Volatile.Write(ref _info, info);
            if (_narrow is { } narrow && info.Length <= NarrowStates)
            {
                var grown = new ushort[info.Length * _classCount];
                Array.Copy(narrow, grown, narrow.Length);
                Volatile.Write(ref _narrow, grown);
            }
            else
            {
                var grown = new int[info.Length * _classCount];
                if (_narrow is { } old)
                {
                    for (int i = 0; i < old.Length; i++) grown[i] = old[i];
                }
                else
                {
                    Array.Copy(_wide!, grown, _wide!.Length);
                }
                Volatile.Write(ref _wide, grown);
                Volatile.Write(ref _narrow, null);
            }
        }
        _parents[id] = parent << 8 | viaByte;
        if (_data is not null) _data[id] = StoreSet(closure);
        _info[id] = new StateInfo(accept, LiveSetId(liveBytes));
        Volatile.Write(ref _count, id + 1);
        return id;
    }

    // Under _sync: appends a subset to the chunks (a subset longer than a chunk gets one of its own).
    private SubsetData StoreSet(ReadOnlySpan<int> set)
    {
        if (set.IsEmpty) return default;
        int[]? last = _setChunks.Count > 0 ? _setChunks[^1] : null;
        if (last is null || last.Length - _chunkUsed < set.Length)
        {
            int size = Math.Max(set.Length, Math.Min(MaxSetChunkLength, Math.Max(64, (last?.Length ?? 0) * 2)));
            last = new int[size];
            _setChunks.Add(last);
            _chunkUsed = 0;
        }
        set.CopyTo(last.AsSpan(_chunkUsed));
        var data = new SubsetData { Chunk = _setChunks.Count - 1, Offset = _chunkUsed, Length = set.Length };
        _chunkUsed += set.Length;
        return data;
    }

    // Under _sync: the NFA subset of a state (empty for Dead and for derivative states).
    private ReadOnlySpan<int> SetOf(int state)
    {
        ref readonly var d = ref _data![state];
        return d.Length == 0 ? [] : _setChunks[d.Chunk].AsSpan(d.Offset, d.Length);
    }

    private ByteSet LiveBytes(ReadOnlySpan<int> set)
    {
        var bytes = ByteSet.Empty;
        foreach (int s in set)
        {
            int target = _nfa.ByteTarget(s);
            if (target >= 0 && _nfa.Live[target]) bytes = bytes.Union(_nfa.ByteSets[_nfa.ByteSetId(s)]);
        }
        return bytes;
    }

    // ε-closure restricted to live states; keeps only states with a live byte edge and the accept state.
    // Scratch-based (guarded by _sync): BeginClosure, Seed each start state, FinishClosure sorts the
    // result into _closure and returns its length.
    private void BeginClosure()
    {
        int n = _nfa.Count;
        if (n <= SharedScratchStates)
        {
            if (t_mark is null || t_mark.Length < n)
            {
                int size = Math.Min(Math.Max(n, (t_mark?.Length ?? 0) * 2), SharedScratchStates);
                t_mark = new int[size];
                t_stack = new int[size];
                t_closure = new int[size];
            }
            _mark = t_mark;
            _stack = t_stack!;
            _closure = t_closure!;
            if (++t_markGen == int.MaxValue)
            {
                Array.Clear(t_mark);
                t_markGen = 1;
            }
            _markGen = t_markGen;
        }
        else
        {
            _mark = _ownMark ??= new int[n];
            _stack = _ownStack ??= new int[n];
            _closure = _ownClosure ??= new int[n];
            if (++_ownGen == int.MaxValue)
            {
                Array.Clear(_ownMark);
                _ownGen = 1;
            }
            _markGen = _ownGen;
        }
        _stackTop = 0;
        _closureLength = 0;
    }

    private void Seed(int s)
    {
        if (_nfa.Live[s] && _mark[s] != _markGen)
        {
            _mark[s] = _markGen;
            _stack[_stackTop++] = s;
        }
    }

    private int FinishClosure()
    {
        var nfa = _nfa;
        while (_stackTop > 0)
        {
            int s = _stack[--_stackTop];
            int bt = nfa.ByteTarget(s);
            if ((bt >= 0 && nfa.Live[bt]) || s == nfa.Accept) _closure[_closureLength++] = s;
            int e1 = nfa.Eps1(s), e2 = nfa.Eps2(s);
            if (e1 >= 0) Seed(e1);
            if (e2 >= 0) Seed(e2);
        }
        _closure.AsSpan(0, _closureLength).Sort();
        return _closureLength;
    }

    private int[] Closure(IEnumerable<int> seeds)
    {
        BeginClosure();
        foreach (int s in seeds) Seed(s);
        return _closure.AsSpan(0, FinishClosure()).ToArray();
    }

    // 8 bytes: the live-byte set is an index into the automaton's distinct sets (few: a 32-byte set per state was
    // most of what the state table held, and young collections copied it for every new state).
    private readonly record struct StateInfo(bool Accept, int LiveSet);

    private struct SubsetData
    {
        public uint Hash; // of the subset (folded to 32 bits: only a filter before comparing subsets)
        public int Chunk;
        public int Offset;
        public int Length;
        public int NextInBucket;
    }
}
