using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConstrainedDecoding.Bench.Asap;
using ConstrainedDecoding.Bench.Cli;
using ConstrainedDecoding.Bench.Reporting;
using ConstrainedDecoding.OnnxRuntime;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.Bench.Generation;

/// <summary>
/// <c>generate</c>: tokens/s of a model (the embedded tiny-json-gpt2 by default) free and constrained by a JSON
/// Schema, on the same prompt, seeds and settings. Free and constrained generations alternate (and swap order every
/// sample) so that load drift on a shared machine hits both alike. Reports decode tokens/s (prefill excluded), the
/// model's time per step, and the grammar's and the sampler's share of each step in µs.
/// </summary>
internal static class GenerateCommand
{
    public const string Usage = """
          ConstrainedDecoding.Bench generate   --samples N [--seed S] [--max-tokens T] [--temperature X]
                                               [--mask auto|full|precompute] [--schema <schema.json>]
                                               [--model <folder>] [--prompt <text>] [--json <out.json>]

          generate     tokens/s free vs constrained by a JSON Schema (default: the QuickStart's) with the embedded
                       model (or --model), N samples from seeds S, S+1, … (default 1), at most T new tokens each
                       (default 128), temperature X (default 0.8; 0 = greedy), one ONNX Runtime thread; prints
                       tokens/s, the ratio constrained/free, and µs per step of model, grammar and sampling
        """;

    /// <summary>The QuickStart's schema: a user record with string, integer, enum, boolean and array members.</summary>
    public const string DefaultSchema = """
        {"type": "object",
         "properties": {
           "name": {"type": "string", "minLength": 1, "maxLength": 24},
           "age": {"type": "integer", "minimum": 0, "maximum": 120},
           "role": {"enum": ["admin", "editor", "viewer"]},
           "active": {"type": "boolean"},
           "tags": {"type": "array", "items": {"type": "string", "maxLength": 12}, "maxItems": 3}},
         "required": ["name", "age", "role", "active"],
         "additionalProperties": false}
        """;

    private const int WarmupSamples = 2;
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        var a = new AsapArguments(args, "samples", "seed", "max-tokens", "temperature", "mask", "schema", "model", "prompt", "json");
        int samples = a.Int("samples", 0, min: 1);
        if (samples == 0) throw new UsageException("generate needs --samples N");
        ulong firstSeed = a.Seeds([1])[0];
        int maxTokens = a.Int("max-tokens", 128, min: 2);
        float temperature = ParseTemperature(a.Text("temperature"));
        MaskMode mask = a.Text("mask") switch
        {
            null or "auto" => MaskMode.Auto,
            "full" => MaskMode.Full,
            "precompute" => MaskMode.Precompute,
            string other => throw new UsageException($"unexpected value '{other}' for --mask, expected auto, full or precompute"),
        };
        string schemaText = a.Text("schema") is { } schemaPath
            ? File.Exists(schemaPath) ? File.ReadAllText(schemaPath) : throw new UsageException($"schema file '{schemaPath}' not found")
            : DefaultSchema;
        string modelFolder = a.Text("model") ?? Path.Combine("samples", "models", "tiny-json-gpt2");
        if (!Directory.Exists(modelFolder)) throw new UsageException($"model folder '{modelFolder}' not found (run from the repository root or pass --model)");
        string prompt = a.Text("prompt") ?? "";

