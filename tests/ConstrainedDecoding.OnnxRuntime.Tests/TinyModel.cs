using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.OnnxRuntime.Tests;

/// <summary>The embedded tiny-json-gpt2 model, loaded once for all tests (its session is thread-safe).</summary>
public sealed class TinyModel : IDisposable
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "models", "tiny-json-gpt2");

    public TinyModel()
    {
        Generator = ConstrainedGenerator.Load(Folder, new ModelOptions { IntraOpThreads = 1 });
        Json = Generator.CompileLark(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "grammars", "json.lark")));
    }

    public ConstrainedGenerator Generator { get; }

    public CompiledGrammar Json { get; }

    public void Dispose() => Generator.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModel>
{
    public const string Name = "tiny model";
}
