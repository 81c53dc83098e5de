using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.OnnxRuntime;
using ConstrainedDecoding.OnnxRuntime.Generation;

namespace ConstrainedDecoding.Benchmarks.Generation;

/// <summary>
/// Tokens/s of the embedded tiny-json-gpt2 model, free and constrained by json.lark, greedy, on one ONNX Runtime
/// thread; times are per generated token (<see cref="Tokens"/> per invocation). <see cref="GrammarPerToken"/> replays
/// the constrained output through a fresh matcher doing exactly the loop's grammar work, so its time is the
/// grammar's share of each step.
/// </summary>
public class Perf_Generation_TinyJson
{
    private const int Tokens = 48;
    // Greedy from this prompt writes a long description, free or constrained, so both run the full 48 tokens.
    private const string Prompt = "{\n  \"type\": \"object\",\n  \"properties\": {";

    private ConstrainedGenerator _generator = null!;
    private CompiledGrammar _json = null!;
    private GenerationRequest _request = null!;
    private int[] _constrainedTokens = [];
    private uint[] _mask = [];

    [Params("free", "json-sample-first", "json-full", "json-precompute")]
    public string Mode { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _generator = ConstrainedGenerator.Load(Path.Combine(AppContext.BaseDirectory, "models", "tiny-json-gpt2"), new ModelOptions { IntraOpThreads = 1 });
        _json = _generator.CompileLark(File.ReadAllText(BenchmarkInputs.GrammarPath("json")));
        var options = new GenerationOptions
        {
            MaxNewTokens = Tokens,
            StopWhenComplete = false,
            MaskMode = Mode switch { "json-precompute" => MaskMode.Precompute, "json-full" => MaskMode.Full, _ => MaskMode.SampleFirst },
        };
        _request = Mode == "free" ? new GenerationRequest(Prompt, null, options) : new GenerationRequest(Prompt, _json, options) { GrammarPrefix = Prompt };
        _generator.GenerateAsync(_request).GetAwaiter().GetResult(); // JIT, and the grammar's lazy tables
        var warm = _generator.GenerateAsync(_request).GetAwaiter().GetResult();
        if (warm.TokenIds.Count != Tokens) throw new InvalidOperationException($"{Mode}: {warm.TokenIds.Count} tokens, expected {Tokens}; pick another prompt");
        var constrained = _generator.GenerateAsync(new GenerationRequest(Prompt, _json, options) { GrammarPrefix = Prompt }).GetAwaiter().GetResult();
        _constrainedTokens = [.. constrained.TokenIds];
        _mask = new uint[_json.MaskWordCount];
        Console.WriteLine($"// {Mode}: grammar {warm.Statistics.GrammarTime.TotalMicroseconds / Tokens:F1} µs/token on the loop thread, " +
            $"{warm.Statistics.OverlappedGrammarTime.TotalMicroseconds / Tokens:F1} µs/token overlapped, sampling {warm.Statistics.SamplingTime.TotalMicroseconds / Tokens:F1} µs/token, " +
            $"model {warm.Statistics.ModelTime.TotalMicroseconds / (Tokens - 1):F0} µs/step, {warm.Statistics.FullMasks} full masks");
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    /// <summary>One whole generation (prefill included), per token.</summary>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public int Generate() => _generator.GenerateAsync(_request).GetAwaiter().GetResult().TokenIds.Count;

    /// <summary>The grammar work of each step alone: single-token check and accept (sample-first), or full mask and accept (precompute).</summary>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public int GrammarPerToken()
    {
        var matcher = _json.CreateMatcher();
        matcher.TryAcceptString(Prompt);
        int allowed = 0;
        foreach (int token in _constrainedTokens)
        {
            if (Mode is "json-precompute" or "json-full") matcher.FillNextTokenMask(_mask);
            else if (matcher.IsTokenAllowed(token)) allowed++;
            matcher.TryAcceptToken(token);
        }
        return allowed;
    }
}
