using System.Runtime.CompilerServices;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// The per-grammar cache of context entries: an open-addressing table of structs in two large
/// arrays. Unlike a dictionary of nodes, a new entry allocates no small heap object, so the cache
/// can grow by tens of thousands of entries without making young garbage collections copy them
/// (which showed up as multi-millisecond pauses in the mask latency tail).
/// </summary>
/// <remarks>
/// Reads are lock-free; writes take a lock. Slots are written once and published by setting their
/// state last; growing builds a new table and publishes it, so a reader sees either table whole.
/// </remarks>
internal sealed class ContextCache
{
    private const int InitialCapacity = 1 << 12;

    private readonly object _sync = new();
    private Table _table = new(InitialCapacity);

    public int Count => Volatile.Read(ref _table).Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(in ContextKey key, out ContextEntry entry)
    {
        var t = Volatile.Read(ref _table);
        int mask = t.Keys.Length - 1;
        int i = (int)Hash(key) & mask;
        while (true)
        {
            if (Volatile.Read(ref t.State[i]) == 0)
            {
                entry = default;
                return false;
            }
            if (t.Keys[i] == key)
            {
                entry = t.Values[i];
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    public void Add(in ContextKey key, in ContextEntry entry)
    {
        lock (_sync)
        {
            var t = _table;
            if (t.Count >= Limits.MaxContextMaskCacheEntries)
            {
                // Bounded: start over rather than grow without limit.
                t = new Table(InitialCapacity);
                Volatile.Write(ref _table, t);
            }
            else if ((t.Count + 1) * 2 > t.Keys.Length)
            {
                var bigger = new Table(t.Keys.Length * 2);
                for (int k = 0; k < t.Keys.Length; k++)
                {
                    if (t.State[k] != 0) Insert(bigger, t.Keys[k], t.Values[k]);
                }
                t = bigger;
                Volatile.Write(ref _table, t);
            }
            Insert(t, key, entry);
        }
    }

    private static void Insert(Table t, in ContextKey key, in ContextEntry entry)
    {
        int mask = t.Keys.Length - 1;
        int i = (int)Hash(key) & mask;
        while (t.State[i] != 0)
        {
            if (t.Keys[i] == key) return;
            i = (i + 1) & mask;
        }
        t.Keys[i] = key;
        t.Values[i] = entry;
        Volatile.Write(ref t.State[i], 1);
        t.Count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(in ContextKey key) =>
        (uint)(key.Hash1 ^ (key.Hash1 >> 32) ^ ((ulong)(uint)key.Terminal * 0x9E3779B1u) ^ ((ulong)(uint)key.State * 0x85EBCA77u));

    private sealed class Table(int capacity)
    {
        public readonly ContextKey[] Keys = new ContextKey[capacity];
        public readonly ContextEntry[] Values = new ContextEntry[capacity];
        public readonly int[] State = new int[capacity];
        public int Count;
    }
}
