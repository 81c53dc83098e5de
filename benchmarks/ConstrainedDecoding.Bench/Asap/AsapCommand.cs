using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConstrainedDecoding.Bench.Reporting;
using ConstrainedDecoding.Testing.Asap;

namespace ConstrainedDecoding.Bench.Asap;

/// <summary>
/// <c>asap</c>: plain constrained decoding against ASAp on the synthetic tasks with exact answers (KL of each
/// empirical distribution to the model conditioned on the grammar), and ASAp's trie memory on a 50,000-token task.
/// </summary>
internal static class AsapCommand
{
    public const string Usage = """
          ConstrainedDecoding.Bench asap       --samples N [--seed S | --seeds a,b,c] [--json <out.json>]
                                               [--memory-samples M] [--vocabulary V]
          ConstrainedDecoding.Bench asap-e2e   --samples N [--seed S] [--json <out.json>] [--png <plot.png>] [--model <folder>]

          asap         KL(empirical ‖ exact conditioned) for plain constrained decoding (kl_gcd) and ASAp (kl_asap) on
                       the synthetic tasks, per seed (default seeds 1,2,3); trie bytes per sample on a V-token task
                       (default 50000) over M samples (default N)
          asap-e2e     the same comparison with the embedded tiny model and a small JSON grammar; --png writes a plot
        """;

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        var a = new AsapArguments(args, "samples", "seed", "seeds", "json", "memory-samples", "vocabulary");
        int samples = a.Int("samples", 0, min: 1);
        if (samples == 0) throw new Cli.UsageException("asap needs --samples N");
        ulong[] seeds = a.Seeds([1, 2, 3]);
        int memorySamples = a.Int("memory-samples", samples, min: 1);
        int vocabulary = a.Int("vocabulary", 50_000, min: 30);

        var tasks = new JsonArray();
        Console.WriteLine($"{"task",-22} {"seed",5} {"samples",8} {"kl_gcd",9} {"kl_asap",9} {"gcd_limit",9} {"efg_est",9} {"efg_exact",9} {"trie_bytes",11} {"calls",8} {"s",6}");
        foreach (var task in AsapTasks.Small())
        {
            var exact = ExactDistribution.Compute(task);
            foreach (ulong seed in seeds)
            {
                var r = AsapExperiment.Run(task, exact, samples, seed);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Task,-22} {r.Seed,5} {r.Samples,8} {r.KlConstrained,9:F4} {r.KlAsap,9:F4} {r.KlConstrainedLimit,9:F4} {r.ExpectedFutureEstimate,9:F5} {r.ExpectedFutureExact,9:F5} {r.TrieBytes,11} {r.AsapModelCalls,8} {r.Seconds,6:F2}"));
                tasks.Add(new JsonObject
                {
                    ["name"] = r.Task,
                    ["samples"] = r.Samples,
                    ["seed"] = r.Seed,
                    ["kl_gcd"] = r.KlConstrained,
                    ["kl_asap"] = r.KlAsap,
                    ["kl_gcd_limit"] = r.KlConstrainedLimit,
                    ["trie_bytes"] = r.TrieBytes,
                    ["trie_nodes"] = r.TrieNodes,
                    ["efg_estimate"] = r.ExpectedFutureEstimate,
                    ["efg_exact"] = r.ExpectedFutureExact,
                    ["asap_model_calls"] = r.AsapModelCalls,
                    ["seconds"] = r.Seconds,
                });
            }
        }

        var large = AsapTasks.LargeVocabulary(vocabulary);
        var memory = new JsonArray();
        Console.WriteLine();
        Console.WriteLine($"{"task",-22} {"seed",5} {"samples",8} {"trie_bytes",11} {"nodes",8} {"bytes/sample",12} {"dense_bytes",14} {"calls",8} {"s",6}");
        foreach (ulong seed in seeds)
        {
            var m = AsapExperiment.RunMemory(large, memorySamples, seed);
            double perSample = (double)m.TrieBytes / m.Samples;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Task,-22} {seed,5} {m.Samples,8} {m.TrieBytes,11} {m.TrieNodes,8} {perSample,12:F1} {m.DenseBytes,14} {m.AsapModelCalls,8} {m.Seconds,6:F2}"));
            memory.Add(new JsonObject
            {
                ["name"] = m.Task,
                ["vocabulary"] = m.VocabularySize,
                ["samples"] = m.Samples,
                ["seed"] = seed,
                ["trie_bytes"] = m.TrieBytes,
                ["trie_nodes"] = m.TrieNodes,
                ["trie_bytes_per_sample"] = perSample,
                ["dense_bytes"] = m.DenseBytes,
                ["asap_model_calls"] = m.AsapModelCalls,
                ["seconds"] = m.Seconds,
            });
        }

        if (a.Text("json") is { } path)
        {
            var machine = MachineInfo.Current();
            var root = new JsonObject
            {
                ["command"] = string.Join(' ', args),
                ["kl"] = "KL(empirical || exact model-conditioned-on-grammar), nats; kl_gcd_limit = KL(exact plain constrained decoding || exact target)",
                ["machine"] = JsonSerializer.SerializeToNode(machine),
                ["tasks"] = tasks,
                ["memory"] = memory,
            };
            File.WriteAllText(path, root.ToJsonString(s_indented));
            Console.WriteLine($"  summary written to {Path.GetFullPath(path)}");
        }
        return 0;
    }
}
