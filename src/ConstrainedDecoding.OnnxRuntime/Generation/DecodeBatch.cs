using System.Diagnostics;
using System.Runtime.InteropServices;
using ConstrainedDecoding.OnnxRuntime.Model;
using ConstrainedDecoding.Sampling;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.OnnxRuntime.Generation;

/// <summary>
/// The decode loop for a batch of sequences: prefill, then one token per row per <see cref="Step"/> through the
/// KV cache; per row: mask (or sample first), sample, accept, stream. Rows that finish keep a padding slot until
/// the whole batch is done.
/// </summary>
internal sealed class DecodeBatch : IDisposable
{
    private readonly ConstrainedGenerator _generator;
    private readonly TokenVocabulary _vocabulary;
    private readonly DecoderState _decoder;
    private readonly SequenceState[] _rows;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _prefillTicks, _modelTicks;
    private bool _started;

    public DecodeBatch(ConstrainedGenerator generator, IReadOnlyList<GenerationRequest> requests)
    {
        _generator = generator;
        _vocabulary = generator.Vocabulary;
        var rows = new SequenceState[requests.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var request = requests[i] ?? throw new ArgumentException($"Request {i} is null.", nameof(requests));
            var options = request.Options ?? new GenerationOptions();
            options.Validate();
            if (request.Grammar is { } grammar && !ReferenceEquals(grammar.Vocabulary, _vocabulary) && grammar.Vocabulary.Fingerprint != _vocabulary.Fingerprint)
            {
                throw new ArgumentException($"Request {i}'s grammar was compiled for vocabulary {grammar.Vocabulary}, not this model's {_vocabulary}.", nameof(requests));
            }
            int[] prompt = generator.EncodePrompt(request.Prompt, options.AddBosToken);
            rows[i] = new SequenceState(request, options, prompt, request.Grammar is null ? null : new uint[_vocabulary.MaskWordCount]);
        }
        _rows = rows;
        _decoder = generator.CreateDecoderState(rows.Length);
    }

    public IReadOnlyList<SequenceState> Rows => _rows;

    public bool IsDone => _started && _rows.All(r => r.Done);

    /// <summary>Runs one forward pass and chooses one token per unfinished row. Returns false once every row is done.</summary>
    public bool Step()
    {
        if (IsDone) return false;
        long before = Stopwatch.GetTimestamp();
        if (!_started) Prefill();
        else Forward();
        long elapsed = Stopwatch.GetTimestamp() - before;
        if (_started) _modelTicks += elapsed;
        else _prefillTicks = elapsed;
        _started = true;

        for (int b = 0; b < _rows.Length; b++)
        {
            var row = _rows[b];
            if (row.Done) continue;
            if (row.PendingMask is { } pending)
            {
                pending.GetAwaiter().GetResult();
                row.PendingMask = null;
                row.MaskReady = true;
            }
            Choose(row, _decoder.LogitsRow(b));
        }
        StartMasks();
        return !IsDone;
    }

    private void Prefill()
    {
        int longest = _rows.Max(r => r.Prompt.Length);
        var tokens = new int[_rows.Length * longest];
        var attend = new bool[tokens.Length];
        for (int b = 0; b < _rows.Length; b++)
        {
            int[] prompt = _rows[b].Prompt;
            int pad = longest - prompt.Length; // left padding keeps every row's last position at the end
            for (int j = 0; j < longest; j++)
            {
                tokens[b * longest + j] = j < pad ? _generator.PaddingTokenId : prompt[j - pad];
                attend[b * longest + j] = j >= pad;
            }
        }
        StartMasks();
        _decoder.Forward(tokens, attend, longest);
    }

    private void Forward()
    {
        Span<int> tokens = _rows.Length <= 64 ? stackalloc int[_rows.Length] : new int[_rows.Length];
        Span<bool> attend = _rows.Length <= 64 ? stackalloc bool[_rows.Length] : new bool[_rows.Length];
        for (int b = 0; b < _rows.Length; b++)
        {
            tokens[b] = _rows[b].Done ? _generator.PaddingTokenId : _rows[b].LastToken;
            attend[b] = !_rows[b].Done;
        }
        _decoder.Forward(tokens, attend, 1);
    }

    // The next masks of rows that precompute them, on worker threads while the model runs.
    private void StartMasks()
    {
        foreach (var row in _rows)
        {
            row.MaskReady = false;
            if (row.Done || !row.PrecomputesMasks) continue;
            var matcher = row.Matcher!;
            uint[] mask = row.Mask!;
            row.PendingMask = Task.Run(() =>
            {
                long start = Stopwatch.GetTimestamp();
                matcher.FillNextTokenMask(mask);
                Interlocked.Add(ref row.OverlappedGrammarTicks, Stopwatch.GetTimestamp() - start);
            });
            row.FullMasks++;
        }
    }

