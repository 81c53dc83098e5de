using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Parsing;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// A grammar compiled against a vocabulary: parser tables, one shared terminal table per terminal,
/// and a cache of context-dependent token lists keyed by parser state. Immutable from the outside and
/// thread-safe: create any number of <see cref="GrammarMatcher"/>s from it, on any threads.
/// </summary>
public sealed class CompiledGrammar
{
    private readonly ContextCache _contextCache = new();

    internal CompiledGrammar(Grammar grammar, TokenVocabulary vocabulary)
    {
        Grammar = grammar;
        Vocabulary = vocabulary;
        Tables = new ParserTables(grammar);
        var cache = vocabulary.Tables;
        TerminalTables = new TerminalTable[grammar.Terminals.Length];
        Dfas = new LazyDfa[grammar.Terminals.Length];
        // Terminals with one pattern get one table (asking the cache twice would count as a second request); the same
        // map is each pattern's terminal index when no two terminals share a pattern.
        var firstWithPattern = new Dictionary<RegexNode, int>(StructuralComparer.Instance);
        bool patternRepeated = false;
        for (int i = 0; i < TerminalTables.Length; i++)
        {
            var pattern = grammar.Terminals[i].Pattern;
            if (firstWithPattern.TryGetValue(pattern, out int first))
            {
                TerminalTables[i] = TerminalTables[first];
                patternRepeated = true;
            }
            else
            {
                firstWithPattern[pattern] = i;
                TerminalTables[i] = cache.GetOrCreate(pattern);
            }
            Dfas[i] = TerminalTables[i].Dfa;
        }
        TerminalIndexOf = patternRepeated ? null : firstWithPattern;
        var stop = vocabulary.StopTokenIds.Where(id => id < vocabulary.Count).ToArray();
        Array.Sort(stop);
        StopTokenIds = stop;
        Boundaries = new BoundaryTable(this);
    }

    /// <summary>The grammar.</summary>
    public Grammar Grammar { get; }

    /// <summary>The vocabulary.</summary>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>Number of <see cref="uint"/> words a token bitmask needs.</summary>
    public int MaskWordCount => Vocabulary.MaskWordCount;

    /// <summary>Number of cached context-dependent entries (diagnostics).</summary>
    public int ContextCacheCount => _contextCache.Count;

    internal ParserTables Tables { get; }

    internal TerminalTable[] TerminalTables { get; }

    internal LazyDfa[] Dfas { get; }

    /// <summary>Each terminal pattern's terminal index (patterns matched by structure); null when two terminals share a pattern (then boundary tokens are not shared).</summary>
    internal Dictionary<RegexNode, int>? TerminalIndexOf { get; }

    internal int[] StopTokenIds { get; }

    internal BoundaryTable Boundaries { get; }

    /// <summary>A new matcher at the start of the language.</summary>
    public GrammarMatcher CreateMatcher() => new(this);

    internal bool TryGetContext(in ContextKey key, out ContextEntry entry) => _contextCache.TryGet(key, out entry);

    internal void AddContext(in ContextKey key, ContextEntry entry) => _contextCache.Add(key, entry);

    private readonly BoundedCache<DoubleGroupKey, DoubleGroup> _doubleGroups = new(Limits.MaxContextMaskCacheEntries);

    internal bool TryGetDoubleGroup(in DoubleGroupKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DoubleGroup? group) => _doubleGroups.TryGetValue(key, out group);

    internal void AddDoubleGroup(in DoubleGroupKey key, DoubleGroup group) => _doubleGroups.GetOrAdd(key, group);
}

/// <summary>Key of a double-boundary group's tokens: the group (its array and first index) and the structural hash of the Earley set after its terminal.</summary>
internal readonly record struct DoubleGroupKey((int Node, int Terminal)[] Doubles, int Start, ulong Hash1, ulong Hash2);

/// <summary>Tokens a double-boundary group contributes: sorted ids and dense sets.</summary>
internal sealed record DoubleGroup(int[] Ids, TokenSet[] Dense);

/// <summary>Key of a context-dependent token list: a lexer head's terminal and DFA state, and the structural hash of its origin set.</summary>
internal readonly record struct ContextKey(int Terminal, int State, ulong Hash1, ulong Hash2);
