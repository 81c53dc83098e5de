using System.Diagnostics.CodeAnalysis;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Bench.Schemas;

/// <summary>Stand-in until the JSON Schema compiler exists: every schema is a compile error, so the pipeline and summary fields still work.</summary>
internal sealed class UnavailableSchemaGrammarProvider : ISchemaGrammarProvider
{
    public const string Message = "JSON Schema compiler not available yet";

    public string Name => "unavailable";

    public bool TryCreateGrammar(string schemaJson, [NotNullWhen(true)] out Grammar? grammar, [NotNullWhen(false)] out string? error)
    {
        grammar = null;
        error = Message;
        return false;
    }
}
