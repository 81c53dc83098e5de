using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.JsonSchema;

namespace ConstrainedDecoding.Bench.Schemas;

/// <summary>The JSON Schema compiler with default options (flexible whitespace, fail closed).</summary>
internal sealed class JsonSchemaGrammarProvider(JsonSchemaOptions? options = null) : ISchemaGrammarProvider
{
    private readonly JsonSchemaOptions _options = options ?? JsonSchemaOptions.Default;

    public string Name => "ConstrainedDecoding.JsonSchema";

    public bool TryCreateGrammar(string schemaJson, [NotNullWhen(true)] out Grammar? grammar, [NotNullWhen(false)] out string? error)
    {
        try
        {
            grammar = JsonSchemaCompiler.Compile(schemaJson, _options).Grammar;
            error = null;
            return true;
        }
        catch (Exception e) when (e is UnsupportedSchemaException or JsonException or GrammarDefinitionException or GrammarLimitException)
        {
            grammar = null;
            error = e is UnsupportedSchemaException u ? $"unsupported {u.Keyword}: {u.Reason}" : e.GetType().Name + ": " + e.Message;
            return false;
        }
    }
}
