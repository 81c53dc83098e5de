using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Sampling;
using ConstrainedDecoding.Sampling.Asap;
using ConstrainedDecoding.Testing.Asap;

namespace ConstrainedDecoding.Tests.Sampling.Asap;

/// <summary>Settings validation, memory cap, length limit, cancellation and memory growth of <see cref="AsapSampler"/>.</summary>
public class AsapSamplerBehaviourTests
{
    public static TheoryData<string, SamplingOptions> Distorting => new()
    {
        { "TopK", new SamplingOptions { TopK = 2 } },
        { "TopP", new SamplingOptions { TopP = 0.9f } },
        { "MinP", new SamplingOptions { MinP = 0.1f } },
        { "RepetitionPenalty", new SamplingOptions { RepetitionPenalty = 1.2f } },
        { "temperature 0", SamplingOptions.Greedy },
        { "Temperature", new SamplingOptions { Temperature = 0.7f } },
    };

    [Theory]
    [MemberData(nameof(Distorting))]
    public void DistortingSettings_AreRefused(string what, SamplingOptions sampling)
    {
        var task = AsapTasks.SkewedPrefix();
        var e = Assert.Throws<ArgumentException>(() => new AsapSampler(task.Grammar, task.Model, new AsapOptions { Sampling = sampling }));
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.Contains("ASAp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonUnitTemperature_UnderTheOptOut_IsAcceptedWithAWarning()
    {
        var task = AsapTasks.SkewedPrefix();
        var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Sampling = new SamplingOptions { Temperature = 0.5f }, AllowNonUnitTemperature = true });
        Assert.Single(asap.Warnings);
        Assert.Contains("temperature-0.5", asap.Warnings[0], StringComparison.Ordinal);
        Assert.True(asap.Sample().Completed);
        Assert.Empty(new AsapSampler(task.Grammar, task.Model).Warnings);
        // Truncation stays refused even under the opt-out.
        Assert.Throws<ArgumentException>(() => new AsapSampler(task.Grammar, task.Model, new AsapOptions { Sampling = new SamplingOptions { TopK = 1 }, AllowNonUnitTemperature = true }));
    }

    [Fact]
    public void OutOfRangeOptions_AndWrongWidth_AreRefused()
    {
        var task = AsapTasks.SkewedPrefix();
        Assert.Throws<ArgumentException>(() => new AsapSampler(task.Grammar, task.Model, new AsapOptions { MaxTokens = 0 }));
        Assert.Throws<ArgumentException>(() => new AsapSampler(task.Grammar, task.Model, new AsapOptions { MaxTokens = Limits.MaxAsapSampleTokens + 1 }));
        Assert.Throws<ArgumentException>(() => new AsapSampler(task.Grammar, task.Model, new AsapOptions { MaxTrieBytes = Limits.MaxAsapTrieBytes + 1 }));
        Assert.Throws<ArgumentException>(() => new AsapSampler(task.Grammar, task.Model, new AsapOptions { MaxTrieBytes = 1 }));
        var wide = new SyntheticLanguageModel(7, (_, logits) => logits.Clear());
        var e = Assert.Throws<ArgumentException>(() => new AsapSampler(task.Grammar, wide));
        Assert.Contains("logits width 7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryCap_ThrowsAndLeavesTheTrieAsItWas()
    {
        var task = AsapTasks.NoAdjacentOnes();
        var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = 1, MaxTokens = task.MaxTokens, MaxTrieBytes = 20 * 41 });
        AsapMemoryLimitException? hit = null;
        int nodesBefore = 0;
        double estimateBefore = 0;
        for (int i = 0; i < 200 && hit is null; i++)
        {
            nodesBefore = asap.NodeCount;
            estimateBefore = asap.ExpectedFuture;
            try
            {
                asap.Sample();
            }
            catch (AsapMemoryLimitException e)
            {
                hit = e;
            }
        }
        Assert.NotNull(hit);
        Assert.Equal(20 * 41, hit.LimitBytes);
        Assert.Equal(nodesBefore, asap.NodeCount);
        Assert.Equal(estimateBefore, asap.ExpectedFuture);
        Assert.True(asap.TrieBytes <= 20 * 41);
        Assert.Contains("Limits.MaxAsapTrieBytes", hit.Message, StringComparison.Ordinal);
        // Still consistent: saving and loading works.
        using var file = new MemoryStream();
        asap.Save(file);
        file.Position = 0;
        Assert.Equal(asap.NodeCount, AsapSampler.Load(file, task.Grammar, task.Model, new AsapOptions { MaxTokens = task.MaxTokens }).NodeCount);
    }

