using System.Text.Json;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;
using Xunit.Abstractions;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Generation;

[Collection(TinyModelCollection.Name)]
public class JsonGenerationTests(TinyModel model, ITestOutputHelper output)
{
    private const string Prompt = "{\n  \"name\":";

    public static TheoryData<string> SamplingKinds => new() { "pure", "truncated" };

    // Temperature 0.8: at 1.0 this 7M-parameter model sometimes writes one string for hundreds of tokens.
    [Theory]
    [MemberData(nameof(SamplingKinds))]
    public async Task TwentySeeds_ConstrainedOutputParses(string kind)
    {
        var lengths = new List<int>();
        for (ulong seed = 0; seed < 20; seed++)
        {
            var sampling = kind == "pure"
                ? new SamplingOptions { Temperature = 0.8f, Seed = seed }                      // sample-first masks
                : new SamplingOptions { Temperature = 0.8f, Seed = seed, MinP = 0.05f, TopK = 40 }; // full masks while the model runs
            var options = new GenerationOptions { Sampling = sampling, MaxNewTokens = 400 };
            var result = await model.Generator.GenerateAsync(new GenerationRequest(Prompt, model.Json, options) { GrammarPrefix = Prompt });
            Assert.True(result.StopReason is GenerationStopReason.StopToken or GenerationStopReason.GrammarComplete,
                $"seed {seed}: stopped by {result.StopReason} after {result.TokenIds.Count} tokens: {result.Text}");
            using var document = JsonDocument.Parse(Prompt + result.Text); // throws if not JSON
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            Assert.True(model.Generator.StopTokenIds.Contains(result.TokenIds[^1]), $"seed {seed}: the last token {result.TokenIds[^1]} is not a stop token");
            lengths.Add(result.TokenIds.Count);
        }
        output.WriteLine($"tokens per output: {string.Join(", ", lengths)}");
    }

    [Fact]
    public async Task ConstrainedGreedy_EqualsUnconstrainedGreedy_WhenThatIsAlreadyValid()
    {
        string[] prompts = ["{\"id\": 1, \"name\":", "[1, 2,", "{\"type\": \"string\"", "{\"a\": [", "{\"enabled\":", "{\n  \"type\": \"object\",\n  \"properties\": {"];
        int valid = 0;
        foreach (string prompt in prompts)
        {
            var options = new GenerationOptions { MaxNewTokens = 80, StopWhenComplete = false };
            var free = await model.Generator.GenerateAsync(prompt, null, options);
            var constrained = await model.Generator.GenerateAsync(new GenerationRequest(prompt, model.Json, options) { GrammarPrefix = prompt });
            bool freeIsValid = free.StopReason == GenerationStopReason.StopToken && IsJson(prompt + free.Text);
            output.WriteLine($"{prompt.ReplaceLineEndings("\\n")} → free valid: {freeIsValid} ({free.StopReason}); free: {free.Text.ReplaceLineEndings("\\n")}");
            if (!freeIsValid)
            {
                // The mask only removes invalid tokens, so the outputs agree up to the first token the grammar rejects.
                int common = free.TokenIds.Zip(constrained.TokenIds).TakeWhile(p => p.First == p.Second).Count();
                var matcher = model.Json.CreateMatcher();
                Assert.True(matcher.TryAcceptString(prompt));
                for (int i = 0; i < common; i++) Assert.True(matcher.TryAcceptToken(free.TokenIds[i]));
                if (common < free.TokenIds.Count) Assert.False(matcher.IsTokenAllowed(free.TokenIds[common]), $"{prompt}: diverged at {common} although the free token was allowed");
                continue;
            }
            valid++;
            Assert.Equal(free.TokenIds, constrained.TokenIds);
            Assert.Equal(free.Text, constrained.Text);
        }
        output.WriteLine($"{valid} of {prompts.Length} unconstrained greedy outputs were valid JSON");
        Assert.True(valid >= 1, "no prompt gave a valid unconstrained output, so the equality was never checked");
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
