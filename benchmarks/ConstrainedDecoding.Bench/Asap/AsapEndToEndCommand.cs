using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConstrainedDecoding.Bench.Reporting;
using ConstrainedDecoding.OnnxRuntime;
using ConstrainedDecoding.OnnxRuntime.Asap;
using ConstrainedDecoding.Sampling;
using ConstrainedDecoding.Sampling.Asap;
using ConstrainedDecoding.Testing.Asap;

namespace ConstrainedDecoding.Bench.Asap;

/// <summary>
/// <c>asap-e2e</c>: the embedded tiny model after a JSON prompt, constrained by a small regex whose language is finite,
/// so the model's distribution conditioned on it is computed exactly by enumerating every token path. Plain
/// constrained decoding and ASAp then draw the same number of samples; KL to the exact target is recorded at
/// checkpoints, and the final output distributions are compared string by string.
/// </summary>
internal static class AsapEndToEndCommand
{
    /// <summary>The prompt: the model has just opened a value it usually writes as a small number.</summary>
    public const string DefaultPrompt = "{\"id\": 7, \"name\": \"Ann\", \"age\": ";

    /// <summary>The grammar of the continuation: a round number of years and the closing brace.</summary>
    public const string DefaultGrammar = "[1-9]0\\}";

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        var a = new AsapArguments(args, "samples", "seed", "json", "png", "model", "prompt", "grammar", "max-tokens");
        int samples = a.Int("samples", 0, min: 1);
        if (samples == 0) throw new Cli.UsageException("asap-e2e needs --samples N");
        ulong seed = a.Seeds([1])[0];
        int maxTokens = a.Int("max-tokens", 8, min: 1);
        string modelFolder = a.Text("model") ?? Path.Combine("samples", "models", "tiny-json-gpt2");
        string prompt = a.Text("prompt") ?? DefaultPrompt;
        string pattern = a.Text("grammar") ?? DefaultGrammar;
        if (!Directory.Exists(modelFolder)) throw new Cli.UsageException($"model folder '{modelFolder}' not found (run from the repository root or pass --model)");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var generator = ConstrainedGenerator.Load(modelFolder, new ModelOptions { IntraOpThreads = 1 });
        var grammar = generator.CompileRegex(pattern);
        using var source = new OnnxLogitsSource(generator, prompt);
        var exact = ExactDistribution.Compute(grammar, source, maxTokens);
        double enumerateSeconds = clock.Elapsed.TotalSeconds;
        string Text(string key) => TokenPathText(generator, key);
        var targetByText = Marginal(exact.Target, Text);
        var gcdByText = Marginal(exact.Constrained, Text);
        double klLimit = ExactDistribution.Kl(exact.Constrained, exact.Target);
        Console.WriteLine($"prompt {JsonSerializer.Serialize(prompt)}, grammar /{pattern}/: {exact.Target.Count} token paths, {targetByText.Count} strings, " +
                          string.Create(CultureInfo.InvariantCulture, $"P(grammatical) = {exact.Grammatical:G4}, KL(gcd || target) = {klLimit:F4} ({enumerateSeconds:F1} s to enumerate)"));

        int[] checkpoints = Checkpoints(samples);
        var gcdCurve = new List<double>();
        var asapCurve = new List<double>();
        var gcdStringCurve = new List<double>();
        var asapStringCurve = new List<double>();
        var gcdCounts = new Dictionary<string, int>();
        var asapCounts = new Dictionary<string, int>();

