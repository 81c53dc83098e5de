using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Tests.Grammars;

public class GbnfSyntaxErrorTests
{
    [Theory]
    // text, kind, line, column, text the message must contain
    [InlineData("root ::= }", GrammarErrorKind.UnexpectedToken, 1, 10, "unexpected \"}\", expected a rule name, string, character class")]
    [InlineData("root := \"a\"", GrammarErrorKind.UnexpectedToken, 1, 6, "unexpected \":\", expected '::='")]
    [InlineData("root ::= \"abc", GrammarErrorKind.UnterminatedLiteral, 1, 14, "'\"' to close the string started at line 1, column 10")]
    [InlineData("root ::= [abc", GrammarErrorKind.UnterminatedLiteral, 1, 14, "']' to close the character class started at line 1, column 10")]
    [InlineData("root ::= \"\\q\"", GrammarErrorKind.InvalidEscape, 1, 11, "unexpected escape \"\\q\"")]
    [InlineData("root ::= \"\\x4\"", GrammarErrorKind.InvalidEscape, 1, 14, "2 hex digits after \\x")]
    [InlineData("root ::= \"\\uD800\"", GrammarErrorKind.InvalidEscape, 1, 11, "not a surrogate")]
    [InlineData("root ::= \"\\U00110000\"", GrammarErrorKind.InvalidEscape, 1, 11, "at most U+10FFFF")]
    [InlineData("root ::= [z-a]", GrammarErrorKind.UnexpectedToken, 1, 11, "reversed range U+007A-U+0061")]
    [InlineData("root ::= \"a\"{3,1}", GrammarErrorKind.InvalidRepeat, 1, 13, "unexpected repeat {3,1}")]
    [InlineData("root ::= \"a\"{", GrammarErrorKind.InvalidRepeat, 1, 14, "unexpected end of input, expected a repeat count")]
    [InlineData("root ::= \"a\"{,}", GrammarErrorKind.InvalidRepeat, 1, 15, "a maximum count")]
    [InlineData("root ::= \"a\"{2 3}", GrammarErrorKind.InvalidRepeat, 1, 16, "expected ',' or '}'")]
    [InlineData("root ::= \"a\"{99999999999}", GrammarErrorKind.InvalidRepeat, 1, 14, "too large")]
    [InlineData("root ::= * \"a\"", GrammarErrorKind.InvalidRepeat, 1, 10, "before the repeat operator")]
    [InlineData("root ::= (\"a\"\n\n", GrammarErrorKind.UnexpectedEnd, 3, 1, "expected ')' to close the group opened at line 1, column 10")]
    [InlineData("root ::= \"a\")", GrammarErrorKind.UnexpectedToken, 1, 13, "unexpected \")\"")]
    [InlineData("::= \"a\"", GrammarErrorKind.UnexpectedToken, 1, 1, "expected a rule name")]
    [InlineData("root ::= \"a\"\nfoo_bar ::= \"b\"", GrammarErrorKind.UnexpectedToken, 2, 4, "unexpected \"_\"")]
    [InlineData("root ::= \"a\" other ::= \"b\"", GrammarErrorKind.UnexpectedToken, 1, 20, "unexpected \":\"")]
    [InlineData("root ::= <think>", GrammarErrorKind.UnexpectedToken, 1, 10, "unexpected \"<\"")]
    [InlineData("root ::= \"a\" \\", GrammarErrorKind.UnexpectedToken, 1, 14, "unexpected \"\\\"")]
    public void MalformedGrammarIsReportedWithKindPositionAndMessage(string text, GrammarErrorKind kind, int line, int column, string messagePart)
    {
        var ex = Assert.Throws<GrammarSyntaxException>(() => Grammar.FromGbnf(text));
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Grammar syntax error at line {line}, column {column}: unexpected ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArbitraryGarbageNeverEscapesAsAnUnexpectedExceptionType()
    {
        var random = new Random(4242);
        const string alphabet = "ab-1 ::=|()[]^?*+{},.\"\\xu#\n";
        for (int i = 0; i < 3000; i++)
        {
            var chars = new char[random.Next(1, 30)];
            for (int k = 0; k < chars.Length; k++) chars[k] = alphabet[random.Next(alphabet.Length)];
            string text = "root ::= " + new string(chars);
            try
            {
                Grammar.FromGbnf(text);
            }
            catch (Exception ex) when (ex is GrammarSyntaxException or GrammarDefinitionException or GrammarLimitException)
            {
                // expected failure
            }
        }
    }
}
