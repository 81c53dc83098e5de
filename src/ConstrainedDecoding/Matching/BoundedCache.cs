using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// A concurrent cache cleared as a whole once <c>capacity</c> additions have been made since the last
/// clear (only sharing is lost). Additions are counted because <see cref="ConcurrentDictionary{TKey,TValue}.Count"/>
/// takes every lock, which made bounded caches a contention point on cold mask paths.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new();
    private int _adds;
    private long _hits;

    /// <summary>Lookups answered from the cache (diagnostics).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (!_entries.TryGetValue(key, out value)) return false;
        Interlocked.Increment(ref _hits);
        return true;
    }

    /// <summary>Adds <paramref name="value"/> unless another thread added one first; returns the cached value.</summary>
    public TValue GetOrAdd(TKey key, TValue value)
    {
        if (Interlocked.Increment(ref _adds) >= capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _adds, 0);
        }
        return _entries.GetOrAdd(key, value);
    }
}
