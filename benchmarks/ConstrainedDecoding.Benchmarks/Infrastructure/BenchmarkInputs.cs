using System.Collections.Concurrent;
using ConstrainedDecoding.Bench.Inputs;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Benchmarks.Infrastructure;

/// <summary>Finds benchmark inputs (built-in grammars, tokenizers, token corpora) and lists only those present.</summary>
internal static class BenchmarkInputs
{
    /// <summary>The built-in grammars measured, in grammars/&lt;name&gt;.lark.</summary>
    public static readonly string[] BuiltinGrammars = ["json", "arithmetic", "sql", "go", "c", "java"];

    /// <summary>The tokenizers measured for vocabulary size: GPT-2 (50k), Llama 3 (128k), Qwen 3 (152k).</summary>
    public static readonly string[] VocabularySizes = ["gpt2", "llama3", "qwen3"];

    /// <summary>The tokenizer used where the vocabulary is not the variable.</summary>
    public const string DefaultTokenizer = "llama3";

    private static readonly ConcurrentDictionary<string, TokenVocabulary> s_vocabularies = new(StringComparer.Ordinal);

    /// <summary>Path of a built-in grammar.</summary>
    public static string GrammarPath(string name) => TestData.GrammarFile(name + ".lark");

    /// <summary>Path of a tokenizer.json under the data folder, or null when absent.</summary>
    public static string? TokenizerPath(string name) => TestData.DataFile("tokenizers", name, "tokenizer.json");

    /// <summary>Built-in grammars whose file exists.</summary>
    public static IEnumerable<string> AvailableGrammars() => BuiltinGrammars.Where(g => File.Exists(GrammarPath(g)));

    /// <summary>Vocabulary-size tokenizers present in the data folder.</summary>
    public static IEnumerable<string> AvailableVocabularySizes() => VocabularySizes.Where(t => TokenizerPath(t) is not null);

    /// <summary>Whether the default tokenizer is present (the grammar benchmarks need it).</summary>
    public static bool HasDefaultTokenizer => TokenizerPath(DefaultTokenizer) is not null;

    /// <summary>Lines naming the inputs that are absent, so skipped cases are visible.</summary>
    public static IEnumerable<string> DescribeMissing()
    {
        if (TestData.DataRoot is null) yield return $"[skip] {TestData.MissingDataReason} Tokenizer-dependent benchmarks are left out.";
        foreach (var g in BuiltinGrammars.Where(g => !File.Exists(GrammarPath(g)))) yield return $"[skip] grammar {g}: {GrammarPath(g)} not found";
        if (TestData.DataRoot is not null)
        {
            foreach (var t in VocabularySizes.Where(t => TokenizerPath(t) is null)) yield return $"[skip] tokenizer {t}: not in {TestData.DataRoot}/tokenizers";
        }
    }

    /// <summary>The vocabulary of a tokenizer in the data folder (loaded once per process, trie built).</summary>
    /// <exception cref="FileNotFoundException">The tokenizer is absent.</exception>
    public static TokenVocabulary Vocabulary(string tokenizer) => s_vocabularies.GetOrAdd(tokenizer, static name =>
    {
        var path = TokenizerPath(name) ?? throw new FileNotFoundException($"tokenizer {name} not found; {TestData.MissingDataReason}");
        var vocab = VocabularyFiles.Load(path);
        _ = vocab.Trie;
        return vocab;
    });

    /// <summary>Text of a built-in grammar.</summary>
    public static string GrammarText(string name) => File.ReadAllText(GrammarPath(name));

    /// <summary>A built-in grammar, parsed.</summary>
    public static Grammar Grammar(string name) => GrammarFiles.Parse(GrammarPath(name), GrammarText(name));

    /// <summary>A fresh vocabulary with the same tokens as <paramref name="source"/> and no shared caches (cold trie and tables).</summary>
    public static TokenVocabulary FreshCopy(TokenVocabulary source)
    {
        var bytes = new byte[]?[source.Count];
        var special = new List<int>();
        for (int id = 0; id < source.Count; id++)
        {
            bytes[id] = source.GetTokenBytes(id).ToArray();
            if (source.IsSpecial(id)) special.Add(id);
        }
        return TokenVocabulary.Create(bytes, source.StopTokenIds, special, source.LogitsWidth, source.Name);
    }
}
