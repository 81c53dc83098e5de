namespace ConstrainedDecoding.Bench.Schemas;

/// <summary>Chooses the schema → grammar provider used by <c>--schemas</c> runs.</summary>
internal static class SchemaGrammarProviders
{
    /// <summary>The provider in use. The JSON Schema compiler with default options.</summary>
    public static ISchemaGrammarProvider CreateDefault() => new JsonSchemaGrammarProvider();
}