        clock.Restart();
        var sampler = new Sampler(new SamplingOptions { Seed = seed });
        for (int i = 1, c = 0; i <= samples; i++)
        {
            Count(gcdCounts, ExactDistribution.Key(AsapExperiment.SampleConstrained(grammar, source, maxTokens, sampler)));
            if (i == checkpoints[c])
            {
                gcdCurve.Add(ExactDistribution.KlFromCounts(gcdCounts, exact.Target));
                gcdStringCurve.Add(ExactDistribution.KlFromCounts(MarginalCounts(gcdCounts, Text), targetByText));
                c++;
            }
        }
        double gcdSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        string modelHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(generator.ModelFolder, "model.onnx"))))[..32];
        var fingerprints = new AsapFingerprints(modelHash, AsapFingerprints.Hash(pattern), source.PromptFingerprint);
        var asap = new AsapSampler(grammar, source, new AsapOptions { Seed = seed, MaxTokens = maxTokens, Fingerprints = fingerprints });
        int passesBefore = source.ForwardPasses;
        for (int i = 1, c = 0; i <= samples; i++)
        {
            Count(asapCounts, ExactDistribution.Key(asap.Sample().Tokens));
            if (i == checkpoints[c])
            {
                asapCurve.Add(ExactDistribution.KlFromCounts(asapCounts, exact.Target));
                asapStringCurve.Add(ExactDistribution.KlFromCounts(MarginalCounts(asapCounts, Text), targetByText));
                c++;
            }
        }
        double asapSeconds = clock.Elapsed.TotalSeconds;
        int asapPasses = source.ForwardPasses - passesBefore;

        Console.WriteLine();
        Console.WriteLine($"{"samples",8} {"kl_gcd",9} {"kl_asap",9} {"kl_gcd_str",10} {"kl_asap_str",11}");
        for (int c = 0; c < checkpoints.Length; c++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{checkpoints[c],8} {gcdCurve[c],9:F4} {asapCurve[c],9:F4} {gcdStringCurve[c],10:F4} {asapStringCurve[c],11:F4}"));
        }
        var gcdEmpirical = Marginal(gcdCounts.ToDictionary(kv => kv.Key, kv => (double)kv.Value / samples), Text);
        var asapEmpirical = Marginal(asapCounts.ToDictionary(kv => kv.Key, kv => (double)kv.Value / samples), Text);
        var strings = targetByText.OrderByDescending(kv => kv.Value).Select(kv => kv.Key).ToList();
        Console.WriteLine();
        Console.WriteLine($"{"output",-10} {"target",8} {"gcd_exact",9} {"gcd",8} {"asap",8}");
        foreach (string s in strings)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s,-10} {targetByText[s],8:F4} {gcdByText.GetValueOrDefault(s),9:F4} {gcdEmpirical.GetValueOrDefault(s),8:F4} {asapEmpirical.GetValueOrDefault(s),8:F4}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\ngcd {gcdSeconds:F1} s; asap {asapSeconds:F1} s, {asapPasses} forward passes, trie {asap.NodeCount} nodes / {asap.TrieBytes} bytes, EFG estimate {asap.ExpectedFuture:G4} (exact {exact.Grammatical:G4})"));

        if (a.Text("png") is { } png)
        {
            AsapPlot.Write(png, checkpoints, gcdCurve, asapCurve, strings.Select(s => (s, targetByText[s], gcdEmpirical.GetValueOrDefault(s), asapEmpirical.GetValueOrDefault(s))).ToList());
            Console.WriteLine($"  plot written to {Path.GetFullPath(png)}");
        }
        if (a.Text("json") is { } path)
        {
            var outputs = new JsonArray();
            foreach (string s in strings)
            {
                outputs.Add(new JsonObject
                {
                    ["text"] = s,
                    ["target"] = targetByText[s],
                    ["gcd_exact"] = gcdByText.GetValueOrDefault(s),
                    ["gcd"] = gcdEmpirical.GetValueOrDefault(s),
                    ["asap"] = asapEmpirical.GetValueOrDefault(s),
                });
            }
            var curve = new JsonArray();
            for (int c = 0; c < checkpoints.Length; c++)
            {
                curve.Add(new JsonObject
                {
                    ["samples"] = checkpoints[c],
                    ["kl_gcd"] = gcdCurve[c],
                    ["kl_asap"] = asapCurve[c],
                    ["kl_gcd_strings"] = gcdStringCurve[c],
                    ["kl_asap_strings"] = asapStringCurve[c],
                });
            }
            var root = new JsonObject
            {
                ["command"] = string.Join(' ', args),
                ["prompt"] = prompt,
                ["grammar"] = pattern,
                ["seed"] = seed,
                ["token_paths"] = exact.Target.Count,
                ["p_grammatical"] = exact.Grammatical,
                ["kl_gcd_limit"] = klLimit,
                ["kl_gcd_limit_strings"] = ExactDistribution.Kl(gcdByText, targetByText),
                ["tasks"] = new JsonArray(new JsonObject
                {
                    ["name"] = "tiny-json-gpt2",
                    ["samples"] = samples,
                    ["kl_gcd"] = gcdCurve[^1],
                    ["kl_asap"] = asapCurve[^1],
                    ["trie_bytes"] = asap.TrieBytes,
                    ["asap_forward_passes"] = asapPasses,
                    ["efg_estimate"] = asap.ExpectedFuture,
                    ["efg_exact"] = exact.Grammatical,
                }),
                ["curve"] = curve,
                ["outputs"] = outputs,
                ["machine"] = JsonSerializer.SerializeToNode(MachineInfo.Current()),
            };
            File.WriteAllText(path, root.ToJsonString(s_indented));
            Console.WriteLine($"  summary written to {Path.GetFullPath(path)}");
        }
        return 0;
    }

    private static int[] Checkpoints(int samples)
    {
        var points = new SortedSet<int>();
        for (int decade = 1; decade <= samples; decade *= 10)
        {
            foreach (int m in new[] { 1, 2, 5 })
            {
                if (decade * m >= 10 && decade * m <= samples) points.Add(decade * m);
            }
        }
        points.Add(samples);
        return [.. points];
    }

    private static string TokenPathText(ConstrainedGenerator generator, string key)
    {
        var bytes = new List<byte>();
        foreach (string part in key.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int id = int.Parse(part, CultureInfo.InvariantCulture);
            if (!generator.Vocabulary.IsStop(id)) bytes.AddRange(generator.Vocabulary.GetTokenBytes(id).ToArray());
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static Dictionary<string, double> Marginal(IReadOnlyDictionary<string, double> byPath, Func<string, string> text)
    {
        var result = new Dictionary<string, double>();
        foreach (var (key, p) in byPath) result[text(key)] = result.GetValueOrDefault(text(key)) + p;
        return result;
    }

    private static Dictionary<string, int> MarginalCounts(Dictionary<string, int> byPath, Func<string, string> text)
    {
        var result = new Dictionary<string, int>();
        foreach (var (key, n) in byPath) result[text(key)] = result.GetValueOrDefault(text(key)) + n;
        return result;
    }

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
