using System.Collections.Immutable;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Grammars;

/// <summary>
/// The immutable grammar IR every front end produces: terminals are byte-level regular expressions,
/// rules are context-free productions over terminals and nonterminals.
/// </summary>
/// <remarks>
/// <para>Language: a byte string is in the language when it can be split into a sequence of terminal
/// matches, with matches of <see cref="GrammarTerminal.IsIgnored"/> terminals allowed anywhere between
/// them (and at both ends), such that the remaining terminal sequence derives from <see cref="Start"/>.
/// Every split is considered (no longest-match commitment), so the language equals the context-free
/// language obtained by substituting each terminal's regular language, as in GBNF.</para>
/// <para>Instances are immutable and safe to share across threads.</para>
/// </remarks>
public sealed class Grammar
{
    internal Grammar(
        ImmutableArray<GrammarTerminal> terminals,
        ImmutableArray<string> nonterminals,
        ImmutableArray<GrammarRule> rules,
        int start,
        ImmutableArray<GrammarUnordered> unordered = default)
    {
        Terminals = terminals;
        Nonterminals = nonterminals;
        Rules = rules;
        Start = start;
        Unordered = unordered.IsDefault ? [] : unordered;
    }

    /// <summary>The terminals; a <see cref="GrammarSymbol"/> of kind terminal indexes this list.</summary>
    public ImmutableArray<GrammarTerminal> Terminals { get; }

    /// <summary>Nonterminal names; a nonterminal <see cref="GrammarSymbol"/> indexes this list.</summary>
    public ImmutableArray<string> Nonterminals { get; }

    /// <summary>The productions.</summary>
    public ImmutableArray<GrammarRule> Rules { get; }

    /// <summary>The start nonterminal.</summary>
    public int Start { get; }

    /// <summary>
    /// Nonterminals defined by an unordered group instead of by <see cref="Rules"/> (see
    /// <see cref="GrammarExpression.Unordered"/>); each has no production in <see cref="Rules"/>.
    /// </summary>
    public ImmutableArray<GrammarUnordered> Unordered { get; }

    /// <summary>Parses a Lark-style EBNF grammar.</summary>
    /// <param name="text">Grammar text.</param>
    /// <param name="start">Start rule name (Lark's default is <c>start</c>).</param>
    /// <exception cref="GrammarSyntaxException">The text is not valid Lark EBNF.</exception>
    /// <exception cref="GrammarDefinitionException">A rule is undefined, the start rule is missing, or the language is empty.</exception>
    public static Grammar FromLark(string text, string start = "start") => Lark.LarkGrammarParser.Parse(text, start);

    /// <summary>Parses a GBNF grammar (llama.cpp's format).</summary>
    /// <param name="text">Grammar text.</param>
    /// <param name="start">Start rule name (GBNF's default is <c>root</c>).</param>
    /// <exception cref="GrammarSyntaxException">The text is not valid GBNF.</exception>
    /// <exception cref="GrammarDefinitionException">A rule is undefined, the start rule is missing, or the language is empty.</exception>
    public static Grammar FromGbnf(string text, string start = "root") => Gbnf.GbnfGrammarParser.Parse(text, start);

    /// <summary>A grammar whose language is the full matches of one regular expression.</summary>
    /// <param name="pattern">The pattern (see <see cref="RegexParser"/> for the supported syntax).</param>
    /// <exception cref="RegexParseException">The pattern is malformed or uses an unsupported feature.</exception>
    public static Grammar FromRegex(string pattern)
    {
        var node = RegexParser.Parse(pattern);
        return FromRegex(node, pattern);
    }

    /// <summary>A grammar whose language is the full matches of a byte-level regex.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="displayName">Name used in messages.</param>
    public static Grammar FromRegex(RegexNode pattern, string? displayName = null)
    {
        var b = new GrammarBuilder();
        b.DefineRule("start", GrammarExpression.Pattern(pattern, displayName ?? pattern.Key), default);
        return b.Build("start");
    }

