using System.Collections.Concurrent;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>Per-vocabulary cache of terminal tables keyed by the pattern's canonical key, so grammars share them.</summary>
internal sealed class TerminalTableCache
{
    private readonly ConcurrentDictionary<string, Lazy<TerminalTable>> _tables = new(StringComparer.Ordinal);

    public TerminalTableCache(TokenVocabulary vocabulary) => Vocabulary = vocabulary;

    public TokenVocabulary Vocabulary { get; }

    /// <summary>Dense terminal states indexed for reuse across terminals.</summary>
    public SharedStateTokens SharedStates => LazyInitializer.EnsureInitialized(ref _shared, () => new SharedStateTokens(Vocabulary.Trie));

    private SharedStateTokens? _shared;

    public int Count => _tables.Count;

    public TerminalTable GetOrCreate(RegexNode pattern)
    {
        if (_tables.TryGetValue(pattern.Key, out var existing)) return existing.Value;
        if (_tables.Count >= Limits.MaxSharedTerminalTables) _tables.Clear();
        return _tables.GetOrAdd(pattern.Key, _ => new Lazy<TerminalTable>(() => new TerminalTable(pattern, Vocabulary))).Value;
    }
}
