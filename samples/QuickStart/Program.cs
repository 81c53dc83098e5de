// QuickStart: constrained JSON decoding with a real (tiny) model, no download needed.
//
//   dotnet run --project samples/QuickStart [-- --temperature 0.8 --seed 4 --max-tokens 256 --prompt "{\"name\":"]
//
// Loads tiny-json-gpt2 (a 7M-parameter demo model trained on JSON) with ONNX Runtime on the CPU, compiles
// grammars/json.lark against its tokenizer, then generates twice with the same settings: free, and constrained
// by the grammar, streaming the text as it comes. The free output may or may not parse; the constrained one
// always does when the model finishes within the token budget (the stop token is forced once the JSON is complete).
using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.OnnxRuntime;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;

string prompt = "{\n  \"name\":";
float temperature = 0.8f; // 0 = greedy
ulong seed = 4;
int maxTokens = 256;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--prompt": prompt = args[i + 1]; break;
        case "--temperature": temperature = float.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--max-tokens": maxTokens = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 1;
    }
}

// The model folder and the grammar are copied beside the executable by QuickStart.csproj.
string baseDir = AppContext.BaseDirectory;
using var generator = ConstrainedGenerator.Load(Path.Combine(baseDir, "models", "tiny-json-gpt2"));
var json = generator.CompileLark(File.ReadAllText(Path.Combine(baseDir, "grammars", "json.lark")));
Console.WriteLine($"model: tiny-json-gpt2, {generator.LayerCount} layers, vocabulary {generator.Vocabulary}");

var options = new GenerationOptions
{
    MaxNewTokens = maxTokens,
    Sampling = new SamplingOptions { Temperature = temperature, Seed = seed },
};
await Run("unconstrained", new GenerationRequest(prompt, null, options));
// The prompt already starts the JSON document, so the grammar reads it first (GrammarPrefix).
await Run("constrained by json.lark", new GenerationRequest(prompt, json, options) { GrammarPrefix = prompt });
return 0;

async Task Run(string title, GenerationRequest request)
{
    Console.WriteLine();
    Console.WriteLine($"--- {title} (temperature {temperature}, seed {seed}) ---");
    Console.Write(prompt);
    GenerationResult? result = null;
    await foreach (string piece in generator.StreamAsync(request, r => result = r))
    {
        Console.Write(piece);
    }
    Console.WriteLine();
    var stats = result!.Statistics;
    Console.WriteLine($"[stopped: {result.StopReason}] {stats.GeneratedTokens} tokens, {stats.TokensPerSecond:F0} tokens/s; " +
        $"prefill {stats.PrefillTime.TotalMilliseconds:F1} ms; grammar {stats.GrammarTime.TotalMicroseconds / Math.Max(1, stats.GeneratedTokens):F0} µs/token, " +
        $"{stats.FullMasks} full masks, {stats.ForcedTokens} forced tokens");
    try
    {
        using var parsed = JsonDocument.Parse(prompt + result.Text);
        Console.WriteLine($"valid JSON: yes ({parsed.RootElement.ValueKind})");
    }
    catch (JsonException e)
    {
        Console.WriteLine($"valid JSON: no ({e.Message})");
    }
}
