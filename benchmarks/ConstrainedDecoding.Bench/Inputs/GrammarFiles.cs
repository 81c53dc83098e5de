using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Bench.Inputs;

/// <summary>Builds a <see cref="Grammar"/> from a grammar file, choosing the front end by extension.</summary>
/// <remarks>Shared (as a linked file) with the BenchmarkDotNet project.</remarks>
internal static class GrammarFiles
{
    /// <summary>Extensions understood, for messages.</summary>
    public const string KnownExtensions = ".lark, .gbnf, .regex, .txt";

    /// <summary>Whether the extension names a known grammar format.</summary>
    public static bool IsKnown(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".lark" or ".gbnf" or ".regex" or ".txt";

    /// <summary>Parses grammar text in the format the file name's extension names.</summary>
    /// <param name="path">File name (only its extension is used).</param>
    /// <param name="text">Grammar text.</param>
    /// <exception cref="NotSupportedException">Unknown extension.</exception>
    /// <exception cref="GrammarSyntaxException">Malformed Lark or GBNF.</exception>
    /// <exception cref="GrammarDefinitionException">Undefined rule, missing start rule, empty language.</exception>
    /// <exception cref="Regex.RegexParseException">Malformed regex.</exception>
    public static Grammar Parse(string path, string text) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".lark" => Grammar.FromLark(text),
        ".gbnf" => Grammar.FromGbnf(text),
        ".regex" or ".txt" => Grammar.FromRegex(text.Trim()),
        var ext => throw new NotSupportedException($"unexpected grammar file extension '{ext}', expected one of {KnownExtensions}"),
    };
}
