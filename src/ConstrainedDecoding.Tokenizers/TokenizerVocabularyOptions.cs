namespace ConstrainedDecoding.Tokenizers;

/// <summary>Settings shared by every way of building a <see cref="ConstrainedDecoding.Vocabulary.TokenVocabulary"/> from a tokenizer.</summary>
public abstract class TokenizerVocabularyOptions
{
    /// <summary>Width of the model's logits row; <see langword="null"/> means the token count. A model may pad its output (Phi-3: 32,064 for 32,045 tokens).</summary>
    public int? LogitsWidth { get; set; }

    /// <summary>
    /// When set, exactly these ids (plus <see cref="AdditionalStopTokenIds"/>) stop generation, replacing
    /// the ones found in the tokenizer's files.
    /// </summary>
    public IReadOnlyCollection<int>? StopTokenIds { get; set; }

    /// <summary>Ids that stop generation in addition to the detected ones (or to <see cref="StopTokenIds"/>).</summary>
    public IReadOnlyCollection<int>? AdditionalStopTokenIds { get; set; }

    /// <summary>
    /// Whether tokens named in <see cref="WellKnownStopTokens.Names"/> stop generation when the
    /// tokenizer defines them. Ignored when <see cref="StopTokenIds"/> is set. Default <see langword="true"/>.
    /// </summary>
    public bool IncludeWellKnownStopTokens { get; set; } = true;

    /// <summary>Display name of the vocabulary; <see langword="null"/> picks one from the source.</summary>
    public string? Name { get; set; }
}
