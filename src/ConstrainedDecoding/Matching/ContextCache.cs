using System.Runtime.CompilerServices;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// The per-grammar cache of context entries: an open-addressing table of keys whose slots index a
/// dense array of entries, in the order they were added. Unlike a dictionary of nodes, a new entry
/// allocates no small heap object, so the cache can grow by tens of thousands of entries without
/// making young garbage collections copy them (which showed up as multi-millisecond pauses in the
/// mask latency tail). Entries hold references and are appended, not hashed: an old table refers to
/// new (young) objects from a few neighbouring places, which young collections scan far faster than
/// references scattered over a large array. The first table is small enough for the small object heap,
/// so a grammar that is dropped soon leaves no large array behind.
/// </summary>
/// <remarks>
/// Reads are lock-free; writes take a lock. An entry and its key are written before the slot that
/// publishes them; growing builds a new table and publishes it, so a reader sees either table whole.
/// </remarks>
internal sealed class ContextCache
{
    private const int InitialCapacity = 1 << 10;

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
            int slot = Volatile.Read(ref t.Slots[i]);
            if (slot == 0)
            {
                entry = default;
                return false;
            }
            if (t.Keys[i] == key)
            {
                entry = t.Values[slot - 1];
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
                Array.Copy(t.Values, bigger.Values, t.Count);
                bigger.Count = t.Count;
                for (int k = 0; k < t.Keys.Length; k++)
                {
                    if (t.Slots[k] != 0) Place(bigger, t.Keys[k], t.Slots[k]);
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
        while (t.Slots[i] != 0)
        {
            if (t.Keys[i] == key) return;
            i = (i + 1) & mask;
        }
        t.Values[t.Count] = entry;
        t.Keys[i] = key;
        Volatile.Write(ref t.Slots[i], t.Count + 1);
        t.Count++;
    }

    // Re-files an entry already in the dense array while growing (the new table is not published yet).
    private static void Place(Table t, in ContextKey key, int slot)
    {
        int mask = t.Keys.Length - 1;
        int i = (int)Hash(key) & mask;
        while (t.Slots[i] != 0) i = (i + 1) & mask;
        t.Keys[i] = key;
        t.Slots[i] = slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(in ContextKey key) =>
        (uint)(key.Hash1 ^ (key.Hash1 >> 32) ^ ((ulong)(uint)key.Terminal * 0x9E3779B1u) ^ ((ulong)(uint)key.State * 0x85EBCA77u));

    // Keys and Slots are the hash table (capacity a power of two); a slot is 0 when free, else 1 + the entry's
    // index in Values. At most half the slots are used, so Values has half their length.
    private sealed class Table(int capacity)
    {
        public readonly ContextKey[] Keys = new ContextKey[capacity];
        public readonly int[] Slots = new int[capacity];
        public readonly ContextEntry[] Values = new ContextEntry[capacity / 2];
        public int Count;
    }
}
