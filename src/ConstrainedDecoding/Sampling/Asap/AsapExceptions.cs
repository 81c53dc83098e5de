namespace ConstrainedDecoding.Sampling.Asap;

/// <summary>Why a saved ASAp trie was refused.</summary>
public enum AsapTrieErrorKind
{
    /// <summary>The file does not start with the ASAp trie magic bytes.</summary>
    BadMagic,

    /// <summary>The format version is not one this library reads.</summary>
    UnsupportedVersion,

    /// <summary>The model, grammar, prompt or vocabulary fingerprint, the logits width or a sampling setting differs from the sampler's.</summary>
    Mismatch,

    /// <summary>The file ends early.</summary>
    Truncated,

    /// <summary>A value is out of range, the structure is inconsistent, or the checksum does not match.</summary>
    Corrupt,
}

/// <summary>A saved ASAp trie cannot be loaded: wrong magic or version, mismatched fingerprints, truncated or corrupt.</summary>
public sealed class AsapTrieFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="offset">Byte offset in the stream (from where reading started) where the problem was found.</param>
    /// <param name="reason">Explanation, in the form "unexpected X, expected Y".</param>
    public AsapTrieFormatException(AsapTrieErrorKind kind, long offset, string reason)
        : base($"Cannot load the ASAp trie ({kind}) at byte {offset}: {reason}")
    {
        Kind = kind;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>What went wrong.</summary>
    public AsapTrieErrorKind Kind { get; }

    /// <summary>Byte offset (from where reading started) where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>The explanation without the offset.</summary>
    public string Reason { get; }
}

/// <summary>
/// A sample would grow the ASAp trie past <see cref="AsapOptions.MaxTrieBytes"/>. The sample was abandoned and the trie
/// is exactly as it was before it: it can still be saved, queried, or sampled along explored paths.
/// </summary>
public sealed class AsapMemoryLimitException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limitBytes">The cap that was hit.</param>
    /// <param name="nodeCount">Nodes in the trie when it was hit.</param>
    public AsapMemoryLimitException(long limitBytes, int nodeCount)
        : base($"The ASAp trie would exceed its memory cap of {limitBytes} bytes ({nodeCount} nodes, {AsapTrie.BytesPerNode} bytes each); " +
               "raise AsapOptions.MaxTrieBytes (the library-wide bound is Limits.MaxAsapTrieBytes) or start a new sampler.")
    {
        LimitBytes = limitBytes;
        NodeCount = nodeCount;
    }

    /// <summary>The cap that was hit, in bytes.</summary>
    public long LimitBytes { get; }

    /// <summary>Nodes in the trie when the cap was hit.</summary>
    public int NodeCount { get; }
}
