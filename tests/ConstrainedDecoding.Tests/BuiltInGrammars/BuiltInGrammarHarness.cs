using System.Collections.Concurrent;
using System.Text;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.BuiltInGrammars;

/// <summary>Loads the built-in grammars and their corpora, and runs texts through a byte-level matcher.</summary>
internal static class BuiltInGrammarHarness
{
    /// <summary>Every built-in grammar, by file name without extension.</summary>
    public static readonly string[] GrammarNames = ["json", "arithmetic", "sql", "go", "c", "java"];

    private static readonly GrammarCompiler Compiler = new(FakeVocabularies.Bytes());
    private static readonly ConcurrentDictionary<string, Lazy<CompiledGrammar>> Compiled = new(StringComparer.Ordinal);

    /// <summary>The corpus root: the copy beside the test binaries, else the source tree.</summary>
    public static string CorpusRoot { get; } = FirstExisting(
        Path.Combine(AppContext.BaseDirectory, "BuiltInGrammars", "Corpus"),
        Path.Combine(TestData.RepositoryRoot, "tests", "ConstrainedDecoding.Tests", "BuiltInGrammars", "Corpus"));

    /// <summary>Path of <c>grammars/&lt;name&gt;.lark</c>: the copy beside the test binaries, else the source tree.</summary>
    public static string GrammarPath(string name) => FirstExisting(
        Path.Combine(AppContext.BaseDirectory, "grammars", name + ".lark"),
        TestData.GrammarFile(name + ".lark"));

    /// <summary>The compiled grammar, built once per test run.</summary>
    public static CompiledGrammar Get(string name) =>
        Compiled.GetOrAdd(name, n => new Lazy<CompiledGrammar>(() => Compiler.Compile(Grammar.FromLark(File.ReadAllText(GrammarPath(n)))))).Value;

    /// <summary>Corpus files of one kind ("accept" or "reject") for every grammar, as paths relative to <see cref="CorpusRoot"/>.</summary>
    public static TheoryData<string> CorpusFiles(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var g in GrammarNames)
        {
            var dir = Path.Combine(CorpusRoot, g, kind);
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(CorpusRoot, f).Replace('\\', '/'));
            }
        }
        return data;
    }

    /// <summary>Whether the whole text is a sentence of the grammar.</summary>
    public static bool Accepts(string grammar, string text)
    {
        var m = Get(grammar).CreateMatcher();
        return m.TryAcceptString(text) && m.IsAccepting;
    }

    /// <summary>
    /// Where the text leaves the language: the byte offset of the first byte no sentence can continue with,
    /// or the length when every byte was accepted (the text is then a proper prefix, or accepted).
    /// </summary>
    public static int FirstRejectedOffset(string grammar, string text)
    {
        var m = Get(grammar).CreateMatcher();
        var bytes = Encoding.UTF8.GetBytes(text);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!m.TryAcceptBytes(bytes.AsSpan(i, 1))) return i;
        }
        return bytes.Length;
    }

    /// <summary>A short "line L, column C: ...context..." description of a byte offset, for failure messages.</summary>
    public static string DescribeOffset(string text, int byteOffset)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var before = Encoding.UTF8.GetString(bytes, 0, Math.Min(byteOffset, bytes.Length));
        int line = 1 + before.Count(c => c == '\n');
        int column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
        int lineStart = before.LastIndexOf('\n') + 1;
        int lineEnd = text.IndexOf('\n', lineStart);
        var lineText = lineEnd < 0 ? text[lineStart..] : text[lineStart..lineEnd];
        return $"line {line}, column {column}: {lineText.Trim()}";
    }

    private static string FirstExisting(string preferred, string fallback) =>
        File.Exists(preferred) || Directory.Exists(preferred) ? preferred : fallback;
}
