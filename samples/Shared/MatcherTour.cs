using System.Numerics;
using System.Text;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Tokenizers.HuggingFace;
using ConstrainedDecoding.Vocabulary;

namespace Samples;

/// <summary>
/// What the grammar samples (LarkGrammar, GbnfGrammar, RegexGrammar) have in common: the GPT-2 vocabulary
/// of the embedded demo model, and a walk through a <see cref="GrammarMatcher"/> without any model.
/// </summary>
internal static class MatcherTour
{
    /// <summary>A compiler bound to GPT-2's vocabulary (tokenizer.json is copied beside the executable).</summary>
    public static GrammarCompiler Gpt2Compiler()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "models", "tiny-json-gpt2", "tokenizer.json");
        TokenVocabulary vocabulary = HuggingFaceVocabulary.Load(path);
        Console.WriteLine($"vocabulary: {vocabulary}");
        return new GrammarCompiler(vocabulary);
    }

    /// <summary>
    /// Feeds <paramref name="pieces"/> one after another, as a model would produce them, and before each
    /// one prints how many tokens the mask allows, a few of the longest, and the bytes the grammar forces.
    /// </summary>
    public static void Walk(CompiledGrammar grammar, params string[] pieces)
    {
        GrammarMatcher matcher = grammar.CreateMatcher();
        var mask = new uint[matcher.MaskWordCount];
        var soFar = new StringBuilder();
        foreach (string piece in pieces.Append(""))
        {
            matcher.FillNextTokenMask(mask);
            int allowed = mask.Sum(word => BitOperations.PopCount(word));
            Console.WriteLine($"after {Quote(soFar.ToString())}{(matcher.IsAccepting ? " (complete: the stop token is allowed)" : "")}");
            Console.WriteLine($"    {allowed} token{(allowed == 1 ? "" : "s")} allowed, e.g. {string.Join(" ", Longest(grammar.Vocabulary, mask, 4))}; " +
                $"forced bytes: {Quote(Encoding.UTF8.GetString(matcher.GetForcedBytes()))}");
            if (piece.Length > 0 && !matcher.TryAcceptString(piece))
            {
                Console.WriteLine($"  {Quote(piece)} was rejected");
                return;
            }
            soFar.Append(piece);
        }
    }

    /// <summary>Checks a whole string: accepted when every byte is allowed and the grammar may end after the last.</summary>
    public static void Check(CompiledGrammar grammar, string text)
    {
        GrammarMatcher matcher = grammar.CreateMatcher();
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!matcher.TryAcceptBytes(bytes.AsSpan(i, 1)))
            {
                Console.WriteLine($"{Quote(text)}: rejected, byte {i} ({Quote(Encoding.UTF8.GetString(bytes, i, 1))}) cannot follow {Quote(Encoding.UTF8.GetString(bytes, 0, i))}");
                return;
            }
        }
        byte[] forced = matcher.GetForcedBytes();
        Console.WriteLine(matcher.IsAccepting ? $"{Quote(text)}: accepted"
            : forced.Length > 0 ? $"{Quote(text)}: rejected, incomplete (it must continue with {Quote(Encoding.UTF8.GetString(forced))})"
            : $"{Quote(text)}: rejected, incomplete (more input is needed)");
    }

    /// <summary>Runs <paramref name="parse"/> on broken grammar text and prints the error with its position.</summary>
    public static void ShowError(string source, Action parse)
    {
        try
        {
            parse();
            Console.WriteLine("(no error?)");
        }
        catch (GrammarSyntaxException e)
        {
            Console.WriteLine($"GrammarSyntaxException ({e.Kind}, line {e.Line}, column {e.Column}): {e.Message}");
            PointAt(source, e.Line, e.Column);
        }
        catch (RegexParseException e)
        {
            Console.WriteLine($"RegexParseException ({e.Kind}, offset {e.Offset}): {e.Message}");
            PointAt(source, 1, e.Offset + 1);
        }
        catch (GrammarDefinitionException e)
        {
            Console.WriteLine($"GrammarDefinitionException ({e.Symbol}, {e.Position}): {e.Message}");
        }
    }

    // Prints the offending source line with a caret under the 1-based column.
    private static void PointAt(string source, int line, int column)
    {
        string[] lines = source.Split('\n');
        if (line >= 1 && line <= lines.Length)
        {
            Console.WriteLine($"    {lines[line - 1].TrimEnd('\r')}");
            Console.WriteLine($"    {new string(' ', Math.Max(0, column - 1))}^");
        }
    }

    // The longest allowed tokens, to show that one token may span several grammar symbols.
    private static IEnumerable<string> Longest(TokenVocabulary vocabulary, uint[] mask, int count) =>
        Enumerable.Range(0, vocabulary.Count)
            .Where(id => (mask[id >> 5] & (1u << (id & 31))) != 0)
            .OrderByDescending(id => vocabulary.GetTokenBytes(id).Length).ThenBy(id => id)
            .Take(count)
            .Select(id => vocabulary.IsStop(id) ? "<stop>" : Quote(Encoding.UTF8.GetString(vocabulary.GetTokenBytes(id))));

    private static string Quote(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
