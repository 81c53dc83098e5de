namespace ConstrainedDecoding.Grammars.Lark;

/// <summary>Kinds of tokens in Lark grammar text.</summary>
internal enum LarkTokenKind
{
    End,
    Newline,
    RuleName,
    TerminalName,
    String,
    Regex,
    Number,
    Directive,
    Colon,
    Pipe,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Question,
    Star,
    Plus,
    Tilde,
    Bang,
    Dot,
    DotDot,
    Comma,
    Arrow,
}

/// <summary>One token of Lark grammar text.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Text">The source text of the token.</param>
/// <param name="Position">Where it starts.</param>
/// <param name="Value">Decoded value: string contents, regex pattern (with <c>\/</c> unescaped), name or directive name.</param>
/// <param name="Flags">String flag <c>i</c> or regex flags, as written.</param>
internal readonly record struct LarkToken(LarkTokenKind Kind, string Text, SourcePosition Position, string Value = "", string Flags = "")
{
    /// <summary>The token as an "unexpected X" phrase.</summary>
    public string Describe() => Kind switch
    {
        LarkTokenKind.End => "end of input",
        LarkTokenKind.Newline => "end of line",
        LarkTokenKind.RuleName => $"rule name \"{Text}\"",
        LarkTokenKind.TerminalName => $"terminal name \"{Text}\"",
        LarkTokenKind.String => $"string {Text}",
        LarkTokenKind.Regex => $"regex {Text}",
        LarkTokenKind.Number => $"number {Text}",
        LarkTokenKind.Directive => $"directive \"{Text}\"",
        _ => $"\"{Text}\"",
    };
}
