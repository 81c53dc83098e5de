using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// Per-vocabulary index of terminal DFA states whose token tables were computed by a full trie walk
/// and are large (dense). A new state of any terminal looks here first: an equivalent state's table
/// is reused as is, and a state that behaves like an indexed one after most first bytes (a "key other
/// than these names" terminal against the generic string, a bounded string against a longer bound)
/// is computed as a small difference from it instead of a fresh walk over the whole vocabulary.
/// </summary>
/// <remarks>Thread-safe. Bounded by <see cref="Limits.MaxSharedStateBases"/> (cleared when full: only sharing is lost).</remarks>
internal sealed class SharedStateTokens
{
    private const int CandidatesPerKey = 4;

    private readonly object _sync = new();
    private readonly Dictionary<RegexNode, StateBase> _byLanguage = new(StructuralComparer.Instance);
    private readonly Dictionary<RegexNode, List<StateBase>> _byDominant = new(StructuralComparer.Instance);
    private int _count;
    private long _languageHits;
    private long _differences;

    /// <summary>States whose table was reused from an indexed state with the same language (diagnostics).</summary>
    public long LanguageHits => Interlocked.Read(ref _languageHits);

    /// <summary>States whose table was computed as a difference from an indexed state (diagnostics).</summary>
    public long Differences => Interlocked.Read(ref _differences);

    public void CountLanguageHit() => Interlocked.Increment(ref _languageHits);

    public void CountDifference() => Interlocked.Increment(ref _differences);

    private long _batchedWalks;

    /// <summary>States whose table came from a trie pass shared with other states (diagnostics; see <c>TerminalTable.ComputeMany</c>).</summary>
    public long BatchedWalks => Interlocked.Read(ref _batchedWalks);

    public void CountBatchedWalks(int states) => Interlocked.Add(ref _batchedWalks, states);

    public SharedStateTokens(TokenTrie trie)
    {
        var nodes = new List<int>();
        var weights = new List<int>();
        for (int i = 1; i < trie.NodeCount; i = trie.SubtreeEnd[i])
        {
            nodes.Add(i);
            weights.Add(trie.TokenStart[trie.SubtreeEnd[i]] - trie.TokenStart[i]);
        }
        RootChildren = [.. nodes];
        RootWeights = [.. weights];
    }

    /// <summary>The trie root's children (one per first byte that some token starts with).</summary>
    public int[] RootChildren { get; }

    /// <summary>Number of tokens below each root child.</summary>
    public int[] RootWeights { get; }

    /// <summary>Indexes a fully walked dense state under its residual language and its dominant successor's (compared by structure).</summary>
    public void Register(StateBase entry)
    {
        lock (_sync)
        {
            if (_count >= Limits.MaxSharedStateBases)
            {
                _byLanguage.Clear();
                _byDominant.Clear();
                _count = 0;
            }
            _byLanguage.TryAdd(entry.Language, entry);
            if (entry.Dominant is { } d) Add(_byDominant, d, entry);
            _count++;
        }
    }

    /// <summary>An indexed state with exactly this residual language, if any.</summary>
    public StateBase? WithLanguage(RegexNode language)
    {
        lock (_sync) return _byLanguage.GetValueOrDefault(language);
    }

    /// <summary>Indexed states whose dominant successor has this residual language.</summary>
    public StateBase[] WithDominant(RegexNode dominant)
    {
        lock (_sync) return _byDominant.TryGetValue(dominant, out var list) ? [.. list] : [];
    }

    private static void Add(Dictionary<RegexNode, List<StateBase>> index, RegexNode key, StateBase entry)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        if (list.Count >= CandidatesPerKey) list.RemoveAt(0);
        list.Add(entry);
    }
}

/// <summary>A state with a dense, fully walked token table.</summary>
/// <param name="Table">The terminal table the state belongs to.</param>
/// <param name="State">The DFA state.</param>
/// <param name="Tokens">Its token data (dense <see cref="StateTokens.Inside"/>).</param>
/// <param name="Language">The state's residual language (a regex derivative, as far as tokens see).</param>
/// <param name="ChildLanguages">Residual language after each root child's byte (null: dead or unknown).</param>
/// <param name="Dominant">The successor language covering the most tokens.</param>
internal sealed record StateBase(TerminalTable Table, int State, StateTokens Tokens, RegexNode Language, RegexNode?[] ChildLanguages, RegexNode? Dominant);
