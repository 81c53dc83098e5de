using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tokenizers.Tests.Integration;

/// <summary>
/// Minimal form of what the C and Java cross-checks hit with gpt2, codegen-gpt2, llama3 and qwen3: those
/// vocabularies hold runs of up to 64-96 dashes, and where both <c>"-"</c> and <c>"--"</c> can start an
/// expression, such a token splits into lexemes in Fibonacci-many ways. The mask must still come back in
/// reasonable time (it must not enumerate the splits one by one).
/// </summary>
public class LongTokenSplitTests
{
    private const string Grammar = """
        start: expr ";"
        expr: "-" expr
            | "--" expr
            | NAME
        NAME: /[a-z]+/
        """;

    [Theory]
    [InlineData(16)]
    [InlineData(48)]
    public void FirstMaskWithLongDashTokensFinishesAndEqualsReference(int longestDashRun)
    {
        var words = Enumerable.Range(2, longestDashRun - 1).Select(k => new string('-', k));
        var vocab = FakeVocabularies.BytesAndWords(words);
        var compiled = new GrammarCompiler(vocab).CompileLark(Grammar);
        var matcher = compiled.CreateMatcher();
        var fast = new uint[compiled.MaskWordCount];
        var reference = new uint[compiled.MaskWordCount];
        MaskAssertions.FastEqualsReference(matcher, fast, reference, [], $"dash runs up to {longestDashRun}");
        int longest = vocab.Count - 2; // the longest dash run, just before the stop token
        Assert.True(MaskAssertions.IsSet(fast, longest), "the longest dash run is a valid start and must be allowed");
    }
}
