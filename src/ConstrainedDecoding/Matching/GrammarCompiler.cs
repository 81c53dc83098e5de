using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// Compiles grammars against one vocabulary. Terminal automata and their token tables are shared
/// through the vocabulary, so compiling a grammar whose terminals were seen before is cheap.
/// </summary>
/// <remarks>Thread-safe; keep one per tokenizer.</remarks>
public sealed class GrammarCompiler
{
    /// <summary>Creates a compiler bound to <paramref name="vocabulary"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="vocabulary"/> is null.</exception>
    public GrammarCompiler(TokenVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        Vocabulary = vocabulary;
    }

    /// <summary>The vocabulary masks are computed over.</summary>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>Compiles a grammar. Work per DFA state and per parser state happens lazily on first use.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="grammar"/> is null.</exception>
    /// <exception cref="GrammarLimitException">A terminal's automaton exceeds a named limit.</exception>
    public CompiledGrammar Compile(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        return new CompiledGrammar(grammar, Vocabulary);
    }

    /// <summary>Parses and compiles a Lark-style EBNF grammar.</summary>
    /// <exception cref="GrammarSyntaxException">Malformed grammar text.</exception>
    /// <exception cref="GrammarDefinitionException">Undefined rules, missing start, empty language.</exception>
    public CompiledGrammar CompileLark(string text, string start = "start") => Compile(Grammar.FromLark(text, start));

    /// <summary>Parses and compiles a GBNF grammar.</summary>
    /// <exception cref="GrammarSyntaxException">Malformed grammar text.</exception>
    /// <exception cref="GrammarDefinitionException">Undefined rules, missing start, empty language.</exception>
    public CompiledGrammar CompileGbnf(string text, string start = "root") => Compile(Grammar.FromGbnf(text, start));

    /// <summary>Compiles a regular expression (full match).</summary>
    /// <exception cref="Regex.RegexParseException">Malformed or unsupported pattern.</exception>
    public CompiledGrammar CompileRegex(string pattern) => Compile(Grammar.FromRegex(pattern));
}
