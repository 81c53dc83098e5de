using System.Collections.Concurrent;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// Per-vocabulary cache of terminal tables keyed by the pattern's canonical key, so grammars share them.
/// Bounded by <see cref="Limits.MaxSharedTerminalTables"/>: when full, the least recently used half is
/// dropped (grammars keep the tables they hold), so the tables every grammar uses (strings, numbers,
/// punctuation) stay while one-off terminals of past grammars go.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class TerminalTableCache
{
    private readonly ConcurrentDictionary<string, Entry> _tables = new(StringComparer.Ordinal);
    private readonly object _evictSync = new();
    private long _clock;
    private int _approximateCount;

    public TerminalTableCache(TokenVocabulary vocabulary) => Vocabulary = vocabulary;

    public TokenVocabulary Vocabulary { get; }

    /// <summary>Dense terminal states indexed for reuse across terminals.</summary>
    public SharedStateTokens SharedStates => Volatile.Read(ref _shared) ?? LazyInitializer.EnsureInitialized(ref _shared, () => new SharedStateTokens(Vocabulary.Trie));

    private SharedStateTokens? _shared;

    /// <summary>Boundary tokens shared by grammars whose terminals use the same patterns (cleared when <see cref="Limits.MaxSharedBoundaryEntries"/> additions are reached).</summary>
    public BoundedCache<SharedBoundaryKey, SharedBoundary> Boundaries { get; } = new(Limits.MaxSharedBoundaryEntries);

    public int Count => _tables.Count;

    public TerminalTable GetOrCreate(RegexNode pattern)
    {
        long now = Interlocked.Increment(ref _clock);
        if (_tables.TryGetValue(pattern.Key, out var existing))
        {
            Volatile.Write(ref existing.LastUse, now);
            return existing.Table.Value;
        }
        // ConcurrentDictionary.Count takes every lock: keep an approximate count of additions instead.
        if (Volatile.Read(ref _approximateCount) >= Limits.MaxSharedTerminalTables) EvictOldHalf();
        var entry = _tables.GetOrAdd(pattern.Key, _ =>
        {
            Interlocked.Increment(ref _approximateCount);
            return new Entry(new Lazy<TerminalTable>(() => new TerminalTable(pattern, Vocabulary)));
        });
        Volatile.Write(ref entry.LastUse, now);
        return entry.Table.Value;
    }

    private void EvictOldHalf()
    {
        lock (_evictSync)
        {
            if (Volatile.Read(ref _approximateCount) < Limits.MaxSharedTerminalTables) return;
            var byAge = _tables.ToArray();
            Array.Sort(byAge, (x, y) => Volatile.Read(ref x.Value.LastUse).CompareTo(Volatile.Read(ref y.Value.LastUse)));
            for (int i = 0; i < byAge.Length / 2; i++) _tables.TryRemove(byAge[i]);
            Volatile.Write(ref _approximateCount, _tables.Count);
        }
    }

    private sealed class Entry(Lazy<TerminalTable> table)
    {
        public readonly Lazy<TerminalTable> Table = table;
        public long LastUse;
    }
}
