using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Benchmarks.MaskFill;

/// <summary>
/// Steady-state <see cref="GrammarMatcher.FillNextTokenMask"/> per built-in grammar at representative
/// states (Llama 3 vocabulary): a short document prefix is replayed in setup, then the same state's mask
/// is filled repeatedly, so per-state caches are warm. Expect 0 bytes allocated.
/// </summary>
[MemoryDiagnoser]
public class Perf_MaskFill_BuiltinGrammars
{
    private GrammarMatcher _matcher = null!;
    private uint[] _mask = [];

    /// <summary><c>grammar/state</c>, see <see cref="SampleStates"/>.</summary>
    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> Cases() =>
        BenchmarkInputs.HasDefaultTokenizer ? SampleStates.Cases(BenchmarkInputs.AvailableGrammars()) : [];

    [GlobalSetup]
    public void Setup()
    {
        var (grammar, state) = SampleStates.Split(Case);
        _matcher = SampleStates.MatcherAt(BenchmarkInputs.DefaultTokenizer, grammar, state);
        _mask = new uint[_matcher.MaskWordCount];
    }

    [Benchmark]
    public uint FillNextTokenMask()
    {
        _matcher.FillNextTokenMask(_mask);
        return _mask[0];
    }
}
