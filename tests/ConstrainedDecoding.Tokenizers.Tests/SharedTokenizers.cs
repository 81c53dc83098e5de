using System.Collections.Concurrent;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Tokenizers.HuggingFace;

namespace ConstrainedDecoding.Tokenizers.Tests;

/// <summary>The tokenizers of the shared data folder, each loaded once per test run.</summary>
internal static class SharedTokenizers
{
    public static readonly string[] Names = ["gpt2", "codegen-gpt2", "llama3", "qwen3", "mistral", "phi3-vision"];

    private static readonly ConcurrentDictionary<string, Lazy<TokenizerInfo>> s_loaded = new();

    /// <summary>Path of <c>tokenizers/&lt;name&gt;/tokenizer.json</c> (the caller is a data test, so the data is present).</summary>
    public static string PathOf(string name) =>
        TestData.DataFile("tokenizers", name, "tokenizer.json") ?? throw new InvalidOperationException($"tokenizers/{name}/tokenizer.json is missing from the data folder");

    /// <summary>The tokenizer loaded with default options.</summary>
    public static TokenizerInfo Get(string name) =>
        s_loaded.GetOrAdd(name, n => new Lazy<TokenizerInfo>(() => HuggingFaceVocabulary.LoadWithInfo(PathOf(n)))).Value;
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cd-tokenizers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file into the folder and returns its path.</summary>
    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