        using var generator = ConstrainedGenerator.Load(modelFolder, new ModelOptions { IntraOpThreads = 1 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var grammar = generator.CompileJsonSchema(schemaText);
        double compileMs = clock.Elapsed.TotalMilliseconds;

        GenerationRequest Request(ulong seed, bool constrained) => new(prompt, constrained ? grammar : null, new GenerationOptions
        {
            MaxNewTokens = maxTokens,
            MaskMode = mask,
            Sampling = new SamplingOptions { Temperature = temperature, Seed = seed },
        });

        // Warm-up: JIT, ONNX Runtime's first runs, and the grammar's lazy tables (reported separately: cold work).
        clock.Restart();
        for (int i = 0; i < WarmupSamples; i++)
        {
            Generate(generator, Request(firstSeed + (ulong)i, constrained: false));
            Generate(generator, Request(firstSeed + (ulong)i, constrained: true));
        }
        double warmupMs = clock.Elapsed.TotalMilliseconds;

        var free = new Totals();
        var constrained = new Totals();
        for (int i = 0; i < samples; i++)
        {
            ulong seed = firstSeed + (ulong)i;
            if (i % 2 == 0)
            {
                free.Add(Generate(generator, Request(seed, constrained: false)));
                constrained.Add(Generate(generator, Request(seed, constrained: true)));
            }
            else
            {
                constrained.Add(Generate(generator, Request(seed, constrained: true)));
                free.Add(Generate(generator, Request(seed, constrained: false)));
            }
        }

        double ratio = constrained.TokensPerSecond / free.TokensPerSecond;
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {Path.GetFileName(generator.ModelFolder)}, {samples} samples, seeds {firstSeed}..{firstSeed + (ulong)samples - 1}, ≤ {maxTokens} tokens, temperature {temperature}, mask {mask}; schema compiled in {compileMs:F1} ms, warm-up {warmupMs:F0} ms; load average {load}"));
        Console.WriteLine("  mode          tokens  decode s  tokens/s  model µs/step  grammar µs/token  sampling µs/token  full masks  forced  valid JSON  at limit");
        Console.WriteLine(free.Row("free"));
        Console.WriteLine(constrained.Row("constrained"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  constrained / free tokens/s = {ratio:F3} (target ≥ 0.95); grammar share of a constrained step = {constrained.GrammarUsPerToken:F1} µs of {1e6 / constrained.TokensPerSecond:F0} µs ({100 * constrained.GrammarUsPerToken * constrained.TokensPerSecond / 1e6:F2}%)"));

        if (a.Text("json") is { } path)
        {
            var root = new JsonObject
            {
                ["command"] = string.Join(' ', args),
                ["model"] = Path.GetFileName(generator.ModelFolder),
                ["samples"] = samples,
                ["seed"] = firstSeed,
                ["max_tokens"] = maxTokens,
                ["temperature"] = temperature,
                ["mask_mode"] = mask.ToString(),
                ["schema_compile_ms"] = compileMs,
                ["warmup_ms"] = warmupMs,
                ["load_average"] = load,
                ["machine"] = JsonSerializer.SerializeToNode(MachineInfo.Current()),
                ["free"] = free.ToJson(),
                ["constrained"] = constrained.ToJson(),
                ["ratio_tokens_per_second"] = ratio,
            };
            File.WriteAllText(path, root.ToJsonString(s_indented));
            Console.WriteLine($"  summary written to {Path.GetFullPath(path)}");
        }
        return 0;
    }

    private static GenerationResult Generate(ConstrainedGenerator generator, GenerationRequest request) =>
        generator.GenerateAsync(request).GetAwaiter().GetResult();

    private static float ParseTemperature(string? text)
    {
        if (text is null) return 0.8f;
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float t) && t >= 0 && float.IsFinite(t)
            ? t
            : throw new UsageException($"unexpected value '{text}' for --temperature, expected a number ≥ 0");
    }

    /// <summary>Sums over the generations of one mode. Decode = after the prefill (its first token excluded).</summary>
    private sealed class Totals
    {
        public int Runs { get; private set; }
        public long Tokens { get; private set; }
        public long DecodeTokens { get; private set; }
        public TimeSpan Decode { get; private set; }
        public TimeSpan Model { get; private set; }
        public TimeSpan Grammar { get; private set; }
        public TimeSpan Sampling { get; private set; }
        public long FullMasks { get; private set; }
        public long Forced { get; private set; }
        public int ValidJson { get; private set; }
        public int AtLimit { get; private set; }

        public double TokensPerSecond => DecodeTokens / Decode.TotalSeconds;
        public double GrammarUsPerToken => Grammar.TotalMicroseconds / Tokens;

        public void Add(GenerationResult result)
        {
            var s = result.Statistics;
            Runs++;
            Tokens += s.GeneratedTokens;
            DecodeTokens += Math.Max(0, s.GeneratedTokens - 1);
            Decode += s.TotalTime - s.PrefillTime;
            Model += s.ModelTime;
            Grammar += s.GrammarTime;
            Sampling += s.SamplingTime;
            FullMasks += s.FullMasks;
            Forced += s.ForcedTokens;
            if (result.StopReason == GenerationStopReason.MaxTokens) AtLimit++;
            try
            {
                using var _ = JsonDocument.Parse(result.Text);
                ValidJson++;
            }
            catch (JsonException)
            {
            }
        }

        public string Row(string name) => string.Create(CultureInfo.InvariantCulture,
            $"  {name,-12} {Tokens,7} {Decode.TotalSeconds,9:F2} {TokensPerSecond,9:F1} {Model.TotalMicroseconds / Math.Max(1, DecodeTokens),14:F0} {GrammarUsPerToken,17:F1} {Sampling.TotalMicroseconds / Tokens,18:F1} {FullMasks,11} {Forced,7} {ValidJson,6}/{Runs} {AtLimit,9}");

        public JsonObject ToJson() => new()
        {
            ["runs"] = Runs,
            ["tokens"] = Tokens,
            ["decode_tokens"] = DecodeTokens,
            ["decode_seconds"] = Decode.TotalSeconds,
            ["tokens_per_second"] = TokensPerSecond,
            ["model_us_per_step"] = Model.TotalMicroseconds / Math.Max(1, DecodeTokens),
            ["grammar_us_per_token"] = GrammarUsPerToken,
            ["sampling_us_per_token"] = Sampling.TotalMicroseconds / Tokens,
            ["full_masks"] = FullMasks,
            ["forced_tokens"] = Forced,
            ["valid_json"] = ValidJson,
            ["stopped_at_limit"] = AtLimit,
        };
    }
}
