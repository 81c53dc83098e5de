namespace ConstrainedDecoding.Grammars.Lark;

/// <summary>Parses Lark-style EBNF.</summary>
internal static class LarkGrammarParser
{
    public static Grammar Parse(string text, string start) => throw new NotImplementedException("Lark front end pending");
}
