using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Bench.Inputs;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Benchmarks.Vocabulary;

/// <summary>
/// One-time per-tokenizer costs, apart from any grammar: reading tokenizer.json into a
/// <see cref="TokenVocabulary"/>, and building the token trie of a fresh vocabulary.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class Perf_Vocabulary_Construction
{
    private string _path = "";
    private TokenVocabulary _source = null!;
    private TokenVocabulary _fresh = null!;

    [ParamsSource(nameof(Tokenizers))]
    public string Tokenizer { get; set; } = "";

    public static IEnumerable<string> Tokenizers() => BenchmarkInputs.AvailableVocabularySizes();

    [GlobalSetup]
    public void Setup()
    {
        _path = BenchmarkInputs.TokenizerPath(Tokenizer)!;
        _source = BenchmarkInputs.Vocabulary(Tokenizer);
    }

    [IterationSetup]
    public void FreshVocabulary() => _fresh = BenchmarkInputs.FreshCopy(_source);

    [Benchmark]
    public TokenVocabulary LoadTokenizerJson() => VocabularyFiles.Load(_path);

    [Benchmark]
    public object BuildTrie() => _fresh.Trie;
}