    [Fact]
    public void Cancellation_MidSample_LeavesTheTrieAsItWas()
    {
        var task = AsapTasks.NoAdjacentOnes();
        using var cts = new CancellationTokenSource();
        int calls = 0;
        var model = new SyntheticLanguageModel(3, (prefix, logits) =>
        {
            if (++calls == 40) cts.Cancel();
            task.Model.ComputeLogits(prefix, logits, CancellationToken.None);
        });
        var asap = new AsapSampler(task.Grammar, model, new AsapOptions { Seed = 2, MaxTokens = task.MaxTokens });
        int nodes = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                nodes = asap.NodeCount;
                asap.Sample(cts.Token);
            }
        });
        Assert.Equal(nodes, asap.NodeCount);
        Assert.Throws<OperationCanceledException>(() => asap.Sample(cts.Token));
        Assert.True(asap.Sample().Completed); // usable afterwards
    }

    [Fact]
    public void LengthLimit_TruncatesAndLearnsToAvoidLongOutputs()
    {
        var vocabulary = AsapTasks.Binary();
        var grammar = new GrammarCompiler(vocabulary).CompileRegex("[01]{1,6}");
        // The model likes to go on: most outputs are longer than 3 tokens.
        var model = new SyntheticLanguageModel(3, (prefix, logits) => { logits[0] = 1; logits[1] = 1; logits[2] = -1; });
        var asap = new AsapSampler(grammar, model, new AsapOptions { Seed = 4, MaxTokens = 3 });
        int truncated = 0, lateTruncated = 0;
        for (int i = 0; i < 400; i++)
        {
            var sample = asap.Sample();
            Assert.True(sample.Tokens.Length <= 3);
            Assert.Equal(!sample.Truncated, sample.Completed);
            if (sample.Truncated)
            {
                truncated++;
                if (i >= 200) lateTruncated++;
            }
        }
        Assert.True(truncated > 0);
        Assert.Equal(0, lateTruncated); // every 3-token path ending without stop is explored and dead by then

        // A grammar whose every output is too long: the sampler says so once it has seen every path die.
        var tooLong = new AsapSampler(new GrammarCompiler(vocabulary).CompileRegex("[01]{5}"), model, new AsapOptions { MaxTokens = 3 });
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            for (int i = 0; i < 100; i++) Assert.True(tooLong.Sample().Truncated);
        });
        Assert.Contains("within 3 tokens", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrieMemory_GrowsWithExploredNodes_NotWithTheVocabulary()
    {
        var small = AsapTasks.LargeVocabulary(2000);
        var large = AsapTasks.LargeVocabulary(20000);
        long[] bytes = new long[2];
        int index = 0;
        foreach (var task in new[] { small, large })
        {
            var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = 3, MaxTokens = task.MaxTokens });
            long tokens = 0;
            for (int i = 0; i < 40; i++) tokens += asap.Sample().Tokens.Length;
            Assert.True(asap.NodeCount <= tokens + 1, $"{asap.NodeCount} nodes for {tokens} sampled tokens");
            Assert.Equal(asap.NodeCount * 41L, asap.TrieBytes);
            bytes[index++] = asap.TrieBytes;
        }
        // Ten times the vocabulary, about the same trie (same number of samples and similar lengths).
        Assert.True(bytes[1] < 2 * bytes[0], $"{bytes[0]} bytes with 2,000 tokens, {bytes[1]} with 20,000");
    }

    [Fact]
    public void UnexploredPrefix_ReportsOne()
    {
        var task = AsapTasks.SkewedPrefix();
        var asap = new AsapSampler(task.Grammar, task.Model);
        Assert.False(asap.TryGetExpectedFuture([0, 1], out double estimate));
        Assert.Equal(1, estimate);
        Assert.True(asap.TryGetExpectedFuture([], out _));
    }
}
