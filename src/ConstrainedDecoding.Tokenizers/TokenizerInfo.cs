using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Tokenizers;

/// <summary>
/// A vocabulary together with what a decode loop needs to know about its tokenizer: which ids
/// begin and end a sequence, and how the tokenizer spells text.
/// </summary>
public sealed class TokenizerInfo
{
    internal TokenizerInfo(TokenVocabulary vocabulary, TokenizerKind kind, IReadOnlyDictionary<string, int> addedTokens)
    {
        Vocabulary = vocabulary;
        Kind = kind;
        AddedTokens = addedTokens;
    }

    /// <summary>The vocabulary (token bytes, special and stop ids, logits width).</summary>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>How the tokenizer's vocabulary spells bytes.</summary>
    public TokenizerKind Kind { get; }

    /// <summary>Id of the beginning-of-sequence token named by the configuration, if any.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>Id of the end-of-sequence token named by the configuration, if any (all stop ids are in <see cref="TokenVocabulary.StopTokenIds"/>).</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Id of the unknown-token placeholder, if any.</summary>
    public int? UnkTokenId { get; init; }

    /// <summary>Id of the padding token, if any.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>Whether encoding a prompt starts it with <see cref="BosTokenId"/>.</summary>
    public bool AddBosToken { get; init; }

    /// <summary>
    /// Whether encoding puts a space before the first word (SentencePiece's dummy prefix), so a
    /// decoder should drop one leading space from the decoded text.
    /// </summary>
    public bool AddsPrefixSpace { get; init; }

    /// <summary>Added (special and non-special) tokens: content → id.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Vocabulary} [{Kind}]";
}
