using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Model;

/// <summary>
/// The fp16 cache and fp16 logits path, through Fixtures/fp16-cache: a random-weight 2-layer decoder whose
/// <c>past_key_values</c>/<c>present</c> and <c>logits</c> are float16 (see Fixtures/make_fp16_cache_model.py).
/// </summary>
public sealed class HalfPrecisionCacheTests : IDisposable
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "models", "fp16-cache");

    private readonly ConstrainedGenerator _generator = ConstrainedGenerator.Load(Folder, new ModelOptions { IntraOpThreads = 1 });

    public void Dispose() => _generator.Dispose();

    [Fact]
    public void Loads_WithAHalfPrecisionCache()
    {
        Assert.True(_generator.HasHalfPrecisionCache);
        Assert.Equal(2, _generator.LayerCount);
        Assert.Equal(50257, _generator.LogitsWidth);
        Assert.Equal(256, _generator.ContextLength);
        Assert.Contains(50256, _generator.StopTokenIds);
    }

    [Fact]
    public void KvCacheLogits_MatchAFullRunWithoutCache_WithinHalfPrecision()
    {
        int[] prompt = _generator.EncodePrompt("{\"id\": 7, \"tags\": [");
        var tokens = new List<int>(prompt);
        var cachedRows = new List<float[]>();
        using (var state = _generator.CreateDecoderState(1))
        {
            state.Forward(prompt, Enumerable.Repeat(true, prompt.Length).ToArray(), prompt.Length);
            for (int step = 0; step < 20; step++)
            {
                float[] row = state.LogitsRow(0).ToArray();
                cachedRows.Add(row);
                int next = Array.IndexOf(row, row.Max());
                tokens.Add(next);
                state.Forward([next], [true], 1);
            }
        }
        using var full = _generator.CreateDecoderState(1);
        full.Forward(tokens.ToArray(), Enumerable.Repeat(true, tokens.Count).ToArray(), tokens.Count);
        float[] all = full.AllLogits();
        int width = _generator.LogitsWidth;
        double worst = 0, scale = 0;
        for (int step = 0; step < cachedRows.Count; step++)
        {
            int position = prompt.Length - 1 + step;
            for (int v = 0; v < width; v++)
            {
                worst = Math.Max(worst, Math.Abs(all[position * width + v] - cachedRows[step][v]));
                scale = Math.Max(scale, Math.Abs(all[position * width + v]));
            }
        }
        // The cached run reads keys/values rounded to fp16 (10-bit mantissa) where the full run uses fp32 ones, and
        // both round the logits to fp16: agreement within 1% of the largest logit, and not trivially (scale > 1).
        Assert.True(scale > 1, $"logits too small to compare: {scale}");
        Assert.True(worst <= 0.01 * scale, $"largest difference {worst}, largest logit {scale}");
    }

    [Fact]
    public async Task ConstrainedGeneration_FollowsTheGrammar_AndStopsWhenComplete()
    {
        var grammar = _generator.CompileJsonSchema("""{"type": "object", "properties": {"id": {"type": "integer", "minimum": 0, "maximum": 999}, "ok": {"type": "boolean"}}, "required": ["id", "ok"], "additionalProperties": false}""",
            new JsonSchema.JsonSchemaOptions { Whitespace = JsonSchema.JsonWhitespace.Compact });
        for (ulong seed = 0; seed < 5; seed++)
        {
            var options = new GenerationOptions { MaxNewTokens = 60, Sampling = new SamplingOptions { Temperature = 1f, Seed = seed } };
            var result = await _generator.GenerateAsync("", grammar, options);
            Assert.NotEqual(GenerationStopReason.MaxTokens, result.StopReason);
            Assert.Contains(result.TokenIds[^1], _generator.StopTokenIds);
            using var document = System.Text.Json.JsonDocument.Parse(result.Text);
            double id = document.RootElement.GetProperty("id").GetDouble(); // JSON Schema integers may be written 7.0
            Assert.Equal(Math.Floor(id), id);
            Assert.InRange(id, 0, 999);
            Assert.Contains(document.RootElement.GetProperty("ok").ValueKind, new[] { System.Text.Json.JsonValueKind.True, System.Text.Json.JsonValueKind.False });
        }
    }

    [Fact]
    public async Task Batch_WithLeftPadding_EqualsSequencesRunAlone()
    {
        var digits = _generator.CompileRegex("[0-9]{3,8}");
        GenerationRequest[] requests =
        [
            new("a much longer prompt than the other one, so that the second row is padded", digits, new GenerationOptions { MaxNewTokens = 12 }),
            new("x", null, new GenerationOptions { MaxNewTokens = 12 }),
        ];
        var batch = await _generator.GenerateBatchAsync(requests);
        Assert.Matches("^[0-9]{3,8}$", batch[0].Text);
        for (int i = 0; i < requests.Length; i++)
        {
            var alone = await _generator.GenerateAsync(requests[i]);
            Assert.Equal(alone.TokenIds, batch[i].TokenIds);
        }
    }
}
