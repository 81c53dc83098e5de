using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Testing.Asap;

/// <summary>A grammar-aligned sampling task: a synthetic model, a grammar over its vocabulary, and a length bound.</summary>
/// <param name="Name">Short name (used in benchmark output).</param>
/// <param name="Vocabulary">The vocabulary (the stop token is its last id).</param>
/// <param name="Grammar">The compiled grammar.</param>
/// <param name="Model">The exact model.</param>
/// <param name="MaxTokens">Most tokens per sample, stop included.</param>
public sealed record AsapTask(string Name, TokenVocabulary Vocabulary, CompiledGrammar Grammar, SyntheticLanguageModel Model, int MaxTokens)
{
    /// <summary>The stop token.</summary>
    public int StopId => Vocabulary.Count - 1;

    /// <summary>The tokens as text, the stop token as <c>⏎</c>.</summary>
    public string Render(IEnumerable<int> tokens) =>
        string.Concat(tokens.Select(t => t == StopId ? "⏎" : System.Text.Encoding.UTF8.GetString(Vocabulary.GetTokenBytes(t))));
}
