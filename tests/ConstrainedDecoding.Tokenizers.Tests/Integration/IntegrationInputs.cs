using System.Text;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tokenizers.Tests.Integration;

/// <summary>The built-in grammars compiled against the shared tokenizers, and the documents the integration tests replay.</summary>
internal static class IntegrationInputs
{
    /// <summary>Every built-in grammar, by file name without extension.</summary>
    public static readonly string[] GrammarNames = ["json", "arithmetic", "sql", "go", "c", "java"];

    /// <summary>Accept-corpus documents replayed per grammar: a few with the most varied syntax (escapes, raw UTF-8, nesting, comments).</summary>
    private static readonly Dictionary<string, string[]> s_corpusDocuments = new(StringComparer.Ordinal)
    {
        ["json"] = ["02-nested.json", "03-escapes.json", "04-raw-utf8.json"],
        ["arithmetic"] = ["02-parens.txt", "05-negative-exponent.txt", "07-whitespace.txt"],
        ["sql"] = ["02-join-group.sql", "05-subquery-case.sql", "06-quoted-identifiers.sql"],
        ["go"] = ["07-strings-slices.go", "05-consts-vars.go"],
        ["c"] = ["05-strings.c", "04-function-pointers.c"],
        ["java"] = ["03-lambdas-streams.java", "05-interface-generics.java"],
    };

    /// <summary>JSON texts taken from the llama3 jsonschemabench-tokens file (valid instances of this byte length).</summary>
    private const string BenchFile = "Github_easy.jsonl";
    private const int BenchTexts = 2;
    private const int BenchMinBytes = 200;
    private const int BenchMaxBytes = 1200;

    /// <summary>Compiles <c>grammars/&lt;grammar&gt;.lark</c> against the tokenizer's vocabulary.</summary>
    public static CompiledGrammar Compile(string tokenizer, string grammar)
    {
        var vocab = SharedTokenizers.Get(tokenizer).Vocabulary;
        var text = File.ReadAllText(TestData.GrammarFile(grammar + ".lark"));
        return new GrammarCompiler(vocab).Compile(Grammar.FromLark(text));
    }

    /// <summary>The documents replayed for a grammar, as (name, UTF-8 bytes).</summary>
    public static List<(string Name, byte[] Bytes)> Documents(string grammar)
    {
        var corpus = Path.Combine(TestData.RepositoryRoot, "tests", "ConstrainedDecoding.Tests", "BuiltInGrammars", "Corpus", grammar, "accept");
        var docs = s_corpusDocuments[grammar].Select(f => (f, File.ReadAllBytes(Path.Combine(corpus, f)))).ToList();
        if (grammar == "json") docs.AddRange(BenchJsonTexts());
        return docs;
    }

    private static IEnumerable<(string Name, byte[] Bytes)> BenchJsonTexts()
    {
        var path = TestData.DataFile("jsonschemabench-tokens", "llama3", BenchFile)
            ?? throw new InvalidOperationException($"jsonschemabench-tokens/llama3/{BenchFile} is missing from the data folder");
        int found = 0;
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.GetProperty("valid").GetBoolean()) continue;
            var bytes = Encoding.UTF8.GetBytes(root.GetProperty("text").GetString()!);
            if (bytes.Length < BenchMinBytes || bytes.Length > BenchMaxBytes) continue;
            yield return ($"{root.GetProperty("id").GetString()}#{root.GetProperty("test").GetInt32()}", bytes);
            if (++found == BenchTexts) yield break;
        }
        throw new InvalidOperationException($"{BenchFile} has fewer than {BenchTexts} valid texts of {BenchMinBytes}..{BenchMaxBytes} bytes");
    }

    /// <summary>A seed that depends only on the text (string.GetHashCode is randomized per process).</summary>
    public static int StableSeed(string text)
    {
        uint h = 2166136261;
        foreach (char c in text) h = (h ^ c) * 16777619;
        return (int)(h & 0x7FFFFFFF);
    }
}
