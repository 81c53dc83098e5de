using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using GrammarIR = ConstrainedDecoding.Grammars.Grammar;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Benchmarks.Compile;

/// <summary>
/// First compile of a built-in grammar on a vocabulary nothing was compiled against yet (cold
/// terminal tables; the token trie is built beforehand, outside the measurement), then its first
/// mask: the time-to-first-mask a fresh process pays. One invocation per iteration, each on a fresh
/// vocabulary copy made in the iteration setup.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class Perf_Compile_ColdVocabulary
{
    private GrammarIR _grammar = null!;
    private TokenVocabulary _source = null!;
    private TokenVocabulary _fresh = null!;
    private uint[] _mask = [];

    [ParamsSource(nameof(Grammars))]
    public string Grammar { get; set; } = "";

    public static IEnumerable<string> Grammars() => BenchmarkInputs.HasDefaultTokenizer ? BenchmarkInputs.AvailableGrammars() : [];

    [GlobalSetup]
    public void Setup()
    {
        _grammar = BenchmarkInputs.Grammar(Grammar);
        _source = BenchmarkInputs.Vocabulary(BenchmarkInputs.DefaultTokenizer);
        _mask = new uint[_source.MaskWordCount];
    }

    [IterationSetup]
    public void FreshVocabulary()
    {
        _fresh = BenchmarkInputs.FreshCopy(_source);
        _ = _fresh.Trie;
    }

    [Benchmark]
    public CompiledGrammar Compile() => new GrammarCompiler(_fresh).Compile(_grammar);

    [Benchmark]
    public uint CompileAndFirstMask()
    {
        var matcher = new GrammarCompiler(_fresh).Compile(_grammar).CreateMatcher();
        matcher.FillNextTokenMask(_mask);
        return _mask[0];
    }
}
