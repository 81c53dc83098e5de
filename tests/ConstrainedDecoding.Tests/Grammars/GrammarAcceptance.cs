using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Grammars;

/// <summary>Runs the library's matcher over a whole string, one byte token at a time.</summary>
internal static class GrammarAcceptance
{
    public static bool MatcherAccepts(Grammar grammar, string text)
    {
        var matcher = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(grammar).CreateMatcher();
        return matcher.TryAcceptString(text) && matcher.IsAccepting;
    }
}
