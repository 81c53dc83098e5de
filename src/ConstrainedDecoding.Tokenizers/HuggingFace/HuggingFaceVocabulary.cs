using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Tokenizers.HuggingFace;

/// <summary>
/// Builds a <see cref="TokenVocabulary"/> from a Hugging Face <c>tokenizer.json</c>: byte-level BPE
/// (GPT-2, Llama 3, Qwen) and SentencePiece-style BPE with byte fallback (Llama 2, Mistral, Phi-3).
/// </summary>
/// <remarks>
/// <para>Token bytes: byte-level vocabulary strings are mapped back through the GPT-2 byte-to-unicode
/// alphabet; SentencePiece pieces are UTF-8 with <c>▁</c> replaced by a space, and <c>&lt;0xNN&gt;</c>
/// pieces are the single byte NN. Added tokens are their content in UTF-8. Ids that no entry
/// defines have no bytes and are special. <c>merges</c> are skipped without being parsed.</para>
/// <para>Special ids: added tokens marked <c>special</c>, ids that <c>tokenizer_config.json</c>'s
/// <c>added_tokens_decoder</c> marks special, the configured BOS/EOS/UNK/PAD tokens, and, for
/// SentencePiece, the control pieces <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>.
/// Non-special added tokens (CodeGen's whitespace runs, Qwen's <c>&lt;think&gt;</c>) are ordinary tokens.</para>
/// <para>Stop ids, unless <see cref="TokenizerVocabularyOptions.StopTokenIds"/> replaces them: the union of
/// <c>generation_config.json</c>'s <c>eos_token_id</c>, the <c>eos_token</c> of <c>tokenizer_config.json</c>
/// (or <c>special_tokens_map.json</c>), and the added tokens named in <see cref="WellKnownStopTokens.Names"/>;
/// then <see cref="TokenizerVocabularyOptions.AdditionalStopTokenIds"/>. The config files are read only
/// when loading from a path (they are looked up beside the file) or passed as a stream.</para>
/// </remarks>
public static class HuggingFaceVocabulary
{
    /// <summary>Loads the vocabulary of a <c>tokenizer.json</c> file, reading the config files beside it.</summary>
    /// <param name="tokenizerJsonPath">Path of <c>tokenizer.json</c>, or of the folder holding it.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="TokenizerFormatException">A file is not JSON, not a BPE tokenizer, or holds a token that cannot be turned into bytes.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent with the tokenizer (a stop id out of range, a logits width below the token count).</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static TokenVocabulary Load(string tokenizerJsonPath, HuggingFaceVocabularyOptions? options = null) =>
        LoadWithInfo(tokenizerJsonPath, options).Vocabulary;

    /// <summary>Loads the vocabulary of a <c>tokenizer.json</c> read from a stream (no config files: stop ids come from <see cref="WellKnownStopTokens"/> and the options).</summary>
    /// <param name="tokenizerJson">The <c>tokenizer.json</c> content; read to its end, not disposed.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="TokenizerFormatException">The stream is not JSON, not a BPE tokenizer, or holds a token that cannot be turned into bytes.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent with the tokenizer.</exception>
    public static TokenVocabulary Load(Stream tokenizerJson, HuggingFaceVocabularyOptions? options = null) =>
        LoadWithInfo(tokenizerJson, null, options).Vocabulary;

    /// <summary>Loads a <c>tokenizer.json</c> file and its config files, returning the vocabulary with BOS/EOS ids and the tokenizer kind.</summary>
    /// <param name="tokenizerJsonPath">Path of <c>tokenizer.json</c>, or of the folder holding it.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="TokenizerFormatException">A file is not JSON, not a BPE tokenizer, or holds a token that cannot be turned into bytes.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent with the tokenizer.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static TokenizerInfo LoadWithInfo(string tokenizerJsonPath, HuggingFaceVocabularyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerJsonPath);
        options ??= new HuggingFaceVocabularyOptions();
        string file = Directory.Exists(tokenizerJsonPath) ? Path.Combine(tokenizerJsonPath, "tokenizer.json") : tokenizerJsonPath;
        string directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        byte[] source;
        using (var stream = File.OpenRead(file)) source = SourceBytes.Read(stream);
        var json = TokenizerJsonReader.Parse(source);
        var config = options.ReadConfigFiles ? TokenizerConfig.ReadDirectory(directory) : TokenizerConfig.ReadTokenizerConfig(null);
        string name = Path.GetFileName(directory) is { Length: > 0 } folder ? folder : Path.GetFileNameWithoutExtension(file);
        return HuggingFaceVocabularyBuilder.Build(json, config, options, name);
    }

    /// <summary>Loads a <c>tokenizer.json</c> and, optionally, its <c>tokenizer_config.json</c> from streams.</summary>
    /// <param name="tokenizerJson">The <c>tokenizer.json</c> content; read to its end, not disposed.</param>
    /// <param name="tokenizerConfigJson">The <c>tokenizer_config.json</c> content, or <see langword="null"/>.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="TokenizerFormatException">A stream is not JSON, not a BPE tokenizer, or holds a token that cannot be turned into bytes.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent with the tokenizer.</exception>
    public static TokenizerInfo LoadWithInfo(Stream tokenizerJson, Stream? tokenizerConfigJson, HuggingFaceVocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        options ??= new HuggingFaceVocabularyOptions();
        var json = TokenizerJsonReader.Parse(SourceBytes.Read(tokenizerJson));
        var config = TokenizerConfig.ReadTokenizerConfig(tokenizerConfigJson);
        return HuggingFaceVocabularyBuilder.Build(json, config, options, "tokenizer.json");
    }
}
