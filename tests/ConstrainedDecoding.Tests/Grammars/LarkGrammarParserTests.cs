using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Grammars;

public class LarkGrammarParserTests
{
    private static string[] TerminalNames(Grammar g) => g.Terminals.Select(t => t.Name).ToArray();

    [Fact]
    public void InlineStringsBecomeAnonymousTerminalsNamedBySourceText()
    {
        var g = Grammar.FromLark("start: \"a\" b \"a\"\nb: \"c\"");
        Assert.Equal(["\"a\"", "\"c\""], TerminalNames(g).Order());
        Assert.Equal(RegexNode.Literal("a").Key, g.Terminals.Single(t => t.Name == "\"a\"").Pattern.Key);
        Assert.Equal("start", g.Nonterminals[g.Start]);
        var startRule = g.Rules.Single(r => r.Lhs == g.Start);
        Assert.Equal(3, startRule.Rhs.Length);
        Assert.True(startRule.Rhs[0].IsTerminal);
        Assert.False(startRule.Rhs[1].IsTerminal);
        Assert.Equal("b", g.Nonterminals[startRule.Rhs[1].Index]);
        Assert.Equal(startRule.Rhs[0], startRule.Rhs[2]);
    }

    [Fact]
    public void NamedTerminalsKeepNameAndPriority()
    {
        var g = Grammar.FromLark("start: KEY VALUE\nKEY.3: \"k\"\nVALUE: DIGIT+\nDIGIT: \"0\"..\"9\"");
        Assert.Equal(["KEY", "VALUE"], TerminalNames(g));
        Assert.Equal(3, g.Terminals[0].Priority);
        Assert.Equal(0, g.Terminals[1].Priority);
        Assert.Equal(RegexNode.Plus(RegexNode.Codepoints(CodepointSet.Range('0', '9'))).Key, g.Terminals[1].Pattern.Key);
    }

    [Fact]
    public void RulePrefixesPrioritiesAndAliasesAreAccepted()
    {
        var g = Grammar.FromLark("?start: item\n!item.2: \"x\" -> named\n    | \"y\" -> other\n");
        Assert.Equal(["\"x\"", "\"y\""], TerminalNames(g));
        Assert.Equal(2, g.Rules.Count(r => g.Nonterminals[r.Lhs] == "item"));
    }

    [Fact]
    public void AlternativesContinueOnLinesStartingWithPipeAcrossComments()
    {
        const string text = """
            // a comment
            start: "a"   // trailing comment
                 | "b"
            # hash comment
                 | "c"

            other: "d"
            """;
        var g = Grammar.FromLark(text);
        Assert.Equal(3, g.Rules.Count(r => r.Lhs == g.Start));
        Assert.DoesNotContain("\"d\"", TerminalNames(g)); // 'other' is unreachable from start
    }

    [Fact]
    public void CaseInsensitiveStringUsesCaseVariants()
    {
        var g = Grammar.FromLark("start: \"select\"i");
        var t = Assert.Single(g.Terminals);
        Assert.Equal("\"select\"i", t.Name);
        Assert.Equal(RegexNode.LiteralIgnoreCase("select").Key, t.Pattern.Key);
    }

    [Fact]
    public void StringEscapesAreDecoded()
    {
        var g = Grammar.FromLark("start: \"\\n\\t\\\"\\\\\\x41\\u00e9\\U0001F600\\d\"");
        Assert.Equal(RegexNode.Literal("\n\t\"\\Aé😀\\d").Key, Assert.Single(g.Terminals).Pattern.Key);
    }

    [Fact]
    public void ImportsFromCommonDefineTerminalsUnderTheirOwnOrAliasNames()
    {
        var g = Grammar.FromLark("start: INT MYWS WORD\n%import common.INT\n%import common.WS -> MYWS\n%import common (WORD, LETTER)\n");
        Assert.Equal(["INT", "MYWS", "WORD"], TerminalNames(g));
        Assert.All(g.Terminals, t => Assert.False(t.IsIgnored));
    }

    [Fact]
    public void IgnoreMarksNamedAndInlineTerminals()
    {
        var g = Grammar.FromLark("start: \"a\"+\n%import common.WS\n%ignore WS\n%ignore \"#\"\n");
        Assert.Equal(2, g.Terminals.Count(t => t.IsIgnored));
        Assert.Contains(g.Terminals, t => t.IsIgnored && t.Name == "WS");
        Assert.Contains(g.Terminals, t => !t.IsIgnored && t.Name == "\"a\"");
    }

