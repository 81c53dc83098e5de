using System.Text.Json;

namespace ConstrainedDecoding.JsonSchema;

/// <summary>Which whitespace the generated JSON may contain between tokens.</summary>
public enum JsonWhitespace
{
    /// <summary>No whitespace at all (<c>{"a":1,"b":[2]}</c>).</summary>
    Compact,
    /// <summary>
    /// The default: after <c>{ [ , :</c> and before <c>} ]</c> either nothing, one space, or a newline followed by
    /// up to <see cref="JsonSchemaOptions.MaxIndent"/> spaces or tabs. Covers Python's default <c>", "</c>/<c>": "</c>
    /// separators and pretty-printed output, while bounding runaway whitespace.
    /// </summary>
    Flexible,
    /// <summary>Any JSON whitespace (space, tab, CR, LF) anywhere between tokens, at most <see cref="JsonSchemaOptions.MaxWhitespace"/> characters in a row.</summary>
    Any,
}

/// <summary>Which JSON Schema draft's keyword set applies.</summary>
public enum JsonSchemaDraft
{
    /// <summary>From the root's <c>$schema</c>; draft 2020-12 when absent or unknown.</summary>
    Auto,
    /// <summary>Draft 4.</summary>
    Draft4,
    /// <summary>Draft 6.</summary>
    Draft6,
    /// <summary>Draft 7.</summary>
    Draft7,
    /// <summary>Draft 2019-09.</summary>
    Draft201909,
    /// <summary>Draft 2020-12.</summary>
    Draft202012,
}

/// <summary>Options of <see cref="JsonSchemaCompiler"/>.</summary>
public sealed record JsonSchemaOptions
{
    /// <summary>Default options: flexible whitespace, spec semantics, fail closed.</summary>
    public static JsonSchemaOptions Default { get; } = new();

    /// <summary>Whitespace between tokens.</summary>
    public JsonWhitespace Whitespace { get; init; } = JsonWhitespace.Flexible;

    /// <summary>Longest indentation after a newline in <see cref="JsonWhitespace.Flexible"/> mode.</summary>
    public int MaxIndent { get; init; } = 32;

    /// <summary>Longest whitespace run in <see cref="JsonWhitespace.Any"/> mode.</summary>
    public int MaxWhitespace { get; init; } = 32;

    /// <summary>Strict mode: objects without <c>additionalProperties</c> allow no other properties.</summary>
    public bool Strict { get; init; }

    /// <summary>The draft; <see cref="JsonSchemaDraft.Auto"/> reads <c>$schema</c>.</summary>
    public JsonSchemaDraft Draft { get; init; } = JsonSchemaDraft.Auto;

    /// <summary>
    /// Lenient mode: a keyword that cannot be enforced exactly is relaxed (dropped or approximated from above) and
    /// reported in <see cref="JsonSchemaCompileResult.Warnings"/> instead of raising <see cref="UnsupportedSchemaException"/>.
    /// </summary>
    public bool Lenient { get; init; }

    /// <summary>Whether <c>format</c> is enforced (true, the default) or treated as an annotation.</summary>
    public bool AssertFormats { get; init; } = true;

    /// <summary>
    /// Resolves remote <c>$ref</c> documents by absolute URI (without fragment); return null when unknown.
    /// Nothing is ever fetched from the network.
    /// </summary>
    public Func<Uri, JsonElement?>? RemoteResolver { get; init; }
}
