// QuickStart: JSON Schema → valid JSON from a real (tiny) model, no download needed.
//
//   dotnet run --project samples/QuickStart [-- --temperature 0.8 --seed 1 --max-tokens 200 --prompt "..."]
//
// Loads tiny-json-gpt2 (a 7M-parameter demo/test model trained on JSON, not a useful model) with ONNX Runtime on the
// CPU, compiles a JSON Schema against its tokenizer, then generates twice with the same settings: free, and
// constrained by the schema, streaming the text as it comes. The free output may or may not parse; the constrained
// one is always JSON that validates against the schema (the stop token is forced once the document is complete).
using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.OnnxRuntime;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;

const string Schema = """
    {
      "type": "object",
      "properties": {
        "name":   { "type": "string", "minLength": 1, "maxLength": 24 },
        "age":    { "type": "integer", "minimum": 0, "maximum": 120 },
        "role":   { "enum": ["admin", "editor", "viewer"] },
        "active": { "type": "boolean" },
        "tags":   { "type": "array", "items": { "type": "string", "maxLength": 12 }, "maxItems": 3 }
      },
      "required": ["name", "age", "role", "active"],
      "additionalProperties": false
    }
    """;

string prompt = "";         // the tiny model starts a JSON document on its own after its BOS token
float temperature = 0.8f;   // 0 = greedy
ulong seed = 1;
int maxTokens = 200;
for (int i = 0; i < args.Length; i += 2)
{
    if (i + 1 >= args.Length) { Console.Error.WriteLine($"option {args[i]} needs a value"); return 1; }
    switch (args[i])
    {
        case "--prompt": prompt = args[i + 1]; break;
        case "--temperature": temperature = float.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--max-tokens": maxTokens = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}, expected --prompt, --temperature, --seed or --max-tokens"); return 1;
    }
}

// The model folder is copied beside the executable by QuickStart.csproj.
using var generator = ConstrainedGenerator.Load(Path.Combine(AppContext.BaseDirectory, "models", "tiny-json-gpt2"));
var user = generator.CompileJsonSchema(Schema);   // or generator.CompileJsonSchema<MyRecord>() from a C# type
Console.WriteLine($"model: tiny-json-gpt2 (demo/test fixture), {generator.LayerCount} layers, vocabulary {generator.Vocabulary}");
Console.WriteLine("schema: " + string.Join(" ", Schema.Split('\n', StringSplitOptions.TrimEntries)));

var options = new GenerationOptions
{
    MaxNewTokens = maxTokens,
    Sampling = new SamplingOptions { Temperature = temperature, Seed = seed },
};
await Run("unconstrained", new GenerationRequest(prompt, null, options));
await Run("constrained by the schema", new GenerationRequest(prompt, user, options));
return 0;

async Task Run(string title, GenerationRequest request)
{
    Console.WriteLine();
    Console.WriteLine($"--- {title} (temperature {temperature}, seed {seed}) ---");
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
        using var parsed = JsonDocument.Parse(result.Text);
        Console.WriteLine($"parses as JSON: yes ({parsed.RootElement.ValueKind})");
    }
    catch (JsonException e)
    {
        Console.WriteLine($"parses as JSON: no ({e.Message})");
    }
}
