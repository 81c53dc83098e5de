namespace ConstrainedDecoding.Tokenizers;

/// <summary>Bounds on tokenizer definitions, so hostile or corrupt files fail with a clear error instead of exhausting memory.</summary>
public static class TokenizerLimits
{
    /// <summary>Largest token count (and so largest id + 1) accepted: 2^24. The largest real vocabularies (Gemma 3) have about 262k tokens; an id near <see cref="int.MaxValue"/> would otherwise allocate gigabytes.</summary>
    public const int MaxTokenCount = 1 << 24;

    /// <summary>Largest tokenizer file read into memory: 1 GiB. Real <c>tokenizer.json</c> files are at most a few tens of MB.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>JSON nesting accepted in tokenizer files (pipelines nest <c>Sequence</c>s a few levels; the default of 64 is kept generous).</summary>
    public const int MaxJsonDepth = 256;
}
