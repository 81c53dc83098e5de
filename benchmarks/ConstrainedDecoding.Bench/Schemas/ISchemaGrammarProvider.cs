using System.Diagnostics.CodeAnalysis;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Bench.Schemas;

/// <summary>Turns a JSON Schema into a <see cref="Grammar"/> for <c>--schemas</c> runs. The JSON Schema compiler plugs in here.</summary>
/// <remarks>The time of <see cref="TryCreateGrammar"/> counts as compile time (and so into time-to-first-mask).</remarks>
internal interface ISchemaGrammarProvider
{
    /// <summary>Name reported in the summary (<c>schema_compiler</c>).</summary>
    string Name { get; }

    /// <summary>Builds the grammar of a schema.</summary>
    /// <param name="schemaJson">The schema's raw JSON text.</param>
    /// <param name="grammar">The grammar, when it could be built.</param>
    /// <param name="error">Why not (unsupported keyword, malformed schema…), reported as a compile error.</param>
    /// <returns>Whether a grammar was built.</returns>
    bool TryCreateGrammar(string schemaJson, [NotNullWhen(true)] out Grammar? grammar, [NotNullWhen(false)] out string? error);
}
