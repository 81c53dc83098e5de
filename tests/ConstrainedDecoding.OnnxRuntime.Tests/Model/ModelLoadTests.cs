using ConstrainedDecoding.OnnxRuntime.Model;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Model;

public sealed class ModelLoadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cd-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Tiny(string name) => Path.Combine(TinyModel.Folder, name);

    private void CopyTokenizer() => File.Copy(Tiny("tokenizer.json"), Path.Combine(_folder, "tokenizer.json"));

    private ModelLoadException Fails(ModelLoadError error)
    {
        var e = Assert.Throws<ModelLoadException>(() => ConstrainedGenerator.Load(_folder));
        Assert.Equal(error, e.Error);
        Assert.False(string.IsNullOrEmpty(e.Path));
        return e;
    }

    [Fact]
    public void MissingFolder()
    {
        var e = Assert.Throws<ModelLoadException>(() => ConstrainedGenerator.Load(Path.Combine(_folder, "nope")));
        Assert.Equal(ModelLoadError.MissingFile, e.Error);
    }

    [Fact]
    public void NoOnnxFile() => Assert.Contains("no *.onnx file", Fails(ModelLoadError.MissingFile).Message);

    [Fact]
    public void NoTokenizer()
    {
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), OnnxModelWriter.CastModel("attention_mask"));
        Assert.Contains("tokenizer.json", Fails(ModelLoadError.MissingFile).Message);
    }

    [Fact]
    public void UnreadableOnnx()
    {
        CopyTokenizer();
        File.WriteAllText(Path.Combine(_folder, "model.onnx"), "this is not a protobuf model");
        Assert.Contains("ONNX Runtime cannot load it", Fails(ModelLoadError.UnreadableFile).Message);
    }

    [Fact]
    public void UnreadableTokenizer()
    {
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), OnnxModelWriter.CastModel("attention_mask"));
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), "{ \"model\": ");
        Fails(ModelLoadError.UnreadableFile);
    }

    [Fact]
    public void UnreadableConfig()
    {
        CopyTokenizer();
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), OnnxModelWriter.CastModel("attention_mask"));
        File.WriteAllText(Path.Combine(_folder, "config.json"), "{ \"eos_token_id\": [1, ");
        Assert.Contains("config.json", Fails(ModelLoadError.UnreadableFile).Message);
    }

    [Fact]
    public void MissingAttentionMask()
    {
        CopyTokenizer();
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), OnnxModelWriter.CastModel());
        Assert.Contains("missing input 'attention_mask'", Fails(ModelLoadError.MissingInputOrOutput).Message);
    }

    [Fact]
    public void MissingKvCache()
    {
        CopyTokenizer();
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), OnnxModelWriter.CastModel("attention_mask"));
        Assert.Contains("past_key_values", Fails(ModelLoadError.MissingInputOrOutput).Message);
    }

    [Fact]
    public void UnexpectedInput()
    {
        CopyTokenizer();
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), OnnxModelWriter.CastModel("attention_mask", "token_type_ids"));
        Assert.Contains("unexpected input 'token_type_ids'", Fails(ModelLoadError.UnsupportedSignature).Message);
    }

    [Fact]
    public void LogitsNarrowerThanTheVocabulary()
    {
        // The tiny model's 50,257 logits with a tokenizer that has one more token.
        File.CreateSymbolicLink(Path.Combine(_folder, "model.onnx"), Tiny("model.onnx"));
        string json = File.ReadAllText(Tiny("tokenizer.json"));
        json = json.Replace("\"added_tokens\": [", "\"added_tokens\": [{\"id\": 50257, \"content\": \"<|extra|>\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}, ", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), json);
        Assert.Contains("logits width 50257 is smaller than the tokenizer's 50258 tokens", Fails(ModelLoadError.LogitsTooNarrow).Message);
    }

    [Fact]
    public void TinyModel_LoadsWithItsSignature()
    {
        using var generator = ConstrainedGenerator.Load(TinyModel.Folder);
        Assert.Equal(4, generator.LayerCount);
        Assert.Equal(50257, generator.LogitsWidth);
        Assert.Contains(50256, generator.StopTokenIds);
        Assert.Equal(2048, generator.ContextLength);
        Assert.False(generator.HasHalfPrecisionCache);
    }
}
