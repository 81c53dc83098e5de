using ConstrainedDecoding.Matching;
using ConstrainedDecoding.OnnxRuntime.Text;
using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.OnnxRuntime.Generation;

/// <summary>One row of a batch: its grammar cursor, sampler, output so far and counters.</summary>
internal sealed class SequenceState
{
    public SequenceState(GenerationRequest request, GenerationOptions options, int[] prompt, uint[]? mask)
    {
        Request = request;
        Options = options;
        Prompt = prompt;
        Sampler = new Sampler(options.Sampling);
        Mask = mask;
        if (request.Grammar is { } grammar)
        {
            Matcher = grammar.CreateMatcher();
            if (request.GrammarPrefix is { Length: > 0 } prefix && !Matcher.TryAcceptString(prefix))
            {
                throw new ArgumentException($"The grammar does not accept the GrammarPrefix \"{prefix}\" as the start of its language.", nameof(request));
            }
        }
        bool sampleFirst = options.MaskMode == MaskMode.SampleFirst || (options.MaskMode == MaskMode.Auto && !options.Sampling.Truncates);
        PrecomputesMasks = Matcher is not null && options.MaskMode == MaskMode.Precompute;
        ComputesFullMasks = Matcher is not null && !sampleFirst && !PrecomputesMasks;
    }

    public GenerationRequest Request { get; }

    public GenerationOptions Options { get; }

    public int[] Prompt { get; }

    public Sampler Sampler { get; }

    public GrammarMatcher? Matcher { get; }

    /// <summary>Mask buffer (null without a grammar).</summary>
    public uint[]? Mask { get; }

    /// <summary>Whether the next step's mask is computed while the model runs.</summary>
    public bool PrecomputesMasks { get; }

    /// <summary>Whether each step's mask is computed on the decoding thread before sampling.</summary>
    public bool ComputesFullMasks { get; }

    /// <summary>Whether <see cref="Mask"/> holds the current step's mask.</summary>
    public bool MaskReady { get; set; }

    public Task? PendingMask { get; set; }

    public List<int> Tokens { get; } = [];

    public Utf8TextStream Text { get; } = new();

    public bool Done { get; set; }

    public GenerationStopReason StopReason { get; set; }

    public int LastToken { get; set; }

    public int ForcedTokens { get; set; }

    public int FullMasks { get; set; }

    public long GrammarTicks { get; set; }

    public long OverlappedGrammarTicks;

    public long SamplingTicks { get; set; }
}
