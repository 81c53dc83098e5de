namespace ConstrainedDecoding.Grammars;

/// <summary>A 1-based line and column in grammar source text.</summary>
/// <param name="Line">1-based line, or 0 when unknown.</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>Whether the position is known.</summary>
    public bool IsKnown => Line > 0;

    /// <summary>Computes the position of character <paramref name="offset"/> in <paramref name="text"/>.</summary>
    public static SourcePosition FromOffset(string text, int offset)
    {
        int line = 1, col = 1;
        for (int i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n') { line++; col = 1; }
            else col++;
        }
        return new SourcePosition(line, col);
    }

    /// <inheritdoc/>
    public override string ToString() => IsKnown ? $"line {Line}, column {Column}" : "unknown position";
}

/// <summary>What kind of grammar syntax error occurred.</summary>
public enum GrammarErrorKind
{
    /// <summary>A token that cannot appear here.</summary>
    UnexpectedToken,
    /// <summary>Input ended early.</summary>
    UnexpectedEnd,
    /// <summary>A string or character class was not closed.</summary>
    UnterminatedLiteral,
    /// <summary>An invalid escape sequence.</summary>
    InvalidEscape,
    /// <summary>A malformed repeat such as <c>{3,1}</c>.</summary>
    InvalidRepeat,
    /// <summary>An embedded regular expression failed to parse.</summary>
    InvalidRegex,
    /// <summary>An unknown directive or import.</summary>
    UnknownDirective,
}

/// <summary>A grammar's text is malformed. Carries the kind, the position and an "unexpected X, expected Y" message.</summary>
public sealed class GrammarSyntaxException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public GrammarSyntaxException(GrammarErrorKind kind, SourcePosition position, string unexpected, string expected, Exception? inner = null)
        : base($"Grammar syntax error at {position}: unexpected {unexpected}, expected {expected}.", inner)
    {
        Kind = kind;
        Position = position;
        Unexpected = unexpected;
        Expected = expected;
    }

    /// <summary>Error kind.</summary>
    public GrammarErrorKind Kind { get; }

    /// <summary>Where the error is.</summary>
    public SourcePosition Position { get; }

    /// <summary>What was found.</summary>
    public string Unexpected { get; }

    /// <summary>What would have been valid.</summary>
    public string Expected { get; }

    /// <summary>1-based line.</summary>
    public int Line => Position.Line;

    /// <summary>1-based column.</summary>
    public int Column => Position.Column;
}

/// <summary>A grammar is well-formed text but not a usable grammar: undefined rule, missing start, empty language, recursive terminal.</summary>
public sealed class GrammarDefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrammarDefinitionException(string message, string? symbol = null, SourcePosition position = default)
        : base(position.IsKnown ? $"{message} (at {position})" : message)
    {
        Symbol = symbol;
        Position = position;
    }

    /// <summary>The rule or terminal concerned, if any.</summary>
    public string? Symbol { get; }

    /// <summary>Where it was referenced or defined, if known.</summary>
    public SourcePosition Position { get; }
}

/// <summary>A named limit (see <see cref="Limits"/>) was reached.</summary>
public sealed class GrammarLimitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrammarLimitException(string limitName, long limit, string what)
        : base($"{what} exceeded the limit {limitName} = {limit}.")
    {
        LimitName = limitName;
        Limit = limit;
    }

    /// <summary>Name of the constant in <see cref="Limits"/>.</summary>
    public string LimitName { get; }

    /// <summary>The limit's value.</summary>
    public long Limit { get; }
}
