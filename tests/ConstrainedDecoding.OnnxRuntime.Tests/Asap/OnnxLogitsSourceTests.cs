using System.Text;
using ConstrainedDecoding.OnnxRuntime.Asap;
using ConstrainedDecoding.Sampling;
using ConstrainedDecoding.Sampling.Asap;
using ConstrainedDecoding.Testing.Asap;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Asap;

/// <summary>ASAp over the embedded tiny model through <see cref="OnnxLogitsSource"/>.</summary>
[Collection(TinyModelCollection.Name)]
public class OnnxLogitsSourceTests(TinyModel model)
{
    private const string Prompt = "{\"id\": 7, \"name\": \"Ann\", \"age\": ";

    [Fact]
    public void IncrementalLogits_EqualAFreshRun()
    {
        using var incremental = new OnnxLogitsSource(model.Generator, Prompt);
        using var fresh = new OnnxLogitsSource(model.Generator, Prompt);
        int[] tokens = model.Generator.Tokenizer.EncodeToIds("42, \"x\"").ToArray();
        var a = new float[incremental.LogitsWidth];
        var b = new float[fresh.LogitsWidth];
        for (int n = 1; n <= tokens.Length; n++) incremental.ComputeLogits(tokens.AsSpan(0, n), a, CancellationToken.None);
        fresh.ComputeLogits(tokens, b, CancellationToken.None);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-3f, $"logit {i}: {a[i]} incremental, {b[i]} fresh");
        Assert.True(incremental.ForwardPasses == 1 + tokens.Length, $"{incremental.ForwardPasses} passes");
        // Back to a shorter prefix: a restart, same answer as the first time.
        var again = new float[a.Length];
        incremental.ComputeLogits(tokens.AsSpan(0, 1), again, CancellationToken.None);
        var first = new float[a.Length];
        fresh.ComputeLogits(tokens.AsSpan(0, 1), first, CancellationToken.None);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(again[i] - first[i]) < 1e-3f);
        // The empty prefix is the prompt's logits, kept from the first run.
        int passes = incremental.ForwardPasses;
        incremental.ComputeLogits([], again, CancellationToken.None);
        Assert.Equal(passes, incremental.ForwardPasses);
    }

    [Fact]
    public void Asap_WithTheTinyModel_SamplesTheGrammar_AndStartsAsConstrainedDecoding()
    {
        var grammar = model.Generator.CompileRegex("[1-9]0\\}");
        using var source = new OnnxLogitsSource(model.Generator, Prompt);
        int[] expected = AsapExperiment.SampleConstrained(grammar, source, 8, new Sampler(new SamplingOptions { Seed = 3 }));
        var asap = new AsapSampler(grammar, source, new AsapOptions { Seed = 3, MaxTokens = 8 });
        Assert.Equal(expected, asap.Sample().Tokens);
        double previous = asap.ExpectedFuture;
        for (int i = 0; i < 30; i++)
        {
            var sample = asap.Sample();
            Assert.True(sample.Completed);
            var text = new StringBuilder();
            foreach (int t in sample.Tokens)
            {
                if (!model.Generator.Vocabulary.IsStop(t)) text.Append(Encoding.UTF8.GetString(model.Generator.Vocabulary.GetTokenBytes(t)));
            }
            Assert.Matches("^[1-9]0\\}$", text.ToString());
            Assert.True(asap.ExpectedFuture <= previous + 1e-15);
            previous = asap.ExpectedFuture;
        }
        // The estimate is an upper bound of the exact probability that the model writes such an age.
        double exact = ExactDistribution.Compute(grammar, source, 8).Grammatical;
        Assert.True(asap.ExpectedFuture >= exact - 1e-12 && asap.ExpectedFuture < 1, $"estimate {asap.ExpectedFuture}, exact {exact}");
    }
}
