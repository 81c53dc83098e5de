using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// A concurrent cache cleared as a whole once <c>capacity</c> additions have been made since the last
/// clear (only sharing is lost). Additions are counted because <see cref="ConcurrentDictionary{TKey,TValue}.Count"/>
/// takes every lock, which made bounded caches a contention point on cold mask paths.
/// </summary>
/// <remarks>
/// Thread-safe. Entries are spread over <see cref="ShardCount"/> dictionaries by hash, created on first use: a
/// dictionary rehashes all its entries when it grows, and one dictionary of 100,000+ entries took 10–30 ms to do
/// that inside a single mask step; a shard holds a sixteenth of them.
/// </remarks>
internal sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private const int ShardCount = 16;

    private ConcurrentDictionary<TKey, TValue>?[] _shards = new ConcurrentDictionary<TKey, TValue>?[ShardCount];
    private int _adds;
    private long _hits;

    /// <summary>Lookups answered from the cache (diagnostics).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var shard = Volatile.Read(ref Volatile.Read(ref _shards)[ShardOf(key)]);
        if (shard is null || !shard.TryGetValue(key, out value))
        {
            value = default;
            return false;
        }
        Interlocked.Increment(ref _hits);
        return true;
    }

    /// <summary>Adds <paramref name="value"/> unless another thread added one first; returns the cached value.</summary>
    public TValue GetOrAdd(TKey key, TValue value)
    {
        if (Interlocked.Increment(ref _adds) >= capacity)
        {
            Volatile.Write(ref _shards, new ConcurrentDictionary<TKey, TValue>?[ShardCount]);
            Interlocked.Exchange(ref _adds, 0);
        }
        var shards = Volatile.Read(ref _shards);
        int i = ShardOf(key);
        var shard = Volatile.Read(ref shards[i]);
        if (shard is null)
        {
            Interlocked.CompareExchange(ref shards[i], new ConcurrentDictionary<TKey, TValue>(), null);
            shard = Volatile.Read(ref shards[i])!;
        }
        return shard.GetOrAdd(key, value);
    }

    // The top bits of a multiplicative mix: the dictionaries use the low bits of the same hash for their buckets.
    private static int ShardOf(TKey key) => (int)(((uint)EqualityComparer<TKey>.Default.GetHashCode(key) * 0x9E3779B1u) >> 28);
}
