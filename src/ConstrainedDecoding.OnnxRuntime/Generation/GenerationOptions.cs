using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.OnnxRuntime.Generation;

/// <summary>How masks are computed in the decode loop.</summary>
public enum MaskMode
{
    /// <summary><see cref="SampleFirst"/> for greedy and pure sampling, <see cref="Full"/> when top-k/top-p/min-p truncate.</summary>
    Auto,

    /// <summary>
    /// Choose from the unmasked logits, check that one token against the grammar, and compute the full mask only
    /// when it is disallowed. Exactly the same tokens as masking first (see <see cref="Sampler"/>); only valid without truncation.
    /// </summary>
    SampleFirst,

    /// <summary>Compute every step's full mask on the decoding thread, then sample.</summary>
    Full,

    /// <summary>
    /// Compute every step's full mask on a worker thread while the model runs. Pays off when masks are expensive
    /// (large grammars, cold tables) and a core is free; on a busy two-core machine the hand-off costs more than a
    /// warm mask (about a microsecond for JSON).
    /// </summary>
    Precompute,
}

/// <summary>Settings of one generation. Defaults: greedy, 256 new tokens, stop when the grammar is complete.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens to generate (the stop token not counted). Must be positive.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Sampling settings; <see cref="SamplingOptions.Greedy"/> by default.</summary>
    public SamplingOptions Sampling { get; init; } = SamplingOptions.Greedy;

    /// <summary>
    /// Once the grammar accepts the output and can only go on with whitespace, append the stop token instead of
    /// letting the model pad with whitespace up to <see cref="MaxNewTokens"/>. On by default.
    /// </summary>
    public bool StopWhenComplete { get; init; } = true;

    /// <summary>How masks are computed; <see cref="MaskMode.Auto"/> by default.</summary>
    public MaskMode MaskMode { get; init; }

    /// <summary>Whether to put the BOS token before the prompt; null follows the tokenizer's configuration.</summary>
    public bool? AddBosToken { get; init; }

    /// <summary>Checks every value's range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="MaskMode.SampleFirst"/> with truncating sampling.</exception>
    public void Validate()
    {
        if (MaxNewTokens <= 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "MaxNewTokens must be positive.");
        ArgumentNullException.ThrowIfNull(Sampling);
        Sampling.Validate();
        if (MaskMode == MaskMode.SampleFirst && Sampling.Truncates)
        {
            throw new ArgumentException("MaskMode.SampleFirst is exact only without top-k/top-p/min-p; use Auto or Precompute.", nameof(MaskMode));
        }
    }
}

/// <summary>One sequence to generate: a prompt, an optional grammar and its settings.</summary>
/// <param name="Prompt">The prompt text, encoded with the model's tokenizer.</param>
/// <param name="Grammar">The grammar the generated text must follow, compiled against <see cref="ConstrainedGenerator.Vocabulary"/>; null for free text.</param>
/// <param name="Options">Settings; null for the defaults.</param>
public sealed record GenerationRequest(string Prompt, Matching.CompiledGrammar? Grammar = null, GenerationOptions? Options = null)
{
    /// <summary>
    /// Text the grammar consumes before the first generated token: for a prompt that already starts the structured
    /// output (say <c>{"name":</c>), the grammar must see it too. Null for none.
    /// </summary>
    public string? GrammarPrefix { get; init; }
}
