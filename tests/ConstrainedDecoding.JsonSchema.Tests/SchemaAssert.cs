using ConstrainedDecoding.JsonSchema;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.JsonSchema.Tests;

/// <summary>Compiles schemas against the one-token-per-byte vocabulary and checks documents byte by byte.</summary>
internal static class SchemaAssert
{
    private static readonly TokenVocabulary s_vocab = FakeVocabularies.Bytes();
    private static readonly GrammarCompiler s_compiler = new(s_vocab);

    public static CompiledGrammar Compile(string schema, JsonSchemaOptions? options = null) =>
        s_compiler.Compile(JsonSchemaCompiler.Compile(schema, options).Grammar);

    /// <summary>Whether the whole document is accepted and may end there.</summary>
    public static bool Accepts(CompiledGrammar grammar, string document)
    {
        var m = new GrammarMatcher(grammar);
        return m.TryAcceptString(document) && m.IsTokenAllowed(FakeVocabularies.StopId(s_vocab));
    }

    public static void Valid(string schema, params string[] documents) => Valid(schema, null, documents);

    public static void Valid(string schema, JsonSchemaOptions? options, params string[] documents)
    {
        var g = Compile(schema, options);
        foreach (var d in documents) Assert.True(Accepts(g, d), $"schema {schema} should accept {d}");
    }

    public static void Invalid(string schema, params string[] documents) => Invalid(schema, null, documents);

    public static void Invalid(string schema, JsonSchemaOptions? options, params string[] documents)
    {
        var g = Compile(schema, options);
        foreach (var d in documents) Assert.False(Accepts(g, d), $"schema {schema} should reject {d}");
    }

    public static UnsupportedSchemaException Refused(string schema, string keyword, string pointer)
    {
        var e = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaCompiler.Compile(schema));
        Assert.Equal(keyword, e.Keyword);
        Assert.Equal(pointer, e.JsonPointer);
        Assert.Contains(keyword, e.Message, StringComparison.Ordinal);
        return e;
    }
}
