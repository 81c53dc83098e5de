using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.JsonSchema.Internal;

namespace ConstrainedDecoding.JsonSchema;

/// <summary>
/// Compiles a JSON Schema into a <see cref="Grammar"/> whose language is exactly (fail closed) the JSON texts that
/// validate against it, with the whitespace the options allow. Keywords that cannot be enforced exactly raise
/// <see cref="UnsupportedSchemaException"/> unless <see cref="JsonSchemaOptions.Lenient"/> is set.
/// </summary>
/// <remarks>Thread-safe: every call is an independent compilation.</remarks>
public static class JsonSchemaCompiler
{
    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 256 };

    /// <summary>Compiles schema text.</summary>
    /// <exception cref="UnsupportedSchemaException">A keyword cannot be enforced exactly, or the schema is malformed.</exception>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static JsonSchemaCompileResult Compile(string schemaJson, JsonSchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        using var doc = JsonDocument.Parse(schemaJson, s_documentOptions);
        return Compile(doc.RootElement, options);
    }

    /// <summary>Compiles a parsed schema.</summary>
    /// <exception cref="UnsupportedSchemaException">A keyword cannot be enforced exactly, or the schema is malformed.</exception>
    public static JsonSchemaCompileResult Compile(JsonElement schema, JsonSchemaOptions? options = null)
    {
        var root = schema.Clone();
        try
        {
            return new SchemaCompiler(root, options ?? JsonSchemaOptions.Default).Compile();
        }
        catch (GrammarLimitException e)
        {
            throw new UnsupportedSchemaException(e.LimitName, "", "the schema's grammar exceeds a limit: " + e.Message);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new UnsupportedSchemaException("$ref", "", "the schema nests too deeply");
        }
    }

    /// <summary>Compiles a schema held as a <see cref="JsonNode"/>.</summary>
    /// <exception cref="UnsupportedSchemaException">A keyword cannot be enforced exactly, or the schema is malformed.</exception>
    public static JsonSchemaCompileResult Compile(JsonNode schema, JsonSchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Compile(schema.ToJsonString(), options);
    }

    /// <summary>Compiles the JSON Schema of a .NET type as <see cref="JsonSchemaExporter"/> describes it for the given serializer options.</summary>
    /// <exception cref="UnsupportedSchemaException">The exported schema uses a keyword that cannot be enforced exactly.</exception>
    public static JsonSchemaCompileResult FromType(Type type, JsonSerializerOptions? serializerOptions = null, JsonSchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        var node = (serializerOptions ?? JsonSerializerOptions.Default).GetJsonSchemaAsNode(type);
        return Compile(node, options);
    }

    /// <summary>Compiles the JSON Schema of <typeparamref name="T"/> (see <see cref="FromType(Type, JsonSerializerOptions?, JsonSchemaOptions?)"/>).</summary>
    /// <exception cref="UnsupportedSchemaException">The exported schema uses a keyword that cannot be enforced exactly.</exception>
    public static JsonSchemaCompileResult FromType<T>(JsonSerializerOptions? serializerOptions = null, JsonSchemaOptions? options = null) =>
        FromType(typeof(T), serializerOptions, options);
}
