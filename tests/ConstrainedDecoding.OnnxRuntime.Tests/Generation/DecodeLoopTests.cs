using System.Text;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Generation;

[Collection(TinyModelCollection.Name)]
public class DecodeLoopTests(TinyModel model)
{
    private const string Prompt = "{\n  \"name\":";

    [Fact]
    public void KvCacheLogits_MatchAFullRunWithoutCache()
    {
        int[] prompt = model.Generator.EncodePrompt(Prompt);
        var tokens = new List<int>(prompt);
        var cachedRows = new List<float[]>();
        using (var state = model.Generator.CreateDecoderState(1))
        {
            state.Forward(prompt, Enumerable.Repeat(true, prompt.Length).ToArray(), prompt.Length);
            for (int step = 0; step < 24; step++)
            {
                float[] row = state.LogitsRow(0).ToArray();
                cachedRows.Add(row);
                int next = Array.IndexOf(row, row.Max());
                tokens.Add(next);
                state.Forward([next], [true], 1);
            }
        }
        using var full = model.Generator.CreateDecoderState(1);
        full.Forward(tokens.ToArray(), Enumerable.Repeat(true, tokens.Count).ToArray(), tokens.Count);
        float[] all = full.AllLogits();
        int width = model.Generator.LogitsWidth;
        double worst = 0;
        for (int step = 0; step < cachedRows.Count; step++)
        {
            int position = prompt.Length - 1 + step;
            for (int v = 0; v < width; v++) worst = Math.Max(worst, Math.Abs(all[position * width + v] - cachedRows[step][v]));
        }
        Assert.True(worst <= 1e-4, $"largest difference {worst}");
    }

