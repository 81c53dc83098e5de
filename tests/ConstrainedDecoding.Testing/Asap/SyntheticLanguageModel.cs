using ConstrainedDecoding.Sampling.Asap;

namespace ConstrainedDecoding.Testing.Asap;

/// <summary>Writes the logits after a prefix.</summary>
/// <param name="prefix">The generated tokens so far.</param>
/// <param name="logits">The row to fill (all of it).</param>
public delegate void LogitsFunction(ReadOnlySpan<int> prefix, Span<float> logits);

/// <summary>
/// An exact language model given by a function of the prefix, so that every probability (and hence the distribution
/// conditioned on a grammar) can be computed exactly by enumeration.
/// </summary>
public sealed class SyntheticLanguageModel(int logitsWidth, LogitsFunction function) : ILogitsSource
{
    private readonly LogitsFunction _function = function;

    /// <inheritdoc/>
    public int LogitsWidth { get; } = logitsWidth;

    /// <summary>Calls to <see cref="ComputeLogits"/> so far.</summary>
    public int Calls { get; private set; }

    /// <inheritdoc/>
    public void ComputeLogits(ReadOnlySpan<int> prefix, Span<float> logits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls++;
        _function(prefix, logits);
    }

    /// <summary>The next-token distribution after <paramref name="prefix"/> (softmax in double precision; not counted in <see cref="Calls"/>).</summary>
    public double[] Probabilities(ReadOnlySpan<int> prefix)
    {
        int calls = Calls;
        var p = ExactDistribution.Probabilities(this, prefix);
        Calls = calls;
        return p;
    }

    /// <summary>A deterministic value in [0, 1) from a prefix and a salt (FNV-1a then a murmur finalizer).</summary>
    public static double HashUniform(ReadOnlySpan<int> prefix, int salt)
    {
        uint h = 2166136261u ^ (uint)salt;
        foreach (int t in prefix)
        {
            h = (h ^ (uint)t) * 16777619u;
        }
        h ^= (uint)prefix.Length * 0x9E3779B9u;
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h / 4294967296.0;
    }
}
