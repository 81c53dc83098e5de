namespace ConstrainedDecoding.Tokenizers.Tiktoken;

/// <summary>Settings for <see cref="TiktokenVocabulary"/>.</summary>
public sealed class TiktokenVocabularyOptions : TokenizerVocabularyOptions
{
}
