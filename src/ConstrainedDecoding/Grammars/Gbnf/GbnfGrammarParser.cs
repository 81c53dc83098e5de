namespace ConstrainedDecoding.Grammars.Gbnf;

/// <summary>Parses GBNF (llama.cpp grammar format).</summary>
internal static class GbnfGrammarParser
{
    public static Grammar Parse(string text, string start) => throw new NotImplementedException("GBNF front end pending");
}
