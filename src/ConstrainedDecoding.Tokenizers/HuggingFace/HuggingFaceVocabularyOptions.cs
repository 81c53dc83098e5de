namespace ConstrainedDecoding.Tokenizers.HuggingFace;

/// <summary>Settings for <see cref="HuggingFaceVocabulary"/>.</summary>
public sealed class HuggingFaceVocabularyOptions : TokenizerVocabularyOptions
{
    /// <summary>
    /// How vocabulary strings spell bytes; <see langword="null"/> (the default) detects it from the
    /// pipeline: a <c>ByteLevel</c> pre-tokenizer or decoder means <see cref="TokenizerKind.ByteLevel"/>;
    /// a <c>Metaspace</c>, <c>ByteFallback</c> or "▁ → space" step, or <c>model.byte_fallback</c>,
    /// means <see cref="TokenizerKind.SentencePiece"/>.
    /// </summary>
    public TokenizerKind? Kind { get; set; }

    /// <summary>
    /// Whether loading from a path also reads <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c>
    /// and <c>generation_config.json</c> from the same folder (default <see langword="true"/>).
    /// </summary>
    public bool ReadConfigFiles { get; set; } = true;
}
