using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Benchmarks.Matcher;

/// <summary>
/// Matcher construction timed apart from steady state (JSON grammar, Llama 3): creating a matcher,
/// forking one mid-document, resetting, and accept + rollback of one token's bytes.
/// </summary>
[MemoryDiagnoser]
public class Perf_Matcher_Lifecycle
{
    private CompiledGrammar _compiled = null!;
    private GrammarMatcher _mid = null!;
    private GrammarMatcher _scratch = null!;
    private byte[] _tokenBytes = [];

    /// <summary>The JSON grammar, when it and the default tokenizer are present.</summary>
    [ParamsSource(nameof(Grammars))]
    public string Grammar { get; set; } = "";

    public static IEnumerable<string> Grammars() =>
        BenchmarkInputs.HasDefaultTokenizer ? BenchmarkInputs.AvailableGrammars().Where(g => g == "json") : [];

    [GlobalSetup]
    public void Setup()
    {
        _compiled = new GrammarCompiler(BenchmarkInputs.Vocabulary(BenchmarkInputs.DefaultTokenizer)).Compile(BenchmarkInputs.Grammar(Grammar));
        _mid = SampleStates.MatcherAt(_compiled, Grammar, "nested");
        _scratch = SampleStates.MatcherAt(_compiled, Grammar, "after_comma");
        _tokenBytes = "\"key\""u8.ToArray();
    }

    [Benchmark]
    public GrammarMatcher CreateMatcher() => _compiled.CreateMatcher();

    [Benchmark]
    public GrammarMatcher Fork() => _mid.Fork();

    [Benchmark]
    public void Reset() => _scratch.Reset();

    [Benchmark]
    public bool AcceptBytesAndRollback()
    {
        bool ok = _mid.TryAcceptBytes(_tokenBytes);
        if (ok) _mid.Rollback(1);
        return ok;
    }
}
