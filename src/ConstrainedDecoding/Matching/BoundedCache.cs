using System.Diagnostics.CodeAnalysis;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// A concurrent cache cleared as a whole once <c>capacity</c> additions have been made since the last
/// clear (only sharing is lost). Additions are counted because counting entries would take every lock,
/// which made bounded caches a contention point on cold mask paths.
/// </summary>
/// <remarks>
/// Thread-safe. Entries are spread over <see cref="ShardCount"/> dictionaries by hash, created on first use, each
/// behind its own lock: a dictionary rehashes all its entries when it grows, and one dictionary of 100,000+ entries
/// took 10–30 ms to do that inside a single mask step; a shard holds a sixteenth of them. Plain dictionaries keep
/// an entry inline in their entry array, where a <c>ConcurrentDictionary</c> allocates a node object per entry:
/// these caches are filled by cold mask steps and their entries survive, so every object per entry is one more for
/// the young collections that run during such steps to copy (the shared boundary cache alone takes ~16,000
/// entries a second in a JSONSchemaBench run). Every use is on a cold path, where an uncontended lock is cheap.
/// </remarks>
internal sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private const int ShardCount = 16;

    private Shard?[] _shards = new Shard?[ShardCount];
    private int _adds;
    private long _hits;

    /// <summary>Lookups answered from the cache (diagnostics).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var shard = Volatile.Read(ref Volatile.Read(ref _shards)[ShardOf(key)]);
        if (shard is null)
        {
            value = default;
            return false;
        }
        bool found;
        lock (shard.Sync) found = shard.Map.TryGetValue(key, out value);
        if (found) Interlocked.Increment(ref _hits);
        return found;
    }

    /// <summary>Adds <paramref name="value"/> unless another thread added one first; returns the cached value.</summary>
    public TValue GetOrAdd(TKey key, TValue value)
    {
        if (Interlocked.Increment(ref _adds) >= capacity)
        {
            Volatile.Write(ref _shards, new Shard?[ShardCount]);
            Interlocked.Exchange(ref _adds, 0);
        }
        var shards = Volatile.Read(ref _shards);
        int i = ShardOf(key);
        var shard = Volatile.Read(ref shards[i]);
        if (shard is null)
        {
            Interlocked.CompareExchange(ref shards[i], new Shard(), null);
            shard = Volatile.Read(ref shards[i])!;
        }
        lock (shard.Sync)
        {
            if (shard.Map.TryGetValue(key, out var existing)) return existing;
            shard.Map.Add(key, value);
            return value;
        }
    }

    // The top bits of a multiplicative mix: the dictionaries use the low bits of the same hash for their buckets.
    private static int ShardOf(TKey key) => (int)(((uint)EqualityComparer<TKey>.Default.GetHashCode(key) * 0x9E3779B1u) >> 28);

    private sealed class Shard
    {
        public readonly object Sync = new();
        public readonly Dictionary<TKey, TValue> Map = [];
    }
}
