using System.Diagnostics;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Sampling;
using ConstrainedDecoding.Sampling.Asap;

namespace ConstrainedDecoding.Testing.Asap;

/// <summary>What one run of a task measured.</summary>
/// <param name="Task">Task name.</param>
/// <param name="Samples">Samples drawn by each method.</param>
/// <param name="Seed">Seed of both samplers.</param>
/// <param name="KlConstrained">KL(empirical plain constrained decoding ‖ exact target), nats.</param>
/// <param name="KlAsap">KL(empirical ASAp ‖ exact target), nats.</param>
/// <param name="KlConstrainedLimit">KL(exact plain constrained decoding ‖ exact target): where plain decoding converges.</param>
/// <param name="TrieBytes">ASAp trie bytes at the end.</param>
/// <param name="TrieNodes">ASAp trie nodes at the end.</param>
/// <param name="ExpectedFutureEstimate">ASAp's estimate of the root's expected future grammaticality.</param>
/// <param name="ExpectedFutureExact">The exact value.</param>
/// <param name="AsapModelCalls">Model calls made by ASAp.</param>
/// <param name="Seconds">Wall time of both samplers.</param>
public sealed record AsapRun(string Task, int Samples, ulong Seed, double KlConstrained, double KlAsap, double KlConstrainedLimit,
    long TrieBytes, int TrieNodes, double ExpectedFutureEstimate, double ExpectedFutureExact, long AsapModelCalls, double Seconds);

/// <summary>What a large-vocabulary run measured: trie memory against the dense alternative.</summary>
/// <param name="Task">Task name.</param>
/// <param name="VocabularySize">Tokens.</param>
/// <param name="Samples">Samples drawn.</param>
/// <param name="TrieBytes">ASAp trie bytes.</param>
/// <param name="TrieNodes">Trie nodes.</param>
/// <param name="DenseBytes">What storing an entry (token, probability, estimate: 16 bytes) for every allowed token at every visited prefix would take.</param>
/// <param name="AsapModelCalls">Model calls.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record AsapMemoryRun(string Task, int VocabularySize, int Samples, long TrieBytes, int TrieNodes, long DenseBytes, long AsapModelCalls, double Seconds);

/// <summary>Runs plain constrained decoding and ASAp side by side on a task.</summary>
public static class AsapExperiment
{
    /// <summary>Bytes per entry of the dense layout <see cref="AsapMemoryRun.DenseBytes"/> assumes (int token, float probability, double estimate).</summary>
    public const int DenseEntryBytes = 16;

    /// <summary>One plain constrained-decoding sample: <see cref="Sampler"/> at temperature 1 with the grammar's mask.</summary>
    public static int[] SampleConstrained(AsapTask task, Sampler sampler) => SampleConstrained(task.Grammar, task.Model, task.MaxTokens, sampler);

    /// <summary>One plain constrained-decoding sample of <paramref name="model"/> under <paramref name="grammar"/>.</summary>
    public static int[] SampleConstrained(CompiledGrammar grammar, ILogitsSource model, int maxTokens, Sampler sampler)
    {
        var matcher = grammar.CreateMatcher();
        var buffer = new uint[matcher.MaskWordCount];
        var logits = new float[model.LogitsWidth];
        var tokens = new List<int>();
        while (!matcher.IsTerminated && tokens.Count < maxTokens)
        {
            matcher.FillNextTokenMask(buffer);
            if (LogitMask.CountAllowed(buffer, logits.Length) == 0) break;
            model.ComputeLogits(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens), logits, CancellationToken.None);
            var constraint = new GrammarMatcherConstraint(matcher, buffer);
            int token = sampler.Sample(logits, ref constraint);
            if (!matcher.TryAcceptToken(token)) throw new InvalidOperationException($"sampler chose disallowed token {token}");
            tokens.Add(token);
        }
        return [.. tokens];
    }

    /// <summary>Draws <paramref name="samples"/> outputs with each method and compares them with the exact target.</summary>
    public static AsapRun Run(AsapTask task, ExactDistribution exact, int samples, ulong seed)
    {
        var clock = Stopwatch.StartNew();
        var sampler = new Sampler(new SamplingOptions { Seed = seed });
        var gcd = new Dictionary<string, int>();
        for (int i = 0; i < samples; i++) Count(gcd, ExactDistribution.Key(SampleConstrained(task, sampler)));

        var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = seed, MaxTokens = task.MaxTokens });
        var counts = new Dictionary<string, int>();
        long calls = 0;
        for (int i = 0; i < samples; i++)
        {
            var sample = asap.Sample();
            calls += sample.ModelCalls;
            Count(counts, ExactDistribution.Key(sample.Tokens));
        }
        return new AsapRun(task.Name, samples, seed,
            ExactDistribution.KlFromCounts(gcd, exact.Target),
            ExactDistribution.KlFromCounts(counts, exact.Target),
            ExactDistribution.Kl(exact.Constrained, exact.Target),
            asap.TrieBytes, asap.NodeCount, asap.ExpectedFuture, exact.Grammatical, calls, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Draws <paramref name="samples"/> ASAp outputs on a large-vocabulary task and measures the trie.</summary>
    public static AsapMemoryRun RunMemory(AsapTask task, int samples, ulong seed)
    {
        var clock = Stopwatch.StartNew();
        var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = seed, MaxTokens = task.MaxTokens });
        long calls = 0;
        for (int i = 0; i < samples; i++) calls += asap.Sample().ModelCalls;
        long dense = 0;
        var trie = asap.Trie;
        for (int node = 0; node < trie.Count; node++) dense += (long)trie.AllowedCount(node) * DenseEntryBytes;
        return new AsapMemoryRun(task.Name, task.Vocabulary.Count - 1, samples, asap.TrieBytes, asap.NodeCount, dense, calls, clock.Elapsed.TotalSeconds);
    }

    private static void Count(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
