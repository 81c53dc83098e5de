using System.Collections.Concurrent;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// Per-vocabulary cache of terminal tables keyed by the pattern's structure (<see cref="StructuralComparer"/>: no key
/// string is built for the nodes of a pattern), so grammars share them.
/// A pattern is kept from its second request on: the first gets a table of its own, which lives and dies with
/// its grammar. Most patterns of a schema are its own (its literals, its bounds), and keeping every one until
/// eviction made each table, and every state computed in it, outlive its grammar and be copied by the young
/// collections of the grammars compiled after it. Bounded by <see cref="Limits.MaxSharedTerminalTables"/>: when
/// full, the least recently used half is dropped (grammars keep the tables they hold), so the tables every
/// grammar uses (strings, numbers, punctuation) stay while terminals of past grammars go.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class TerminalTableCache
{
    private readonly ConcurrentDictionary<RegexNode, Entry> _tables = new(StructuralComparer.Instance);
    private readonly object _evictSync = new();
    private long _clock;
    private int _approximateCount;
    // Hashes of patterns requested once, one per slot (0: empty); see Limits.SharedTerminalTableCandidates.
    private readonly ulong[] _candidates = new ulong[Limits.SharedTerminalTableCandidates];

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
        if (_tables.TryGetValue(pattern, out var existing))
        {
            Volatile.Write(ref existing.LastUse, now);
            return existing.Table.Value;
        }
        if (!Admit(pattern)) return new TerminalTable(pattern, Vocabulary);
        // ConcurrentDictionary.Count takes every lock: keep an approximate count of additions instead.
        if (Volatile.Read(ref _approximateCount) >= Limits.MaxSharedTerminalTables) EvictOldHalf();
        var entry = _tables.GetOrAdd(pattern, _ =>
        {
            Interlocked.Increment(ref _approximateCount);
            return new Entry(new Lazy<TerminalTable>(() => new TerminalTable(pattern, Vocabulary)));
        });
        Volatile.Write(ref entry.LastUse, now);
        return entry.Table.Value;
    }

    // Whether the pattern was requested before (its hash still in its slot): then it is kept for sharing; otherwise its
    // hash takes the slot. Two patterns with one hash only mean one is kept a request early.
    private bool Admit(RegexNode pattern)
    {
        ulong h = ((ulong)(uint)StructuralComparer.Instance.GetHashCode(pattern) << 1) | 1;
        ref ulong slot = ref _candidates[(int)(h % (ulong)_candidates.Length)];
        if (Interlocked.CompareExchange(ref slot, 0, h) == h) return true;
        Volatile.Write(ref slot, h);
        return false;
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