    [Fact]
    public void RepeatsOfPatternsAreFoldedIntoOneTerminalWhenNothingIsIgnored()
    {
        var g = Grammar.FromLark("start: \"a\"~0..100000 \"b\"~3 (\"c\" | \"d\")*");
        Assert.Equal(["\"a\"{0,100000}", "\"b\"{3}", "(\"c\" | \"d\")*"], TerminalNames(g));
    }

    [Fact]
    public void HugeRuleRepeatWithIgnoredTerminalsHitsTheRuleRepeatLimit()
    {
        var ex = Assert.Throws<GrammarLimitException>(() => Grammar.FromLark("start: \"a\"~0..100000\n%ignore \" \""));
        Assert.Equal(nameof(Limits.MaxRuleRepeat), ex.LimitName);
    }

    [Fact]
    public void SmallRuleRepeatsExpandIntoRules()
    {
        var g = Grammar.FromLark("start: item~2..3 [item]\nitem: \"x\" start?\n");
        Assert.Equal(["\"x\""], TerminalNames(g));
        Assert.True(g.Rules.Length > 4);
    }

    [Fact]
    public void CustomStartRule()
    {
        var g = Grammar.FromLark("expr: \"1\"", start: "expr");
        Assert.Equal("expr", g.Nonterminals[g.Start]);
    }

    [Fact]
    public void UndefinedRuleIsReportedAtItsReference()
    {
        var ex = Assert.Throws<GrammarDefinitionException>(() => Grammar.FromLark("start: a\na: \"x\"\n    | missing_rule"));
        Assert.Equal("missing_rule", ex.Symbol);
        Assert.Equal(new SourcePosition(3, 7), ex.Position);
    }

    [Fact]
    public void UndefinedTerminalIsReportedAtItsReference()
    {
        var ex = Assert.Throws<GrammarDefinitionException>(() => Grammar.FromLark("start: \"a\" NOPE"));
        Assert.Equal("NOPE", ex.Symbol);
        Assert.Equal(new SourcePosition(1, 12), ex.Position);
    }

    [Fact]
    public void MissingStartRuleIsADefinitionError()
    {
        var ex = Assert.Throws<GrammarDefinitionException>(() => Grammar.FromLark("begin: \"a\""));
        Assert.Contains("start", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TerminalReferencingARuleIsADefinitionError()
    {
        var ex = Assert.Throws<GrammarDefinitionException>(() => Grammar.FromLark("start: T\nT: r\nr: \"a\""));
        Assert.Equal("r", ex.Symbol);
        Assert.Equal(new SourcePosition(2, 4), ex.Position);
    }

    [Fact]
    public void DuplicateImportOfTheSameNameIsHarmlessButClashingDefinitionIsNot()
    {
        var ok = Grammar.FromLark("start: INT\n%import common.INT\n%import common.INT\n");
        Assert.Single(ok.Terminals);
        Assert.Throws<GrammarDefinitionException>(() => Grammar.FromLark("start: INT\nINT: \"1\"\n%import common.INT\n"));
    }

    [Theory]
    [InlineData(600)]
    [InlineData(200_000)]
    public void DeepNestingRaisesTheNestingLimitInsteadOfOverflowingTheStack(int depth)
    {
        string text = "start: " + new string('(', depth) + "\"a\"" + new string(')', depth);
        var ex = Assert.Throws<GrammarLimitException>(() => Grammar.FromLark(text));
        Assert.Equal(nameof(Limits.MaxSyntaxNesting), ex.LimitName);
    }

    [Fact]
    public void NestingJustUnderTheLimitParses()
    {
        int depth = Limits.MaxSyntaxNesting;
        var g = Grammar.FromLark("start: " + new string('[', depth) + "\"a\"" + new string(']', depth));
        Assert.Single(g.Terminals);
    }

    [Fact]
    public void RegexTerminalsUseTheRegexParserWithFlags()
    {
        var g = Grammar.FromLark("start: /ab\\/c/i WORD\nWORD: /[a-z]+/x");
        Assert.Equal(RegexParser.Parse("ab/c", RegexParseOptions.IgnoreCase).Key, g.Terminals[0].Pattern.Key);
        Assert.Equal("/ab\\/c/i", g.Terminals[0].Name);
    }
}