    /// <summary>
    /// Which nonterminals derive the empty string through <paramref name="rules"/> (terminals never match it;
    /// nonterminals without rules, such as unordered groups, never do either).
    /// </summary>
    internal static bool[] NullableNonterminals(int nonterminalCount, IReadOnlyList<GrammarRule> rules)
    {
        var nullable = new bool[nonterminalCount];
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var r in rules)
            {
                if (nullable[r.Lhs] || !r.Rhs.All(s => !s.IsTerminal && nullable[s.Index])) continue;
                nullable[r.Lhs] = true;
                changed = true;
            }
        }
        return nullable;
    }

    /// <summary>Human-readable BNF listing, for debugging.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < Terminals.Length; i++)
        {
            sb.Append(Terminals[i].Name).Append(Terminals[i].IsIgnored ? " (ignored)" : "").Append(": ").AppendLine(Terminals[i].Pattern.Key);
        }
        foreach (var r in Rules)
        {
            sb.Append(Nonterminals[r.Lhs]).Append(" ->");
            foreach (var s in r.Rhs)
            {
                sb.Append(' ').Append(s.IsTerminal ? Terminals[s.Index].Name : Nonterminals[s.Index]);
            }
            sb.AppendLine();
        }
        foreach (var u in Unordered)
        {
            string Name(GrammarSymbol s) => s.IsTerminal ? Terminals[s.Index].Name : Nonterminals[s.Index];
            sb.Append(Nonterminals[u.Nonterminal]).Append(" -> unordered(");
            for (int i = 0; i < u.Members.Length; i++)
            {
                sb.Append(i == 0 ? "" : " ").Append(Name(u.Members[i])).Append(u.Required[i] ? "" : "?");
            }
            if (u.Extra is { } x) sb.Append(" extra ").Append(Name(x)).Append('*');
            sb.Append(" sep ").Append(Name(u.Separator)).Append(" end ").Append(Name(u.End)).AppendLine(")");
        }
        return sb.ToString();
    }
}

/// <summary>A terminal: a named byte-level regular language.</summary>
public sealed class GrammarTerminal
{
    /// <summary>Creates a terminal.</summary>
    public GrammarTerminal(string name, RegexNode pattern, bool isIgnored = false, int priority = 0)
    {
        Name = name;
        Pattern = pattern;
        IsIgnored = isIgnored;
        Priority = priority;
    }

    /// <summary>Name, for messages.</summary>
    public string Name { get; }

    /// <summary>The byte-level pattern.</summary>
    public RegexNode Pattern { get; }

    /// <summary>Whether matches may appear between any two terminals without the parser seeing them (Lark <c>%ignore</c>).</summary>
    public bool IsIgnored { get; }

    /// <summary>
    /// Lark priority, kept for round-tripping. The language does not depend on it: every lexical
    /// split is considered, so priorities only disambiguate parse trees, which masks do not need.
    /// </summary>
    public int Priority { get; }
}

/// <summary>A symbol on a rule's right-hand side.</summary>
/// <param name="IsTerminal">Terminal (index into <see cref="Grammar.Terminals"/>) or nonterminal.</param>
/// <param name="Index">The index.</param>
public readonly record struct GrammarSymbol(bool IsTerminal, int Index)
{
    /// <summary>A terminal symbol.</summary>
    public static GrammarSymbol Terminal(int index) => new(true, index);

    /// <summary>A nonterminal symbol.</summary>
    public static GrammarSymbol Nonterminal(int index) => new(false, index);
}

/// <summary>
/// A nonterminal defined as an unordered group: each member at most once, in any order, required members
/// all present, the extra item any number of times, items separated by <see cref="Separator"/>, then
/// <see cref="End"/>. Built from <see cref="GrammarExpression.Unordered"/>.
/// </summary>
/// <param name="Nonterminal">The nonterminal it defines.</param>
/// <param name="Members">The members, each one symbol.</param>
/// <param name="Required">Per member, whether it must appear.</param>
/// <param name="Extra">An item allowed any number of times between the members, or null.</param>
/// <param name="Separator">Written between two items (never empty).</param>
/// <param name="End">Written after the last item (never empty).</param>
public sealed record GrammarUnordered(
    int Nonterminal,
    ImmutableArray<GrammarSymbol> Members,
    ImmutableArray<bool> Required,
    GrammarSymbol? Extra,
    GrammarSymbol Separator,
    GrammarSymbol End);

/// <summary>A production <c>Lhs → Rhs</c>.</summary>
/// <param name="Lhs">Nonterminal index.</param>
/// <param name="Rhs">Right-hand side (empty for an ε-production).</param>
public sealed record GrammarRule(int Lhs, ImmutableArray<GrammarSymbol> Rhs);