    [Fact]
    public void PromptEncoding_MatchesTheTrainingTokenizer()
    {
        // reference.json holds the training framework's ids for a prompt; decode them and encode again.
        using var reference = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyModel.Folder, "reference.json")));
        int[] ids = reference.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var vocabulary = model.Generator.Vocabulary;
        string text = Encoding.UTF8.GetString(ids.Skip(1).SelectMany(id => vocabulary.GetTokenBytes(id).ToArray()).ToArray());
        Assert.Equal(ids, model.Generator.EncodePrompt(text));
        Assert.Equal(ids[1..], model.Generator.EncodePrompt(text, addBosToken: false));
    }

    [Fact]
    public async Task StreamingPieces_ConcatenateToTheResult_AndAreWholeCharacters()
    {
        var pieces = new List<string>();
        GenerationResult? result = null;
        var options = new GenerationOptions { Sampling = new SamplingOptions { Temperature = 1.0f, Seed = 3 }, MaxNewTokens = 60 };
        await foreach (string piece in model.Generator.StreamAsync(new GenerationRequest(Prompt, model.Json, options) { GrammarPrefix = Prompt }, r => result = r))
        {
            pieces.Add(piece);
        }
        Assert.NotNull(result);
        Assert.True(pieces.Count > 1);
        Assert.Equal(result.Text, string.Concat(pieces));
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (string piece in pieces)
        {
            Assert.NotEmpty(piece);
            strict.GetBytes(piece); // throws on a lone surrogate (half a character)
            Assert.DoesNotContain('\uFFFD', piece);
        }
    }

    [Fact]
    public async Task Cancellation_StopsWithinOneStep()
    {
        using var cts = new CancellationTokenSource();
        int piecesAfterCancel = 0;
        bool cancelled = false;
        var options = new GenerationOptions { Sampling = new SamplingOptions { Seed = 1 }, MaxNewTokens = 200 };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (string piece in model.Generator.StreamAsync(Prompt, null, options, cts.Token))
            {
                if (cancelled) piecesAfterCancel++;
                if (!cancelled)
                {
                    cancelled = true;
                    cts.Cancel();
                }
            }
        });
        Assert.True(piecesAfterCancel <= 1, $"{piecesAfterCancel} pieces after cancelling");

        using var already = new CancellationTokenSource();
        already.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.Generator.GenerateAsync(Prompt, null, options, already.Token));
    }

    [Fact]
    public async Task CompleteOutput_EndsWithTheStopToken_NotAtTheLimit()
    {
        var grammar = model.Generator.CompileRegex("\\{\"id\": [0-9]{1,3}\\}");
        var result = await model.Generator.GenerateAsync("", grammar, new GenerationOptions { MaxNewTokens = 50 });
        Assert.Matches("^\\{\"id\": [0-9]{1,3}\\}$", result.Text);
        Assert.NotEqual(GenerationStopReason.MaxTokens, result.StopReason);
        Assert.True(model.Generator.StopTokenIds.Contains(result.TokenIds[^1]));
        Assert.True(result.TokenIds.Count < 50);
        Assert.True(result.Statistics.ForcedTokens > 0, "the regex leaves single choices, which are appended without sampling");
    }

    [Fact]
    public async Task MaxTokens_StopsAtTheLimit()
    {
        var result = await model.Generator.GenerateAsync(Prompt, model.Json, new GenerationOptions { MaxNewTokens = 5 } );
        Assert.Equal(GenerationStopReason.MaxTokens, result.StopReason);
        Assert.Equal(5, result.TokenIds.Count);
    }

    [Fact]
    public async Task Batch_EqualsSequencesRunAlone_WithPerSequenceGrammars()
    {
        var digits = model.Generator.CompileRegex("[0-9]{2,6}");
        GenerationRequest[] requests =
        [
            new(Prompt, model.Json, new GenerationOptions { MaxNewTokens = 40 }) { GrammarPrefix = Prompt },
            new("{\"a\": [1, 2, 3], \"b\":", digits, new GenerationOptions { MaxNewTokens = 10 }),
            new("[", null, new GenerationOptions { MaxNewTokens = 15, Sampling = new SamplingOptions { Seed = 9 } }),
        ];
        var batch = await model.Generator.GenerateBatchAsync(requests);
        Assert.Equal(3, batch.Count);
        Assert.Matches("^[0-9]{2,6}$", batch[1].Text);
        for (int i = 0; i < requests.Length; i++)
        {
            var alone = await model.Generator.GenerateAsync(requests[i]);
            Assert.Equal(alone.TokenIds, batch[i].TokenIds);
        }
    }

    [Fact]
    public async Task MaskModes_GiveTheSameTokens()
    {
        for (ulong seed = 0; seed < 4; seed++)
        {
            var sampling = new SamplingOptions { Temperature = 0.9f, Seed = seed };
            Task<GenerationResult> Run(MaskMode mode) =>
                model.Generator.GenerateAsync(new GenerationRequest(Prompt, model.Json, new GenerationOptions { Sampling = sampling, MaxNewTokens = 60, MaskMode = mode }) { GrammarPrefix = Prompt });
            var first = await Run(MaskMode.SampleFirst);
            var full = await Run(MaskMode.Full);
            var precomputed = await Run(MaskMode.Precompute);
            Assert.Equal(full.TokenIds, first.TokenIds);
            Assert.Equal(full.TokenIds, precomputed.TokenIds);
            Assert.True(first.Statistics.FullMasks < full.Statistics.FullMasks);
            Assert.True(precomputed.Statistics.OverlappedGrammarTime > TimeSpan.Zero);
        }
        await Assert.ThrowsAsync<ArgumentException>(() => model.Generator.GenerateAsync(Prompt, model.Json,
            new GenerationOptions { MaskMode = MaskMode.SampleFirst, Sampling = new SamplingOptions { TopK = 5 } }));
    }

    [Fact]
    public async Task GrammarFromAnotherVocabulary_IsRejected()
    {
        var other = new ConstrainedDecoding.Matching.GrammarCompiler(ConstrainedDecoding.Testing.FakeVocabularies.Bytes()).CompileRegex("a+");
        await Assert.ThrowsAsync<ArgumentException>(() => model.Generator.GenerateAsync("x", other));
        await Assert.ThrowsAsync<ArgumentException>(() => model.Generator.GenerateAsync(new GenerationRequest("x", model.Json) { GrammarPrefix = "}" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => model.Generator.GenerateAsync("x", null, new GenerationOptions { MaxNewTokens = 0 }));
    }
}
