using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Benchmarks.MaskFill;

/// <summary>
/// How the JSON grammar's mask fill scales with the vocabulary: GPT-2 (50k), Llama 3 (128k) and
/// Qwen 3 (152k) at the same states. Tokenizers absent from the data folder are left out.
/// </summary>
[MemoryDiagnoser]
public class Perf_MaskFill_VocabularySize
{
    private const string GrammarName = "json";

    private GrammarMatcher _matcher = null!;
    private uint[] _mask = [];

    [ParamsSource(nameof(Tokenizers))]
    public string Tokenizer { get; set; } = "";

    [ParamsSource(nameof(States))]
    public string State { get; set; } = "";

    public static IEnumerable<string> Tokenizers() =>
        File.Exists(BenchmarkInputs.GrammarPath(GrammarName)) ? BenchmarkInputs.AvailableVocabularySizes() : [];

    public static IEnumerable<string> States() => ["start", "after_comma", "in_string", "nested"];

    [GlobalSetup]
    public void Setup()
    {
        _matcher = SampleStates.MatcherAt(Tokenizer, GrammarName, State);
        _mask = new uint[_matcher.MaskWordCount];
    }

    [Benchmark]
    public uint FillNextTokenMask()
    {
        _matcher.FillNextTokenMask(_mask);
        return _mask[0];
    }
}
