using ConstrainedDecoding.Tokenizers.HuggingFace;

namespace ConstrainedDecoding.Tokenizers.Tests.HuggingFace;

/// <summary>Bad tokenizer files fail with <see cref="TokenizerFormatException"/> that says where.</summary>
public sealed class TokenizerJsonErrorTests
{
    private static TokenizerFormatException LoadFails(string content, string? configContent = null)
    {
        using var folder = new TempFolder();
        var path = folder.Write("tokenizer.json", content);
        if (configContent is not null) folder.Write("tokenizer_config.json", configContent);
        return Assert.Throws<TokenizerFormatException>(() => HuggingFaceVocabulary.Load(path));
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("")]
    [InlineData("{ \"model\": { \"type\": \"BPE\", \"vocab\": { \"a\": 0 ")]
    [InlineData("{ \"model\": { \"type\": \"BPE\", \"vocab\": { \"a\": 0 } } } trailing")]
    public void NotJson(string content)
    {
        var ex = LoadFails(content);
        Assert.NotNull(ex.Line);
        Assert.NotNull(ex.Column);
        Assert.StartsWith("unexpected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedJsonReportsItsLine()
    {
        var ex = LoadFails("{\n  \"model\": {\n    \"vocab\": { \"a\": 0,, }\n  }\n}");
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void DeepNestingFailsCleanly()
    {
        var ex = LoadFails("{ \"x\": " + new string('[', 100_000) + new string(']', 100_000) + " }");
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void ArrayIsNotATokenizer()
    {
        var ex = LoadFails("[1, 2, 3]");
        Assert.Contains("expected a JSON object", ex.Message, StringComparison.Ordinal);
        Assert.Equal("$", ex.JsonPath);
    }

    [Fact]
    public void ObjectWithoutModel()
    {
        var ex = LoadFails("""{ "version": "1.0", "added_tokens": [] }""");
        Assert.Contains("\"model\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelWithoutVocab()
    {
        var ex = LoadFails("""{ "model": { "type": "BPE", "merges": [] } }""");
        Assert.Equal("$.model.vocab", ex.JsonPath);
    }

    [Theory]
    [InlineData("WordPiece", """{ "[UNK]": 0, "a": 1 }""")]
    [InlineData("Unigram", """[["<unk>", 0.0], ["a", -1.5]]""")]
    [InlineData("WordLevel", """{ "a": 0 }""")]
    public void UnsupportedModelTypeIsNamed(string type, string vocab)
    {
        var ex = LoadFails($$"""
            {
              "model": {
                "vocab": {{vocab}},
                "type": "{{type}}"
              }
            }
            """);
        Assert.Equal("$.model.type", ex.JsonPath);
        Assert.Contains($"\"{type}\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void CharacterOutsideTheByteAlphabet()
    {
        var ex = LoadFails(SmallTokenizerJson.ByteLevelWithVocab("{\n      \"a\": 0,\n      \"x中\": 1\n    }"));
        Assert.Equal("$.model.vocab[\"x\\u4E2D\"]", ex.JsonPath);
        Assert.Contains("U+4E2D", ex.Message, StringComparison.Ordinal);
        Assert.Equal(7, ex.Line);
        Assert.Equal(7, ex.Column);
        Assert.NotNull(ex.ByteOffset);
    }

    [Theory]
    [InlineData("""{ "a": "zero" }""", "expected an integer token id")]
    [InlineData("""{ "a": 1.5 }""", "expected an integer token id")]
    [InlineData("""{ "a": -1 }""", "unexpected token id -1")]
    [InlineData("""{ "a": 2000000000 }""", "MaxTokenCount")]
    [InlineData("""{ "a": 0, "b": 0 }""", "second vocab entry for id 0")]
    [InlineData("""{ }""", "empty vocabulary")]
    public void BadVocabEntries(string vocab, string expected)
    {
        var ex = LoadFails(SmallTokenizerJson.ByteLevelWithVocab(vocab));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.JsonPath);
    }

    [Theory]
    [InlineData("""[ { "id": 1 } ]""", "without \"content\"")]
    [InlineData("""[ { "content": "x" } ]""", "without \"id\"")]
    [InlineData("""[ { "id": "1", "content": "x" } ]""", "expected an integer token id")]
    [InlineData("""[ 3 ]""", "expected an added-token object")]
    [InlineData("""{ }""", "expected an array of added tokens")]
    public void BadAddedTokens(string addedTokens, string expected)
    {
        var ex = LoadFails($$"""{ "added_tokens": {{addedTokens}}, "decoder": { "type": "ByteLevel" }, "model": { "type": "BPE", "vocab": { "a": 0 } } }""");
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("$.added_tokens", ex.JsonPath, StringComparison.Ordinal);
    }

    [Fact]
    public void NeitherByteLevelNorSentencePiece()
    {
        var ex = LoadFails("""{ "model": { "type": "BPE", "vocab": { "a": 0 } } }""");
        Assert.Contains("HuggingFaceVocabularyOptions.Kind", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{ "eos_token": 5 }""")]
    [InlineData("""[ "eos_token" ]""")]
    public void BadConfigFileIsNamed(string config)
    {
        var ex = LoadFails(SmallTokenizerJson.ByteLevelWithVocab("""{ "a": 0 }"""), config);
        Assert.Contains("tokenizer_config.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsAnIOError()
    {
        using var folder = new TempFolder();
        Assert.Throws<FileNotFoundException>(() => HuggingFaceVocabulary.Load(Path.Combine(folder.Path, "tokenizer.json")));
    }

    [Fact]
    public void FormatExceptionDescribesItsLocation()
    {
        var ex = new TokenizerFormatException("unexpected x, expected y", "$.model", 3, 7, 40);
        Assert.Equal("unexpected x, expected y (at $.model, line 3, column 7)", ex.Message);
        Assert.Equal("unexpected x, expected y", ex.Reason);
        Assert.Equal(40, ex.ByteOffset);
    }
}