    private void Choose(SequenceState row, Span<float> logits)
    {
        int token;
        var matcher = row.Matcher;
        if (matcher is null)
        {
            long s = Stopwatch.GetTimestamp();
            token = row.Sampler.Sample(logits, CollectionsMarshal.AsSpan(row.Tokens));
            row.SamplingTicks += Stopwatch.GetTimestamp() - s;
            Append(row, token);
            return;
        }

        long start = Stopwatch.GetTimestamp();
        uint[] mask = row.Mask!;
        if (!row.MaskReady && (row.ComputesFullMasks || matcher.IsAccepting))
        {
            matcher.FillNextTokenMask(mask); // when accepting, needed to see whether only whitespace can follow
            row.MaskReady = true;
            row.FullMasks++;
        }
        if (row.MaskReady)
        {
            int forced = ForcedToken(row, mask);
            if (forced >= 0)
            {
                row.GrammarTicks += Stopwatch.GetTimestamp() - start;
                Accept(row, forced, forced: true);
                return;
            }
        }
        row.GrammarTicks += Stopwatch.GetTimestamp() - start;

        long sampleStart = Stopwatch.GetTimestamp();
        long checkTicks = 0;
        try
        {
            if (row.MaskReady)
            {
                token = row.Sampler.Sample(logits, mask, CollectionsMarshal.AsSpan(row.Tokens));
            }
            else
            {
                var constraint = new TimedConstraint(new GrammarMatcherConstraint(matcher, mask));
                token = row.Sampler.Sample(logits, ref constraint, CollectionsMarshal.AsSpan(row.Tokens));
                if (constraint.Inner.MaskFilled) row.FullMasks++;
                checkTicks = constraint.Ticks;
            }
        }
        catch (InvalidOperationException)
        {
            Finish(row, GenerationStopReason.NoAllowedToken);
            return;
        }
        row.SamplingTicks += Stopwatch.GetTimestamp() - sampleStart - checkTicks;
        row.GrammarTicks += checkTicks;
        Accept(row, token, forced: false);
    }

    // The only allowed token, or the stop token when the grammar is complete and only whitespace could follow.
    // A popcount first: scanning the allowed ids (tens of thousands inside a JSON string) only happens when the
    // grammar accepts, which is rare.
    private int ForcedToken(SequenceState row, uint[] mask)
    {
        int count = LogitMask.CountAllowed(mask, _vocabulary.LogitsWidth);
        if (count == 1)
        {
            for (int w = 0; w < mask.Length; w++)
            {
                if (mask[w] != 0) return (w << 5) + System.Numerics.BitOperations.TrailingZeroCount(mask[w]);
            }
        }
        if (!row.Options.StopWhenComplete || !row.Matcher!.IsAccepting) return -1;
        int firstStop = -1;
        for (int w = 0; w < mask.Length; w++)
        {
            uint bits = mask[w];
            while (bits != 0)
            {
                int id = (w << 5) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (_vocabulary.IsStop(id))
                {
                    if (firstStop < 0) firstStop = id;
                }
                else if (!IsWhitespace(_vocabulary.GetTokenBytes(id)))
                {
                    return -1;
                }
            }
        }
        return firstStop;

        static bool IsWhitespace(ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')) return false;
            }
            return bytes.Length > 0;
        }
    }

    private void Accept(SequenceState row, int token, bool forced)
    {
        long start = Stopwatch.GetTimestamp();
        if (!row.Matcher!.TryAcceptToken(token))
        {
            throw new InvalidOperationException($"Token {token} was chosen under the grammar's mask but the matcher rejected it (an inconsistency in the grammar engine).");
        }
        row.GrammarTicks += Stopwatch.GetTimestamp() - start;
        if (forced) row.ForcedTokens++;
        bool completeStop = forced && _vocabulary.IsStop(token) && row.Options.StopWhenComplete;
        Append(row, token, completeStop);
    }

    private void Append(SequenceState row, int token, bool completeStop = false)
    {
        row.Tokens.Add(token);
        row.LastToken = token;
        if (_vocabulary.IsStop(token))
        {
            Finish(row, completeStop ? GenerationStopReason.GrammarComplete : GenerationStopReason.StopToken);
            return;
        }
        if (!_vocabulary.IsSpecial(token)) row.Text.Append(_vocabulary.GetTokenBytes(token));
        if (row.Tokens.Count >= row.Options.MaxNewTokens || _decoder.PastLength + 1 >= _generator.ContextLength)
        {
            Finish(row, GenerationStopReason.MaxTokens);
        }
    }

    private static void Finish(SequenceState row, GenerationStopReason reason)
    {
        row.Done = true;
        row.StopReason = reason;
        row.Text.Complete();
    }

    public GenerationResult Result(int index)
    {
        var row = _rows[index];
        return new GenerationResult(row.Text.Text, row.Tokens.ToArray(), row.StopReason, new GenerationStatistics
        {
            PromptTokens = row.Prompt.Length,
            GeneratedTokens = row.Tokens.Count,
            ForcedTokens = row.ForcedTokens,
            FullMasks = row.FullMasks,
            PrefillTime = Stopwatch.GetElapsedTime(0, _prefillTicks),
            ModelTime = Stopwatch.GetElapsedTime(0, _modelTicks),
            GrammarTime = Stopwatch.GetElapsedTime(0, row.GrammarTicks),
            OverlappedGrammarTime = Stopwatch.GetElapsedTime(0, row.OverlappedGrammarTicks),
            SamplingTime = Stopwatch.GetElapsedTime(0, row.SamplingTicks),
            TotalTime = Stopwatch.GetElapsedTime(_start),
        });
    }

    public void Dispose()
    {
        foreach (var row in _rows)
        {
            try
            {
                row.PendingMask?.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The batch is being abandoned; a failed background mask has nobody left to report to.
            }
        }
        _decoder.Dispose();
    }

    // Times the grammar work the sampler asks for (the single-token check, and the full mask on a fallback).
    private struct TimedConstraint(GrammarMatcherConstraint inner) : ITokenConstraint
    {
        public GrammarMatcherConstraint Inner = inner;
        public long Ticks;

        public bool IsAllowed(int tokenId)
        {
            long start = Stopwatch.GetTimestamp();
            bool allowed = Inner.IsAllowed(tokenId);
            Ticks += Stopwatch.GetTimestamp() - start;
            return allowed;
        }

        public ReadOnlySpan<uint> GetMask()
        {
            long start = Stopwatch.GetTimestamp();
            ReadOnlySpan<uint> mask = Inner.GetMask();
            Ticks += Stopwatch.GetTimestamp() - start;
            return mask;
        }
    }
}
