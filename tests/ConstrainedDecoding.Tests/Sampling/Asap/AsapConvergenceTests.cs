using ConstrainedDecoding.Sampling;
using ConstrainedDecoding.Sampling.Asap;
using ConstrainedDecoding.Testing.Asap;

namespace ConstrainedDecoding.Tests.Sampling.Asap;

/// <summary>ASAp against exact enumeration on the synthetic tasks: first sample, KL to the conditioned distribution, expected-future estimates.</summary>
public class AsapConvergenceTests
{
    public static TheoryData<string> TaskNames => new(AsapTasks.Small().Select(t => t.Name));

    private static AsapTask Task(string name) => AsapTasks.Small().Single(t => t.Name == name);

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void FirstSample_EqualsConstrainedDecoding(string name)
    {
        var task = Task(name);
        for (ulong seed = 1; seed <= 20; seed++)
        {
            int[] expected = AsapExperiment.SampleConstrained(task, new Sampler(new SamplingOptions { Seed = seed }));
            var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = seed, MaxTokens = task.MaxTokens });
            var sample = asap.Sample();
            Assert.Equal(expected, sample.Tokens);
            Assert.True(sample.Completed);
            Assert.False(sample.Truncated);
        }
    }

    [Fact]
    public void FirstSample_EqualsConstrainedDecoding_LargeVocabulary()
    {
        var task = AsapTasks.LargeVocabulary(3000);
        for (ulong seed = 1; seed <= 5; seed++)
        {
            int[] expected = AsapExperiment.SampleConstrained(task, new Sampler(new SamplingOptions { Seed = seed }));
            var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = seed, MaxTokens = task.MaxTokens });
            Assert.Equal(expected, asap.Sample().Tokens);
        }
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Kl_FallsWithSamples_AndEndsWellBelowConstrainedDecoding(string name)
    {
        var task = Task(name);
        var exact = ExactDistribution.Compute(task);
        foreach (ulong seed in new ulong[] { 3, 4 })
        {
            var few = AsapExperiment.Run(task, exact, 100, seed);
            var many = AsapExperiment.Run(task, exact, 3000, seed);
            string report = $"{name} seed {seed}: asap {few.KlAsap:F4} -> {many.KlAsap:F4}, gcd {few.KlConstrained:F4} -> {many.KlConstrained:F4}, gcd limit {many.KlConstrainedLimit:F4}";
            Assert.True(many.KlAsap < few.KlAsap, report);
            Assert.True(many.KlAsap < many.KlConstrained / 4, report);
            Assert.True(many.KlAsap < many.KlConstrainedLimit / 4, report);
        }
    }

    [Fact]
    public void ConstrainedDecoding_IsReallyBiasedOnTheTasks()
    {
        // The comparison above means something only if plain constrained decoding is far from the target.
        foreach (var task in AsapTasks.Small())
        {
            double limit = ExactDistribution.Kl(ExactDistribution.Compute(task).Constrained, ExactDistribution.Compute(task).Target);
            Assert.True(limit > 0.03, $"{task.Name}: KL(gcd || target) = {limit}");
        }
        var skewed = ExactDistribution.Compute(AsapTasks.SkewedPrefix());
        Assert.Equal(0.899 * Math.Pow(0.4995, 4) * 0.9 / skewed.Grammatical, skewed.Target["0,0,0,0,0,2"], 6); // logits are floats
        Assert.True(skewed.Constrained["0,0,0,0,0,2"] > 0.89);
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void ExpectedFutures_AreUpperBounds_AndConvergeToExactValues(string name)
    {
        var task = Task(name);
        var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = 9, MaxTokens = task.MaxTokens });
        double exactRoot = ExactDistribution.Compute(task).Grammatical;
        Assert.Equal(1.0, asap.ExpectedFuture);
        double previous = 1;
        for (int round = 0; round < 8; round++)
        {
            for (int i = 0; i < 250; i++) asap.Sample();
            // Unexplored children count as 1, so an estimate never falls below the truth, and it only falls.
            Assert.True(asap.ExpectedFuture >= exactRoot - 1e-12, $"root estimate {asap.ExpectedFuture} below exact {exactRoot}");
            Assert.True(asap.ExpectedFuture <= previous + 1e-12, $"root estimate rose from {previous} to {asap.ExpectedFuture}");
            previous = asap.ExpectedFuture;
        }
        Assert.True(Math.Abs(asap.ExpectedFuture - exactRoot) < 1e-3 * exactRoot, $"root estimate {asap.ExpectedFuture}, exact {exactRoot}");
        // Every explored prefix of length up to 4 is close to its exact value, weighted by how likely the model is to
        // reach it (rarely reached prefixes converge last, and matter least): its error moves the root by < 0.2%.
        foreach (int[] prefix in Prefixes(4))
        {
            if (!asap.TryGetExpectedFuture(prefix, out double estimate)) continue;
            double exact = ExactDistribution.ExpectedFuture(task, prefix);
            double reach = 1;
            for (int k = 0; k < prefix.Length; k++) reach *= task.Model.Probabilities(prefix.AsSpan(0, k))[prefix[k]];
            Assert.True(estimate >= exact - 1e-12, $"prefix {string.Join(",", prefix)}: estimate {estimate} below exact {exact}");
            Assert.True(Math.Abs(estimate - exact) * reach <= 2e-3 * exactRoot, $"prefix {string.Join(",", prefix)}: estimate {estimate}, exact {exact}");
        }
    }

    [Fact]
    public void ExpectedFutures_AreExact_OnceTheLanguageIsFullyExplored()
    {
        var task = AsapTasks.SkewedPrefix();
        var exact = ExactDistribution.Compute(task);
        var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = 2, MaxTokens = task.MaxTokens });
        var seen = new HashSet<string>();
        for (int i = 0; i < 5000 && seen.Count < exact.Target.Count; i++) seen.Add(ExactDistribution.Key(asap.Sample().Tokens));
        Assert.Equal(exact.Target.Count, seen.Count);
        Assert.Equal(exact.Grammatical, asap.ExpectedFuture, 12);
        foreach (int[] prefix in Prefixes(5))
        {
            if (asap.TryGetExpectedFuture(prefix, out double estimate)) Assert.Equal(ExactDistribution.ExpectedFuture(task, prefix), estimate, 12);
        }
    }

    private static IEnumerable<int[]> Prefixes(int maxLength)
    {
        yield return [];
        for (int length = 1; length <= maxLength; length++)
        {
            for (int bits = 0; bits < 1 << length; bits++)
            {
                var prefix = new int[length];
                for (int k = 0; k < length; k++) prefix[k] = (bits >> (length - 1 - k)) & 1;
                yield return prefix;
            }
        }
    }
}
