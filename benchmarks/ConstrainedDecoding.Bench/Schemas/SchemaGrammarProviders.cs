namespace ConstrainedDecoding.Bench.Schemas;

/// <summary>Chooses the schema → grammar provider used by <c>--schemas</c> runs.</summary>
internal static class SchemaGrammarProviders
{
    /// <summary>The provider in use. Replace the body when the JSON Schema compiler lands.</summary>
    public static ISchemaGrammarProvider CreateDefault() => new UnavailableSchemaGrammarProvider();
}
