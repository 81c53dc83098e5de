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
    private readonly byte[] _classOf = new byte[256];
    private readonly int _classCount;
    private readonly object _sync = new();
    private readonly Dictionary<StateKey, int> _index = [];
    private readonly List<int[]> _sets = [];
    private int[] _trans;
    private StateInfo[] _info;
    private int _count;
    // Scratch for closures (guarded by _sync).
    private int[] _mark;
    private int _markGen;

    public LazyDfa(RegexNode pattern)
    {
        _nfa = Nfa.Build(pattern);
        _mark = new int[_nfa.Count];
        // Byte classes: refine the partition by every byte set used on a live edge.
        var cls = new int[256];
        int classes = 1;
        foreach (var set in _nfa.ByteSets)
        {
            var remap = new Dictionary<(int, bool), int>();
            int next = 0;
            for (int b = 0; b < 256; b++)
            {
                var k = (cls[b], set.Contains((byte)b));
                if (!remap.TryGetValue(k, out int id))
                {
                    id = next++;
                    remap[k] = id;
                }
                cls[b] = id;
            }
            classes = next;
        }
        _classCount = classes;
        for (int b = 0; b < 256; b++) _classOf[b] = (byte)cls[b];
        _trans = new int[16 * _classCount];
        _info = new StateInfo[16];
        _sets.Add([]); // id 0 unused
        // Dead state.
        _sets.Add([]);
        _info[Dead] = new StateInfo(false, ByteSet.Empty);
        for (int c = 0; c < _classCount; c++) _trans[Dead * _classCount + c] = Dead;
        _count = 2;
        // Initial state (never accepting, never shared with an equal set reached later).
        var init = Closure([_nfa.Start]);
        _sets.Add(init);
        _info[Initial] = new StateInfo(false, LiveBytes(init));
        _count = 3;
        if (init.Length == 0)
        {
            for (int c = 0; c < _classCount; c++) _trans[Initial * _classCount + c] = Dead;
        }
    }

    /// <summary>The byte class of each byte: bytes of one class step every state alike.</summary>
    public ReadOnlySpan<byte> ByteClasses => _classOf;

    /// <summary>Number of states built so far.</summary>
    public int StateCount => Volatile.Read(ref _count);

    /// <summary>Whether the language is empty apart from ε (the terminal can never match).</summary>
    public bool IsEmptyLanguage => _info[Initial].LiveBytes.IsEmpty;

    /// <summary>Next state on byte <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Step(int state, byte b)
    {
        var t = Volatile.Read(ref _trans);
        int r = t[state * _classCount + _classOf[b]];
        return r != 0 ? r : StepSlow(state, b);
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
    public ByteSet LiveBytes(int state) => Volatile.Read(ref _info)[state].LiveBytes;

    /// <summary>Whether any byte keeps the state alive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CanContinue(int state) => !Volatile.Read(ref _info)[state].LiveBytes.IsEmpty;

    private int StepSlow(int state, byte b)
    {
        lock (_sync)
        {
            int idx = state * _classCount + _classOf[b];
            int existing = _trans[idx];
            if (existing != 0) return existing;
            var set = _sets[state];
            var seeds = new List<int>();
            foreach (int s in set)
            {
                int target = _nfa.ByteTarget[s];
                if (target >= 0 && _nfa.Live[target] && _nfa.ByteSets[_nfa.ByteSetId[s]].Contains(b))
                {
                    seeds.Add(target);
                }
            }
            int result;
            if (seeds.Count == 0)
            {
                result = Dead;
            }
            else
            {
                var closure = Closure(seeds);
                var key = new StateKey(closure);
                if (!_index.TryGetValue(key, out result))
                {
                    result = AddState(closure);
                    _index[key] = result;
                }
            }
            Volatile.Write(ref _trans[idx], result);
            return result;
        }
    }

    private int AddState(int[] closure)
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
            var trans = new int[info.Length * _classCount];
            Array.Copy(_trans, trans, _trans.Length);
            Volatile.Write(ref _info, info);
            Volatile.Write(ref _trans, trans);
        }
        _sets.Add(closure);
        bool accept = Array.BinarySearch(closure, _nfa.Accept) >= 0;
        _info[id] = new StateInfo(accept, LiveBytes(closure));
        Volatile.Write(ref _count, id + 1);
        return id;
    }

    private ByteSet LiveBytes(int[] set)
    {
        var bytes = ByteSet.Empty;
        foreach (int s in set)
        {
            int target = _nfa.ByteTarget[s];
            if (target >= 0 && _nfa.Live[target]) bytes = bytes.Union(_nfa.ByteSets[_nfa.ByteSetId[s]]);
        }
        return bytes;
    }

    // ε-closure restricted to live states; keeps only states with a live byte edge and the accept state.
    private int[] Closure(IEnumerable<int> seeds)
    {
        _markGen++;
        if (_markGen == int.MaxValue)
        {
            Array.Clear(_mark);
            _markGen = 1;
        }
        var stack = new Stack<int>();
        var result = new List<int>();
        foreach (int s in seeds)
        {
            if (_nfa.Live[s] && _mark[s] != _markGen)
            {
                _mark[s] = _markGen;
                stack.Push(s);
            }
        }
        while (stack.Count > 0)
        {
            int s = stack.Pop();
            int bt = _nfa.ByteTarget[s];
            if ((bt >= 0 && _nfa.Live[bt]) || s == _nfa.Accept) result.Add(s);
            int e1 = _nfa.Eps1[s], e2 = _nfa.Eps2[s];
            if (e1 >= 0 && _nfa.Live[e1] && _mark[e1] != _markGen) { _mark[e1] = _markGen; stack.Push(e1); }
            if (e2 >= 0 && _nfa.Live[e2] && _mark[e2] != _markGen) { _mark[e2] = _markGen; stack.Push(e2); }
        }
        var arr = result.ToArray();
        Array.Sort(arr);
        return arr;
    }

    private readonly record struct StateInfo(bool Accept, ByteSet LiveBytes);

    private readonly struct StateKey : IEquatable<StateKey>
    {
        private readonly int[] _items;
        private readonly int _hash;

        public StateKey(int[] items)
        {
            _items = items;
            var h = new HashCode();
            foreach (int i in items) h.Add(i);
            _hash = h.ToHashCode();
        }

        public bool Equals(StateKey other) => _hash == other._hash && _items.AsSpan().SequenceEqual(other._items);

        public override bool Equals(object? obj) => obj is StateKey k && Equals(k);

        public override int GetHashCode() => _hash;
    }
}
