using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using GrammarIR = ConstrainedDecoding.Grammars.Grammar;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Benchmarks.Compile;

/// <summary>
/// Steady-state compile cost per built-in grammar against Llama 3: the Lark front end alone, and
/// <see cref="GrammarCompiler.Compile"/> of the parsed grammar with the vocabulary's shared terminal
/// tables already warm (the usual case in a server that compiles many grammars).
/// </summary>
[MemoryDiagnoser]
public class Perf_Compile_BuiltinGrammars
{
    private string _text = "";
    private GrammarIR _grammar = null!;
    private GrammarCompiler _compiler = null!;

    [ParamsSource(nameof(Grammars))]
    public string Grammar { get; set; } = "";

    public static IEnumerable<string> Grammars() => BenchmarkInputs.HasDefaultTokenizer ? BenchmarkInputs.AvailableGrammars() : [];

    [GlobalSetup]
    public void Setup()
    {
        _text = BenchmarkInputs.GrammarText(Grammar);
        _grammar = BenchmarkInputs.Grammar(Grammar);
        _compiler = new GrammarCompiler(BenchmarkInputs.Vocabulary(BenchmarkInputs.DefaultTokenizer));
        _compiler.Compile(_grammar); // warms the shared terminal tables
    }

    [Benchmark]
    public GrammarIR Parse() => GrammarIR.FromLark(_text);

    [Benchmark]
    public CompiledGrammar Compile() => _compiler.Compile(_grammar);
}
