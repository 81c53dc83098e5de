namespace ConstrainedDecoding.Regex;

/// <summary>What went wrong while parsing a regular expression.</summary>
public enum RegexErrorKind
{
    /// <summary>A character that cannot appear here.</summary>
    UnexpectedCharacter,
    /// <summary>The pattern ended early.</summary>
    UnexpectedEnd,
    /// <summary>Unbalanced parenthesis.</summary>
    UnbalancedParenthesis,
    /// <summary>Unterminated or reversed character class.</summary>
    InvalidCharacterClass,
    /// <summary>Malformed or reversed <c>{m,n}</c>.</summary>
    InvalidRepeat,
    /// <summary>Unknown or malformed escape.</summary>
    InvalidEscape,
    /// <summary>Unknown Unicode property name in <c>\p{…}</c>.</summary>
    UnknownProperty,
    /// <summary>A feature a finite automaton cannot express (lookaround, backreference, word boundary…).</summary>
    UnsupportedFeature,
}

/// <summary>A regular expression is malformed or uses an unsupported feature. Carries the kind and the character offset.</summary>
public sealed class RegexParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public RegexParseException(RegexErrorKind kind, string pattern, int offset, string unexpected, string expected)
        : base($"Regex error at offset {offset} in /{Truncate(pattern)}/: unexpected {unexpected}, expected {expected}.")
    {
        Kind = kind;
        Pattern = pattern;
        Offset = offset;
        Unexpected = unexpected;
        Expected = expected;
    }

    /// <summary>Error kind.</summary>
    public RegexErrorKind Kind { get; }

    /// <summary>The pattern.</summary>
    public string Pattern { get; }

    /// <summary>0-based character offset of the error in <see cref="Pattern"/>.</summary>
    public int Offset { get; }

    /// <summary>What was found.</summary>
    public string Unexpected { get; }

    /// <summary>What would have been valid.</summary>
    public string Expected { get; }

    private static string Truncate(string p) => p.Length <= 80 ? p : p[..77] + "...";
}
