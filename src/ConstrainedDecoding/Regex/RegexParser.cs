namespace ConstrainedDecoding.Regex;

/// <summary>Options for <see cref="RegexParser"/>.</summary>
[Flags]
public enum RegexParseOptions
{
    /// <summary>Defaults.</summary>
    None = 0,
    /// <summary>Case-insensitive (Lark flag <c>i</c>).</summary>
    IgnoreCase = 1,
    /// <summary><c>.</c> also matches <c>\n</c> (Lark flag <c>s</c>).</summary>
    DotAll = 2,
    /// <summary>Ignore unescaped whitespace and <c>#</c> comments in the pattern (Lark flag <c>x</c>).</summary>
    IgnorePatternWhitespace = 4,
    /// <summary>
    /// Search semantics (JSON Schema <c>pattern</c>): the pattern may match anywhere in the input. Each top-level
    /// alternative is padded with "any text" on the sides where it has no <c>^</c> / <c>$</c>; anchors inside
    /// groups are then <see cref="RegexErrorKind.UnsupportedFeature"/>.
    /// </summary>
    Unanchored = 8,
}

/// <summary>Parses regular-expression syntax into a byte-level <see cref="RegexNode"/> (full-match semantics).</summary>
public static class RegexParser
{
    /// <summary>Parses a pattern.</summary>
    /// <exception cref="RegexParseException">Malformed pattern or an unsupported feature (lookaround, backreference…).</exception>
    /// <remarks>
    /// <para>
    /// The syntax is the common ECMAScript/Python subset used by JSON Schema <c>pattern</c>, Lark
    /// <c>/…/</c> terminals and user regexes, with full-match semantics: the whole input must match.
    /// </para>
    /// <list type="bullet">
    /// <item><c>^</c> / <c>\A</c> are accepted where nothing can have been consumed yet (the start of
    /// the pattern or of a top-level alternative such as <c>^a$|^b$</c>) and <c>$</c> / <c>\z</c> /
    /// <c>\Z</c> where nothing can follow; both are then no-ops. Anywhere else, or inside a group
    /// repeated more than once, they are <see cref="RegexErrorKind.UnsupportedFeature"/>.</item>
    /// <item><c>\d</c> is <c>[0-9]</c> and <c>\w</c> is <c>[A-Za-z0-9_]</c> (ECMAScript, not Python's
    /// Unicode classes); <c>\s</c> is ECMAScript white space (Zs, TAB, VT, FF, LF, CR, U+2028,
    /// U+2029, U+FEFF); <c>.</c> is any code point but <c>\n</c> (any with <see cref="RegexParseOptions.DotAll"/>).</item>
    /// <item>A <c>{</c> that does not start <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> is a literal
    /// (ECMAScript Annex B), so <c>a{,3}</c> and <c>{x}</c> are literal text. <c>}</c> and <c>]</c> alone are literals.</item>
    /// <item>In a class, <c>]</c> right after <c>[</c> or <c>[^</c> is a literal (Python/.NET, not
    /// ECMAScript's empty class), and a <c>-</c> next to a class escape (<c>[\w-.]</c>) is a literal.</item>
    /// <item>Lazy quantifiers (<c>*?</c>, <c>{n,m}?</c>) match the same language as greedy ones under
    /// full match; possessive quantifiers and atomic groups change the language and are rejected.</item>
    /// <item>Inline flags <c>(?imsxu)</c> are accepted at the very start only; scoped flags
    /// <c>(?i:…)</c> / <c>(?-i:…)</c> anywhere. Named groups (<c>(?&lt;n&gt;…)</c>, <c>(?P&lt;n&gt;…)</c>,
    /// <c>(?'n'…)</c>) are plain groups; <c>(?#…)</c> is a comment.</item>
    /// <item>Unknown letter escapes (<c>\q</c>) are errors rather than identity escapes; escaped
    /// punctuation and non-ASCII characters are literal.</item>
    /// <item>Patterns longer than <see cref="Limits.MaxPatternLength"/> UTF-8 bytes or with groups nested
    /// deeper than <see cref="Limits.MaxSyntaxNesting"/> raise <see cref="Grammars.GrammarLimitException"/>
    /// (its message names the offset), never a stack overflow.</item>
    /// </list>
    /// </remarks>
    /// <exception cref="Grammars.GrammarLimitException">The pattern is too long or nested too deeply.</exception>
    public static RegexNode Parse(string pattern, RegexParseOptions options = RegexParseOptions.None)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new RegexSyntaxParser(pattern, options).ParsePattern();
    }

    /// <summary>
    /// Parses a pattern, turning every literal character, class and <c>.</c> into bytes with
    /// <paramref name="lowerCodepoints"/> instead of plain UTF-8 (for example, to accept a character either raw or as
    /// a JSON escape when the pattern constrains a decoded JSON string).
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="options">Parse options.</param>
    /// <param name="lowerCodepoints">Maps a non-empty set of code points to a regex over their encodings.</param>
    /// <exception cref="RegexParseException">Malformed pattern or an unsupported feature.</exception>
    /// <exception cref="Grammars.GrammarLimitException">The pattern is too long or nested too deeply.</exception>
    public static RegexNode Parse(string pattern, RegexParseOptions options, Func<CodepointSet, RegexNode> lowerCodepoints)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(lowerCodepoints);
        return new RegexSyntaxParser(pattern, options, lowerCodepoints).ParsePattern();
    }
}
