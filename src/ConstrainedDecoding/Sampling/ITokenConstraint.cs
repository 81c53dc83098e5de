namespace ConstrainedDecoding.Sampling;

/// <summary>
/// What a <see cref="Sampler"/> may choose: a cheap single-token check, and the full bitmask, asked for only when
/// the sampler needs it (truncation, or when the unmasked draw picked a disallowed token).
/// </summary>
public interface ITokenConstraint
{
    /// <summary>Whether <paramref name="tokenId"/> may come next. Must agree with its bit in <see cref="GetMask"/>.</summary>
    /// <param name="tokenId">A token id.</param>
    bool IsAllowed(int tokenId);

    /// <summary>The allowed-token bitmask (bit <c>i &amp; 31</c> of word <c>i &gt;&gt; 5</c>), valid until the constraint changes.</summary>
    ReadOnlySpan<uint> GetMask();
}

/// <summary>A constraint over a bitmask that is already computed.</summary>
/// <param name="mask">The allowed-token bitmask.</param>
public readonly ref struct BitmaskConstraint(ReadOnlySpan<uint> mask) : ITokenConstraint
{
    private readonly ReadOnlySpan<uint> _mask = mask;

    /// <inheritdoc/>
    public bool IsAllowed(int tokenId) => LogitMask.IsAllowed(_mask, tokenId);

    /// <inheritdoc/>
    public ReadOnlySpan<uint> GetMask() => _mask;
}

/// <summary>
/// A constraint over a <see cref="Matching.GrammarMatcher"/>: single tokens are checked against the matcher, and
/// the full mask is filled into a caller-owned buffer only when asked for.
/// </summary>
public struct GrammarMatcherConstraint : ITokenConstraint
{
    private readonly Matching.GrammarMatcher _matcher;
    private readonly uint[] _buffer;
    private bool _filled;

    /// <summary>Wraps <paramref name="matcher"/> in its current state.</summary>
    /// <param name="matcher">The sequence's matcher.</param>
    /// <param name="buffer">At least <see cref="Matching.GrammarMatcher.MaskWordCount"/> words, reused between steps.</param>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is too short.</exception>
    public GrammarMatcherConstraint(Matching.GrammarMatcher matcher, uint[] buffer)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length < matcher.MaskWordCount) throw new ArgumentException($"The buffer has {buffer.Length} words; {matcher.MaskWordCount} are needed.", nameof(buffer));
        _matcher = matcher;
        _buffer = buffer;
    }

    /// <summary>Whether the full mask was computed (the sample-first path had to fall back).</summary>
    public readonly bool MaskFilled => _filled;

    /// <inheritdoc/>
    public readonly bool IsAllowed(int tokenId) => _matcher.IsTokenAllowed(tokenId);

    /// <inheritdoc/>
    public ReadOnlySpan<uint> GetMask()
    {
        if (!_filled)
        {
            _matcher.FillNextTokenMask(_buffer);
            _filled = true;
        }
        return _buffer.AsSpan(0, _matcher.MaskWordCount);
    }
}
