namespace ConstrainedDecoding.Sampling;

/// <summary>
/// How a <see cref="Sampler"/> chooses the next token. Defaults: temperature 1, no truncation, no penalty, seed 0.
/// </summary>
/// <remarks>
/// Order of operations: repetition penalty, mask, temperature, then truncation (min-p, top-k, top-p, all on the
/// masked distribution so truncation never keeps a disallowed token), then one draw.
/// </remarks>
public sealed record SamplingOptions
{
    /// <summary>Greedy decoding: always the highest logit (ties go to the lowest id).</summary>
    public static SamplingOptions Greedy { get; } = new() { Temperature = 0 };

    /// <summary>Softmax temperature; 0 means greedy. Must be finite and non-negative.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the <c>TopK</c> most likely allowed tokens; 0 turns it off.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely allowed tokens whose probability reaches <c>TopP</c>; 1 turns it off.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Keep tokens whose probability is at least <c>MinP</c> times the most likely one's; 0 turns it off.</summary>
    public float MinP { get; init; }

    /// <summary>
    /// Penalty for tokens already in the history (CTRL style): a positive logit is divided by it, a negative one
    /// multiplied. 1 turns it off; must be positive.
    /// </summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>How many of the most recent history tokens the repetition penalty looks at; 0 means all of them.</summary>
    public int RepetitionWindow { get; init; }

    /// <summary>Seed of the sampler's random stream: the same seed, options and logits give the same tokens.</summary>
    public ulong Seed { get; init; }

    /// <summary>Whether this is greedy decoding (<see cref="Temperature"/> is 0).</summary>
    public bool IsGreedy => Temperature == 0;

    /// <summary>Whether any truncation (top-k, top-p, min-p) is on. Without it, sampling can try the unmasked draw first.</summary>
    public bool Truncates => !IsGreedy && (TopK > 0 || TopP < 1f || MinP > 0f);

    /// <summary>Checks every value's range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its documented range.</exception>
    public void Validate()
    {
        if (!float.IsFinite(Temperature) || Temperature < 0) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be finite and at least 0 (0 = greedy).");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be at least 0 (0 = off).");
        if (!(TopP > 0f && TopP <= 1f)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1] (1 = off).");
        if (!(MinP >= 0f && MinP <= 1f)) throw new ArgumentOutOfRangeException(nameof(MinP), MinP, "MinP must be in [0, 1] (0 = off).");
        if (!float.IsFinite(RepetitionPenalty) || RepetitionPenalty <= 0) throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "RepetitionPenalty must be finite and positive (1 = off).");
        if (RepetitionWindow < 0) throw new ArgumentOutOfRangeException(nameof(RepetitionWindow), RepetitionWindow, "RepetitionWindow must be at least 0 (0 = whole history).");
    }
}
