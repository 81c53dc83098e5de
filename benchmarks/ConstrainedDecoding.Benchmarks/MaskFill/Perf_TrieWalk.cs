using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Benchmarks.MaskFill;

/// <summary>
/// The trie walk behind a cold mask step: the tokens a terminal state keeps alive over the Llama 3 vocabulary, with
/// the terminal's automaton already built (a walk repeated on the same state). <c>string</c>: inside a JSON string
/// (dense: ~126k tokens); <c>short_string</c>: inside <c>"[a-z]{0,5}"</c> (~11k); <c>literal</c>: inside a key literal
/// (a handful); <c>batch7</c>: seven string states walked in one pass, each a string that must contain its own word
/// (like the branches of a <c>oneOf</c> of <c>pattern</c>s after their opening quote).
/// </summary>
[MemoryDiagnoser]
public class Perf_TrieWalk
{
    private static readonly string[] Words = ["NEW", "ON_APPROVAL", "ON_SIGNING", "ON_MODIFICATION", "EXECUTED", "DEPRECATED", "REJECTED"];

    private TerminalTable _table = null!;
    private int _state;
    private List<TerminalTable.WalkPlan> _plans = [];

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    // Left out (listed by the program) when the default tokenizer is absent.
    public static IEnumerable<string> Cases() => BenchmarkInputs.HasDefaultTokenizer ? ["string", "short_string", "literal", "batch7"] : [];

    [GlobalSetup]
    public void Setup()
    {
        var vocab = BenchmarkInputs.Vocabulary(BenchmarkInputs.DefaultTokenizer);
        if (Case == "batch7")
        {
            // A string that contains word i somewhere (no quote or backslash inside).
            _plans = [.. Words.Select(w =>
            {
                var table = new TerminalTable(RegexParser.Parse($"\"[^\"\\\\]*{w}[^\"\\\\]*\""), vocab);
                int q = table.Dfa.Step(LazyDfa.Initial, (byte)'"');
                return new TerminalTable.WalkPlan(table, q, null, null, null);
            })];
            TerminalTable.WalkMany(_plans);
            return;
        }
        string pattern = Case switch
        {
            "string" => "\"([^\"\\\\]|\\\\.)*\"",
            "short_string" => "\"[a-z]{0,5}\"",
            "literal" => "\"description\":",
            _ => throw new ArgumentException(Case),
        };
        _table = new TerminalTable(RegexParser.Parse(pattern), vocab);
        _state = _table.Dfa.Step(LazyDfa.Initial, (byte)'"');
        _table.Walk(_state);
    }

    [Benchmark]
    public int Walk() => Case == "batch7" ? TerminalTable.WalkMany(_plans).Sum(s => s.Inside.Count) : _table.Walk(_state).Inside.Count;
}
