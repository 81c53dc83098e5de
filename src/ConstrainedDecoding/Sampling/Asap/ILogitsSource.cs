namespace ConstrainedDecoding.Sampling.Asap;

/// <summary>
/// A language model as <see cref="AsapSampler"/> sees it: the next-token logits after a prefix of generated tokens
/// (the prompt, if any, is part of the source, not of the prefix).
/// </summary>
/// <remarks>
/// <para>Call pattern: within one sample the prefixes passed to <see cref="ComputeLogits"/> extend one another (one or
/// more tokens at a time, because <see cref="AsapSampler"/> only asks where it steps into unexplored territory); the
/// next sample starts again from a shorter prefix. An implementation with a KV cache can keep the longest prefix it
/// has run and feed only the new tokens when the next prefix extends it, and restart from the prompt otherwise.</para>
/// <para>The logits must be a deterministic function of the prefix: the sampler caches the probabilities it derives
/// from them in its trie and assumes they do not change.</para>
/// </remarks>
public interface ILogitsSource
{
    /// <summary>Width of a logits row (token ids <c>0..LogitsWidth-1</c>).</summary>
    int LogitsWidth { get; }

    /// <summary>Writes the next-token logits after <paramref name="prefix"/> into <paramref name="logits"/>.</summary>
    /// <param name="prefix">The generated tokens so far (empty at the start of the output).</param>
    /// <param name="logits">Exactly <see cref="LogitsWidth"/> floats; negative infinity means probability 0.</param>
    /// <param name="cancellationToken">Stops a long computation.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    void ComputeLogits(ReadOnlySpan<int> prefix, Span<float> logits, CancellationToken cancellationToken);
}
