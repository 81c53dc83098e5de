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
}

/// <summary>Parses regular-expression syntax into a byte-level <see cref="RegexNode"/> (full-match semantics).</summary>
public static class RegexParser
{
    /// <summary>Parses a pattern.</summary>
    /// <exception cref="RegexParseException">Malformed pattern or an unsupported feature (lookaround, backreference…).</exception>
    public static RegexNode Parse(string pattern, RegexParseOptions options = RegexParseOptions.None) =>
        throw new NotImplementedException("regex parser pending");
}
