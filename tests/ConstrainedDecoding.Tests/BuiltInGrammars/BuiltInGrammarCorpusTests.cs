namespace ConstrainedDecoding.Tests.BuiltInGrammars;

/// <summary>
/// Every file under <c>Corpus/&lt;grammar&gt;/accept</c> must be a sentence of <c>grammars/&lt;grammar&gt;.lark</c>
/// and every file under <c>Corpus/&lt;grammar&gt;/reject</c> must not be.
/// </summary>
public sealed class BuiltInGrammarCorpusTests
{
    private const int MinimumCasesPerKind = 8;

    public static TheoryData<string> AcceptCases => BuiltInGrammarHarness.CorpusFiles("accept");

    public static TheoryData<string> RejectCases => BuiltInGrammarHarness.CorpusFiles("reject");

    public static TheoryData<string> GrammarNames => new(BuiltInGrammarHarness.GrammarNames);

    [Theory]
    [MemberData(nameof(AcceptCases))]
    public void AcceptsValidDocument(string relativePath)
    {
        var (grammar, text) = Load(relativePath);
        if (BuiltInGrammarHarness.Accepts(grammar, text)) return;
        int offset = BuiltInGrammarHarness.FirstRejectedOffset(grammar, text);
        var where = offset == System.Text.Encoding.UTF8.GetByteCount(text)
            ? "every byte was accepted but the text is incomplete"
            : "first rejected byte at " + BuiltInGrammarHarness.DescribeOffset(text, offset);
        Assert.Fail($"{grammar}.lark rejected {relativePath}: {where}");
    }

    [Theory]
    [MemberData(nameof(AcceptCases))]
    public void AcceptsValidDocumentWithWindowsLineEndings(string relativePath)
    {
        var (grammar, text) = Load(relativePath);
        var crlf = text.ReplaceLineEndings("\r\n");
        Assert.True(BuiltInGrammarHarness.Accepts(grammar, crlf), $"{grammar}.lark rejected {relativePath} with CRLF line endings");
    }

    [Theory]
    [MemberData(nameof(RejectCases))]
    public void RejectsBrokenDocument(string relativePath)
    {
        var (grammar, text) = Load(relativePath);
        Assert.False(BuiltInGrammarHarness.Accepts(grammar, text), $"{grammar}.lark accepted the broken document {relativePath}");
    }

    [Theory]
    [MemberData(nameof(GrammarNames))]
    public void CorpusHasEnoughCasesOfEachKind(string grammar)
    {
        foreach (var kind in new[] { "accept", "reject" })
        {
            var dir = Path.Combine(BuiltInGrammarHarness.CorpusRoot, grammar, kind);
            int count = Directory.Exists(dir) ? Directory.GetFiles(dir).Length : 0;
            Assert.True(count >= MinimumCasesPerKind, $"{grammar}/{kind} has {count} files, expected at least {MinimumCasesPerKind}");
        }
    }

    [Theory]
    [MemberData(nameof(GrammarNames))]
    public void GrammarCompiles(string grammar)
    {
        var compiled = BuiltInGrammarHarness.Get(grammar);
        Assert.NotEmpty(compiled.Grammar.Rules);
    }

    private static (string Grammar, string Text) Load(string relativePath)
    {
        var grammar = relativePath.Split('/')[0];
        var text = File.ReadAllText(Path.Combine(BuiltInGrammarHarness.CorpusRoot, relativePath));
        return (grammar, text);
    }
}
