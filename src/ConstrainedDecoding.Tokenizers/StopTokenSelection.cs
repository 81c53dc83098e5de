namespace ConstrainedDecoding.Tokenizers;

/// <summary>Combines detected stop ids with <see cref="TokenizerVocabularyOptions"/>.</summary>
internal static class StopTokenSelection
{
    /// <summary>
    /// <see cref="TokenizerVocabularyOptions.StopTokenIds"/> when set, else <paramref name="detected"/>;
    /// then <see cref="TokenizerVocabularyOptions.AdditionalStopTokenIds"/>. Sorted, without duplicates.
    /// </summary>
    public static int[] Resolve(IEnumerable<int> detected, TokenizerVocabularyOptions options)
    {
        var set = new SortedSet<int>(options.StopTokenIds ?? detected);
        if (options.AdditionalStopTokenIds is { } extra) set.UnionWith(extra);
        return [.. set];
    }
}
