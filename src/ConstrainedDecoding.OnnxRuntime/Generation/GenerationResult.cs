namespace ConstrainedDecoding.OnnxRuntime.Generation;

/// <summary>Why generation ended.</summary>
public enum GenerationStopReason
{
    /// <summary>The model chose a stop token.</summary>
    StopToken,

    /// <summary>The grammar was complete and could only go on with whitespace, so the stop token was appended (<see cref="GenerationOptions.StopWhenComplete"/>).</summary>
    GrammarComplete,

    /// <summary><see cref="GenerationOptions.MaxNewTokens"/> or the model's context length was reached.</summary>
    MaxTokens,

    /// <summary>The grammar allowed no token (the vocabulary cannot spell any continuation).</summary>
    NoAllowedToken,
}

/// <summary>Where the time of a generation went.</summary>
public sealed record GenerationStatistics
{
    /// <summary>Prompt tokens (BOS included).</summary>
    public int PromptTokens { get; init; }

    /// <summary>Tokens generated (the stop token included when there was one).</summary>
    public int GeneratedTokens { get; init; }

    /// <summary>Tokens appended without sampling because the grammar allowed only one.</summary>
    public int ForcedTokens { get; init; }

    /// <summary>Steps that computed the full mask (every step with <see cref="MaskMode.Precompute"/>; only fallbacks with sample-first).</summary>
    public int FullMasks { get; init; }

    /// <summary>The prefill forward pass.</summary>
    public TimeSpan PrefillTime { get; init; }

    /// <summary>All forward passes after the prefill.</summary>
    public TimeSpan ModelTime { get; init; }

    /// <summary>Grammar work on the decoding thread: masks, single-token checks, accepting tokens (masks computed while the model runs are not counted here).</summary>
    public TimeSpan GrammarTime { get; init; }

    /// <summary>Grammar work done on a worker thread while the model ran (<see cref="MaskMode.Precompute"/>).</summary>
    public TimeSpan OverlappedGrammarTime { get; init; }

    /// <summary>Sampling (mask application included).</summary>
    public TimeSpan SamplingTime { get; init; }

    /// <summary>Wall time from the first forward pass to the end.</summary>
    public TimeSpan TotalTime { get; init; }

    /// <summary>Generated tokens per second after the prefill.</summary>
    public double TokensPerSecond => GeneratedTokens <= 1 || TotalTime <= PrefillTime ? 0 : (GeneratedTokens - 1) / (TotalTime - PrefillTime).TotalSeconds;
}

/// <summary>The outcome of one sequence.</summary>
/// <param name="Text">The generated text (the stop token not included).</param>
/// <param name="TokenIds">The generated token ids (the stop token included when there was one).</param>
/// <param name="StopReason">Why it ended.</param>
/// <param name="Statistics">Counts and timings.</param>
public sealed record GenerationResult(string Text, IReadOnlyList<int> TokenIds, GenerationStopReason StopReason, GenerationStatistics Statistics);
