using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>Per-vocabulary cache of terminal automata and their token tables, keyed by pattern.</summary>
internal sealed class TerminalTableCache
{
    public TerminalTableCache(TokenVocabulary vocabulary) => Vocabulary = vocabulary;

    public TokenVocabulary Vocabulary { get; }
}
