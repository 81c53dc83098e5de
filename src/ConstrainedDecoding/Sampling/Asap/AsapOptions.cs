namespace ConstrainedDecoding.Sampling.Asap;

/// <summary>
/// Identifies what a saved ASAp trie was learned from. The estimates in a trie are only valid for the same model,
/// grammar and prompt, so <see cref="AsapSampler.Load"/> refuses a file whose fingerprints differ. The strings are
/// the caller's (a model file hash, a grammar text hash, the prompt text's hash…); <see cref="Hash"/> makes one.
/// </summary>
/// <param name="Model">Identifies the model (weights and settings that change its logits).</param>
/// <param name="Grammar">Identifies the grammar.</param>
/// <param name="Prompt">Identifies the prompt (or everything that conditions the model before the output).</param>
public sealed record AsapFingerprints(string Model, string Grammar, string Prompt)
{
    /// <summary>Fingerprints that identify nothing (every field empty): files saved with them load only into samplers that also use them.</summary>
    public static AsapFingerprints None { get; } = new(string.Empty, string.Empty, string.Empty);

    /// <summary>A short content hash of <paramref name="text"/> (first 128 bits of SHA-256 over its UTF-8, lower-case hex).</summary>
    /// <param name="text">The text, e.g. a grammar or prompt.</param>
    /// <returns>32 hex digits.</returns>
    public static string Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
    }
}

/// <summary>Settings of an <see cref="AsapSampler"/>.</summary>
/// <remarks>
/// ASAp converges to the model's distribution conditioned on the grammar only when it samples from the model's own
/// next-token distribution: temperature 1, no truncation (top-k, top-p, min-p) and no repetition penalty. Other
/// <see cref="Sampling"/> settings are refused. A temperature other than 1 is accepted under
/// <see cref="AllowNonUnitTemperature"/>: the target is then the tempered distribution conditioned on the grammar,
/// and <see cref="AsapSampler.Warnings"/> says so.
/// </remarks>
public sealed record AsapOptions
{
    /// <summary>Seed of the random stream. With the same seed, the first sample equals plain constrained decoding by <see cref="Sampler"/>.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Most tokens in one sample (stop token included), at most <see cref="Limits.MaxAsapSampleTokens"/>. A sample that
    /// reaches it without finishing is returned with <see cref="AsapSample.Truncated"/> set, and its prefix counts as a
    /// dead end: the target is the model conditioned on the grammar and on finishing within this many tokens.
    /// </summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>Memory cap of the trie in bytes (<see cref="AsapSampler.TrieBytes"/>), at most <see cref="Limits.MaxAsapTrieBytes"/>.</summary>
    public long MaxTrieBytes { get; init; } = Limits.MaxAsapTrieBytes;

    /// <summary>
    /// Sampling settings to check (and, for the temperature under <see cref="AllowNonUnitTemperature"/>, to apply).
    /// Null means the default: temperature 1, nothing else. The seed comes from <see cref="Seed"/>, not from here.
    /// </summary>
    public SamplingOptions? Sampling { get; init; }

    /// <summary>Opt-out: accept a temperature other than 1 (greedy is never accepted) and record a warning.</summary>
    public bool AllowNonUnitTemperature { get; init; }

    /// <summary>What the trie is learned from; written by <see cref="AsapSampler.Save"/> and checked by <see cref="AsapSampler.Load"/>.</summary>
    public AsapFingerprints Fingerprints { get; init; } = AsapFingerprints.None;

    /// <summary>Checks the settings and returns the warnings they cause.</summary>
    /// <exception cref="ArgumentException">A setting breaks ASAp's guarantee or is out of range.</exception>
    internal List<string> Validate()
    {
        var warnings = new List<string>();
        if (MaxTokens < 1 || MaxTokens > Limits.MaxAsapSampleTokens)
        {
            throw new ArgumentException($"unexpected MaxTokens {MaxTokens}, expected 1..{Limits.MaxAsapSampleTokens} (Limits.MaxAsapSampleTokens).", nameof(MaxTokens));
        }
        if (MaxTrieBytes < AsapTrie.BytesPerNode || MaxTrieBytes > Limits.MaxAsapTrieBytes)
        {
            throw new ArgumentException($"unexpected MaxTrieBytes {MaxTrieBytes}, expected {AsapTrie.BytesPerNode}..{Limits.MaxAsapTrieBytes} (Limits.MaxAsapTrieBytes).", nameof(MaxTrieBytes));
        }
        ArgumentNullException.ThrowIfNull(Fingerprints, nameof(Fingerprints));
        var s = Sampling ?? new SamplingOptions();
        s.Validate();
        const string Why = "ASAp samples from the model's own distribution conditioned on the grammar, which needs temperature 1 with no truncation or penalty";
        if (s.TopK != 0) throw new ArgumentException($"unexpected TopK {s.TopK} in ASAp mode, expected 0: {Why}.", nameof(Sampling));
        if (s.TopP != 1f) throw new ArgumentException($"unexpected TopP {s.TopP} in ASAp mode, expected 1: {Why}.", nameof(Sampling));
        if (s.MinP != 0f) throw new ArgumentException($"unexpected MinP {s.MinP} in ASAp mode, expected 0: {Why}.", nameof(Sampling));
        if (s.RepetitionPenalty != 1f) throw new ArgumentException($"unexpected RepetitionPenalty {s.RepetitionPenalty} in ASAp mode, expected 1: {Why}.", nameof(Sampling));
        if (s.IsGreedy) throw new ArgumentException($"unexpected temperature 0 (greedy) in ASAp mode, expected 1: {Why}.", nameof(Sampling));
        if (s.Temperature != 1f)
        {
            if (!AllowNonUnitTemperature)
            {
                throw new ArgumentException($"unexpected Temperature {s.Temperature} in ASAp mode, expected 1: {Why} (set AllowNonUnitTemperature to target the tempered distribution instead).", nameof(Sampling));
            }
            warnings.Add($"Temperature {s.Temperature}: ASAp converges to the temperature-{s.Temperature} distribution conditioned on the grammar, not to the model's.");
        }
        return warnings;
    }
}

/// <summary>One output of <see cref="AsapSampler.Sample"/>.</summary>
/// <param name="Tokens">The tokens, the stop token included when one ended the sample.</param>
/// <param name="Completed">Whether the output is a complete string of the grammar (a stop token was chosen, or nothing more is allowed and the grammar accepts).</param>
/// <param name="Truncated">Whether the sample reached <see cref="AsapOptions.MaxTokens"/> before finishing (it is then not a complete string).</param>
/// <param name="ModelCalls">How many times the model was asked for logits during this sample (explored prefixes reuse the trie).</param>
public sealed record AsapSample(int[] Tokens, bool Completed, bool Truncated, int ModelCalls);
