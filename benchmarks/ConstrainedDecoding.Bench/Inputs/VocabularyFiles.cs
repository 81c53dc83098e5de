using ConstrainedDecoding.Tokenizers.HuggingFace;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Bench.Inputs;

/// <summary>Loads a <see cref="TokenVocabulary"/> from a Hugging Face tokenizer.json.</summary>
/// <remarks>
/// The one place the bench depends on the tokenizer loader (shared, as a linked file, with the
/// BenchmarkDotNet project), so adapting to the loader's API is a one-line change.
/// </remarks>
internal static class VocabularyFiles
{
    /// <summary>Loads the vocabulary (stop ids from the config files beside tokenizer.json).</summary>
    /// <param name="tokenizerJsonPath">Path of tokenizer.json.</param>
    /// <exception cref="Tokenizers.TokenizerFormatException">The file is not a supported tokenizer.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TokenVocabulary Load(string tokenizerJsonPath) => HuggingFaceVocabulary.Load(tokenizerJsonPath);

    /// <summary>A display name for a tokenizer: the folder holding tokenizer.json, or the file name.</summary>
    public static string DisplayName(string tokenizerJsonPath)
    {
        var full = Path.GetFullPath(tokenizerJsonPath);
        var dir = Path.GetFileName(Path.GetDirectoryName(full));
        return string.IsNullOrEmpty(dir) ? Path.GetFileName(full) : dir;
    }
}
