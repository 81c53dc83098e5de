using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.JsonSchema;

/// <summary>A keyword relaxed in lenient mode.</summary>
/// <param name="Keyword">The keyword.</param>
/// <param name="JsonPointer">Pointer of the schema object holding it.</param>
/// <param name="Message">What was relaxed and how.</param>
public sealed record JsonSchemaWarning(string Keyword, string JsonPointer, string Message);

/// <summary>The grammar of a schema and the relaxations made (lenient mode only; empty otherwise).</summary>
/// <param name="Grammar">The grammar whose language is the JSON texts valid under the schema.</param>
/// <param name="Warnings">Each relaxation made in lenient mode.</param>
public sealed record JsonSchemaCompileResult(Grammar Grammar, IReadOnlyList<JsonSchemaWarning> Warnings);
