using System.Collections.Frozen;
using System.Security.Cryptography;

namespace ConstrainedDecoding.Vocabulary;

/// <summary>
/// A tokenizer's vocabulary as masks need it: token id → raw bytes, which ids are special, which ids
/// stop generation, and the logits width (which may exceed the tokenizer's size when a model pads).
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Holds the lazily built token trie and the per-terminal mask tables
/// that every grammar compiled against this vocabulary shares, so create one instance per tokenizer
/// and reuse it.
/// </remarks>
public sealed class TokenVocabulary
{
    private readonly byte[] _blob;
    private readonly int[] _offsets; // Count + 1 entries
    private readonly bool[] _special;
    private TokenTrie? _trie;
    private Matching.TerminalTableCache? _tables;

    private TokenVocabulary(byte[] blob, int[] offsets, bool[] special, FrozenSet<int> stop, int logitsWidth, string name, string fingerprint)
    {
        _blob = blob;
        _offsets = offsets;
        _special = special;
        StopTokenIds = stop;
        LogitsWidth = logitsWidth;
        Name = name;
        Fingerprint = fingerprint;
    }

    /// <summary>Creates a vocabulary.</summary>
    /// <param name="tokenBytes">Raw bytes of each token id; <see langword="null"/> for ids that have no text (treated as special).</param>
    /// <param name="stopTokenIds">Ids that end generation (EOS, end-of-turn…); allowed exactly when the grammar is complete.</param>
    /// <param name="specialTokenIds">Ids that are never allowed unless the grammar names them (BOS, control tokens…).</param>
    /// <param name="logitsWidth">Width of the model's logits row; defaults to the number of tokens.</param>
    /// <param name="name">Display name.</param>
    /// <exception cref="ArgumentException">A stop or special id is out of range, or the logits width is smaller than the vocabulary.</exception>
    public static TokenVocabulary Create(
        IReadOnlyList<byte[]?> tokenBytes,
        IEnumerable<int> stopTokenIds,
        IEnumerable<int>? specialTokenIds = null,
        int? logitsWidth = null,
        string name = "vocabulary")
    {
        int count = tokenBytes.Count;
        if (count == 0) throw new ArgumentException("A vocabulary needs at least one token.", nameof(tokenBytes));
        int width = logitsWidth ?? count;
        if (width < count)
        {
            throw new ArgumentException($"Logits width {width} is smaller than the vocabulary size {count}; the model cannot emit every token.", nameof(logitsWidth));
        }
        var special = new bool[count];
        foreach (int id in specialTokenIds ?? [])
        {
            if ((uint)id >= (uint)count) throw new ArgumentException($"Special token id {id} is outside the vocabulary (0..{count - 1}).", nameof(specialTokenIds));
            special[id] = true;
        }
        var stop = stopTokenIds.ToFrozenSet();
        foreach (int id in stop)
        {
            if ((uint)id >= (uint)count) throw new ArgumentException($"Stop token id {id} is outside the vocabulary (0..{count - 1}).", nameof(stopTokenIds));
        }
        long total = 0;
        for (int i = 0; i < count; i++) total += tokenBytes[i]?.Length ?? 0;
        var blob = new byte[total];
        var offsets = new int[count + 1];
        int pos = 0;
        for (int i = 0; i < count; i++)
        {
            offsets[i] = pos;
            var b = tokenBytes[i];
            if (b is null) { special[i] = true; continue; }
            if (b.Length == 0) special[i] = true; // an empty token would let the matcher loop forever
            b.CopyTo(blob, pos);
            pos += b.Length;
        }
        offsets[count] = pos;

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> four = stackalloc byte[4];
        for (int i = 0; i < count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(four, (offsets[i + 1] - offsets[i]) * (special[i] ? -1 : 1));
            sha.AppendData(four);
            sha.AppendData(blob.AsSpan(offsets[i], offsets[i + 1] - offsets[i]));
        }
        string fp = Convert.ToHexStringLower(sha.GetHashAndReset())[..32];
        return new TokenVocabulary(blob, offsets, special, stop, width, name, fp);
    }

    /// <summary>Number of token ids in the tokenizer.</summary>
    public int Count => _offsets.Length - 1;

    /// <summary>Width of the logits row (≥ <see cref="Count"/>); ids past <see cref="Count"/> are padding and never allowed.</summary>
    public int LogitsWidth { get; }

    /// <summary>Number of <see cref="uint"/> words in a token bitmask: <c>(LogitsWidth + 31) / 32</c>.</summary>
    public int MaskWordCount => (LogitsWidth + 31) >> 5;

    /// <summary>Display name.</summary>
    public string Name { get; }

    /// <summary>A content hash of the token bytes and special flags (not of stop ids or width), used to key shared caches.</summary>
    public string Fingerprint { get; }

    /// <summary>Ids that end generation.</summary>
    public IReadOnlySet<int> StopTokenIds { get; }

    /// <summary>The raw bytes of a token.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public ReadOnlySpan<byte> GetTokenBytes(int tokenId)
    {
        if ((uint)tokenId >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(tokenId), $"Token id {tokenId} is outside 0..{Count - 1}.");
        return _blob.AsSpan(_offsets[tokenId], _offsets[tokenId + 1] - _offsets[tokenId]);
    }

    /// <summary>Whether the token is special (never allowed by a grammar; stop tokens are handled separately).</summary>
    public bool IsSpecial(int tokenId) => (uint)tokenId < (uint)Count && _special[tokenId];

    /// <summary>Whether the token stops generation.</summary>
    public bool IsStop(int tokenId) => StopTokenIds.Contains(tokenId);

    /// <summary>A copy with another logits width (sharing the trie and mask tables).</summary>
    /// <exception cref="ArgumentException">The width is smaller than <see cref="Count"/>.</exception>
    public TokenVocabulary WithLogitsWidth(int logitsWidth)
    {
        if (logitsWidth < Count)
        {
            throw new ArgumentException($"Logits width {logitsWidth} is smaller than the vocabulary size {Count}; the model cannot emit every token.", nameof(logitsWidth));
        }
        return new TokenVocabulary(_blob, _offsets, _special, (FrozenSet<int>)StopTokenIds, logitsWidth, Name, Fingerprint) { _trie = Trie, _tables = Tables };
    }

    /// <summary>A copy with another set of stop ids (sharing the trie and mask tables).</summary>
    /// <exception cref="ArgumentException">An id is out of range.</exception>
    public TokenVocabulary WithStopTokens(IEnumerable<int> stopTokenIds)
    {
        var stop = stopTokenIds.ToFrozenSet();
        foreach (int id in stop)
        {
            if ((uint)id >= (uint)Count) throw new ArgumentException($"Stop token id {id} is outside the vocabulary.", nameof(stopTokenIds));
        }
        return new TokenVocabulary(_blob, _offsets, _special, stop, LogitsWidth, Name, Fingerprint) { _trie = Trie, _tables = Tables };
    }

    /// <summary>The token trie over non-special, non-stop tokens (built on first use).</summary>
    internal TokenTrie Trie => Volatile.Read(ref _trie) ?? LazyInitializer.EnsureInitialized(ref _trie, () => TokenTrie.Build(this));

    /// <summary>Per-terminal mask tables shared by every grammar compiled against this vocabulary's tokens.</summary>
    internal Matching.TerminalTableCache Tables => Volatile.Read(ref _tables) ?? LazyInitializer.EnsureInitialized(ref _tables, () => new Matching.TerminalTableCache(this));

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Count} tokens, logits width {LogitsWidth})";
}
