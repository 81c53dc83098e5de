using System.Text;
using System.Text.Unicode;
using ConstrainedDecoding.Vocabulary;
using Microsoft.ML.Tokenizers;

namespace ConstrainedDecoding.Tokenizers.Tiktoken;

/// <summary>
/// Builds a <see cref="TokenVocabulary"/> for a tiktoken tokenizer (o200k_base for GPT-4o,
/// cl100k_base for GPT-4 / GPT-3.5, or any rank file) as used by Microsoft.ML.Tokenizers'
/// <see cref="TiktokenTokenizer"/>.
/// </summary>
/// <remarks>
/// <para>Token bytes come from the rank file itself (base64 bytes per rank): Microsoft.ML.Tokenizers
/// 2.0 keeps its id → bytes map internal and its public surface only decodes to strings, which
/// cannot represent the tokens that are partial UTF-8 sequences. For the standard encodings the
/// rank file is read from the data package's embedded resource (<c>Microsoft.ML.Tokenizers.Data.O200kBase</c>,
/// <c>.Cl100kBase</c>); <see cref="FromTokenizer"/> checks, by decoding a sample of ranks, that
/// the tokenizer uses the file it was matched to.</para>
/// <para>Special tokens are special, with their names as bytes; ids that nothing defines (o200k_base
/// leaves gaps between its ranks and its special tokens) have no bytes and are special. Stop ids:
/// the special tokens named in <see cref="WellKnownStopTokens.Names"/> (<c>&lt;|endoftext|&gt;</c>),
/// unless the options say otherwise.</para>
/// </remarks>
public static class TiktokenVocabulary
{
    private const int VerificationStride = 997;

    /// <summary>Builds the vocabulary of a tiktoken rank file (<c>&lt;base64 bytes&gt; &lt;rank&gt;</c> per line).</summary>
    /// <param name="rankFile">The rank file, e.g. the same stream given to <see cref="TiktokenTokenizer.Create(Stream, PreTokenizer?, Normalizer?, IReadOnlyDictionary{string, int}?, int)"/>; read to its end, not disposed.</param>
    /// <param name="specialTokens">Special tokens (name → id), or <see langword="null"/>.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="TokenizerFormatException">A line of the rank file is malformed.</exception>
    /// <exception cref="ArgumentException">A special id or an option is out of range.</exception>
    public static TokenVocabulary FromRankFile(Stream rankFile, IReadOnlyDictionary<string, int>? specialTokens = null, TiktokenVocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rankFile);
        return Build(TiktokenRankFile.Read(rankFile), specialTokens, options ?? new(), "tiktoken");
    }

    /// <summary>Builds the vocabulary of a standard tiktoken encoding from its Microsoft.ML.Tokenizers data package.</summary>
    /// <param name="encodingName"><c>o200k_base</c> or <c>cl100k_base</c>.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The encoding is not one of the supported names, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The encoding's data package is not referenced.</exception>
    public static TokenVocabulary CreateForEncoding(string encodingName, TiktokenVocabularyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(encodingName);
        var data = TiktokenEncodingData.Find(encodingName)
            ?? throw new ArgumentException($"Unexpected encoding \"{encodingName}\", expected one of {string.Join(", ", TiktokenEncodingData.Known.Select(e => e.EncodingName))}; for another rank file use FromRankFile.", nameof(encodingName));
        var specials = TiktokenTokenizer.CreateForEncoding(data.EncodingName).SpecialTokens;
        return Build(data.ReadRanks(), specials, options ?? new(), data.EncodingName);
    }

    /// <summary>Builds the vocabulary of the tiktoken tokenizer Microsoft.ML.Tokenizers picks for an OpenAI model name.</summary>
    /// <param name="modelName">A model name such as <c>gpt-4o</c> or <c>gpt-4</c>.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">Microsoft.ML.Tokenizers does not know the model, its encoding is not supported here, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The encoding's data package is not referenced.</exception>
    public static TokenVocabulary CreateForModel(string modelName, TiktokenVocabularyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        return FromMatchedTokenizer(TiktokenTokenizer.CreateForModel(modelName), options, modelName);
    }

    /// <summary>Builds the vocabulary of a tokenizer created for a standard encoding (o200k_base, cl100k_base).</summary>
    /// <param name="tokenizer">The tokenizer, e.g. <c>TiktokenTokenizer.CreateForModel("gpt-4o")</c>.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The tokenizer does not use a supported encoding whose data package is referenced (use <see cref="FromRankFile"/>), or an option is out of range.</exception>
    public static TokenVocabulary FromTokenizer(TiktokenTokenizer tokenizer, TiktokenVocabularyOptions? options = null) =>
        FromMatchedTokenizer(tokenizer, options, null);

    private static TokenVocabulary FromMatchedTokenizer(TiktokenTokenizer tokenizer, TiktokenVocabularyOptions? options, string? name)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var specials = tokenizer.SpecialTokens ?? new Dictionary<string, int>();
        int? endOfText = specials.TryGetValue("<|endoftext|>", out int id) ? id : null;
        foreach (var data in TiktokenEncodingData.Known)
        {
            if (data.EndOfTextId != endOfText || !data.IsAvailable) continue;
            var ranks = data.ReadRanks();
            if (DecodesLike(tokenizer, ranks)) return Build(ranks, specials, options ?? new(), name ?? data.EncodingName);
        }
        throw new ArgumentException(
            $"Unexpected tiktoken tokenizer that matches none of the encodings {string.Join(", ", TiktokenEncodingData.Known.Select(e => e.EncodingName))} (with their data packages referenced), expected one of them; for another rank file use FromRankFile with the same file.",
            nameof(tokenizer));
    }

    /// <summary>Whether the tokenizer decodes a sample of ranks (those that are whole UTF-8 text) to the rank file's bytes.</summary>
    private static bool DecodesLike(TiktokenTokenizer tokenizer, List<byte[]?> ranks)
    {
        for (int rank = 0; rank < ranks.Count; rank += rank < 512 ? 1 : VerificationStride)
        {
            if (ranks[rank] is not { } bytes || !Utf8.IsValid(bytes)) continue;
            if (tokenizer.Decode([rank]) != Encoding.UTF8.GetString(bytes)) return false;
        }
        return true;
    }

    private static TokenVocabulary Build(List<byte[]?> ranks, IReadOnlyDictionary<string, int>? specials, TiktokenVocabularyOptions options, string name)
    {
        specials ??= new Dictionary<string, int>();
        int count = ranks.Count;
        foreach (var (token, id) in specials)
        {
            if ((uint)id >= TokenizerLimits.MaxTokenCount)
            {
                throw new ArgumentException($"Special token {token} has id {id}, outside 0..{TokenizerLimits.MaxTokenCount - 1} (TokenizerLimits.MaxTokenCount).", nameof(specials));
            }
            count = Math.Max(count, id + 1);
        }
        var bytes = new byte[]?[count];
        ranks.CopyTo(bytes);
        var stops = new List<int>();
        foreach (var (token, id) in specials)
        {
            bytes[id] = Encoding.UTF8.GetBytes(token);
            if (options.IncludeWellKnownStopTokens && WellKnownStopTokens.Contains(token)) stops.Add(id);
        }
        return TokenVocabulary.Create(bytes, StopTokenSelection.Resolve(stops, options), specials.Values, options.LogitsWidth, options.Name ?? name);
    }
}
