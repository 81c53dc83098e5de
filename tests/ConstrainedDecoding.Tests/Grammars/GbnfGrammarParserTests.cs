using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Grammars;

public class GbnfGrammarParserTests
{
    [Fact]
    public void NonRecursiveRulesBecomeOneTerminal()
    {
        var g = Grammar.FromGbnf("root ::= \"a\" mid \"e\"\nmid ::= [b-d]*\n");
        var t = Assert.Single(g.Terminals);
        var expected = RegexNode.Concat(RegexNode.Literal("a"), RegexNode.Star(RegexNode.Codepoints(CodepointSet.Range('b', 'd'))), RegexNode.Literal("e"));
        Assert.Equal(expected.Key, t.Pattern.Key);
        Assert.Equal("root", g.Nonterminals[g.Start]);
    }

    [Fact]
    public void RecursiveRulesStayRulesOverTerminals()
    {
        var g = Grammar.FromGbnf("root ::= \"(\" root \")\" | \"x\"");
        Assert.Equal(new[] { "\"(\"", "\")\"", "\"x\"" }, g.Terminals.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, g.Rules.Count(r => r.Lhs == g.Start));
    }

    [Fact]
    public void RulesSpanLinesUntilTheNextRuleName()
    {
        const string text = """
            # leading comment
            root ::= item
                     item   # comment in the middle
                   | "z"
            item ::= (
                "x" |
                "y"
            )
            """;
        var g = Grammar.FromGbnf(text);
        var t = Assert.Single(g.Terminals);
        var item = RegexNode.Alternate(RegexNode.Literal("x"), RegexNode.Literal("y"));
        Assert.Equal(RegexNode.Alternate(RegexNode.Concat(item, item), RegexNode.Literal("z")).Key, t.Pattern.Key);
    }

    [Theory]
    [InlineData("{3}", 3, 3)]
    [InlineData("{2,}", 2, RegexNode.Unbounded)]
    [InlineData("{2,5}", 2, 5)]
    [InlineData("{ 2 , 5 }", 2, 5)]
    [InlineData("{,4}", 0, 4)]
    [InlineData("*", 0, RegexNode.Unbounded)]
    [InlineData("+", 1, RegexNode.Unbounded)]
    [InlineData("?", 0, 1)]
    public void RepeatOperators(string op, int min, int max)
    {
        var g = Grammar.FromGbnf("root ::= \"ab\"" + op);
        var expected = RegexNode.Repeat(RegexNode.Literal("ab"), min, max);
        Assert.Equal(expected.Key, Assert.Single(g.Terminals).Pattern.Key);
    }

    [Fact]
    public void LiteralEscapesAreDecodedToCodePoints()
    {
        var g = Grammar.FromGbnf("root ::= \"\\x41\\u00e9\\U0001F600\\n\\r\\t\\\\\\\"\\[\\]\"");
        Assert.Equal(RegexNode.Literal("Aé😀\n\r\t\\\"[]").Key, Assert.Single(g.Terminals).Pattern.Key);
    }

    [Fact]
    public void CharacterClassesAreUnicodeSets()
    {
        var g = Grammar.FromGbnf("root ::= [a-cx\\u00e9-\\u00ff\\]-]");
        var set = CodepointSet.Range('a', 'c').Union(CodepointSet.Single('x')).Union(CodepointSet.Range(0xE9, 0xFF))
            .Union(CodepointSet.Single(']')).Union(CodepointSet.Single('-'));
        Assert.Equal(RegexNode.Codepoints(set).Key, Assert.Single(g.Terminals).Pattern.Key);
    }

    [Fact]
    public void NegatedClassAndDotExcludeSurrogates()
    {
        var g = Grammar.FromGbnf("root ::= [^\"\\\\] .");
        var notQuote = CodepointSet.Single('"').Union(CodepointSet.Single('\\')).Union(CodepointSet.Range(0xD800, 0xDFFF)).Complement();
        var any = CodepointSet.Range(0xD800, 0xDFFF).Complement();
        Assert.Equal(RegexNode.Concat(RegexNode.Codepoints(notQuote), RegexNode.Codepoints(any)).Key, Assert.Single(g.Terminals).Pattern.Key);
    }

    [Fact]
    public void HugeRepeatOfAClassStaysInsideATerminalEvenInARecursiveRule()
    {
        var g = Grammar.FromGbnf("root ::= \"(\" root \")\" | [a-z]{0,100000}");
        Assert.Contains(g.Terminals, t => t.Pattern.Key == RegexNode.Repeat(RegexNode.Codepoints(CodepointSet.Range('a', 'z')), 0, 100000).Key);
        Assert.True(g.Rules.Length < 10);
    }

    [Fact]
    public void HugeRepeatOfARecursiveRuleHitsTheRuleRepeatLimit()
    {
        var ex = Assert.Throws<GrammarLimitException>(() => Grammar.FromGbnf("root ::= (\"(\" root \")\"){0,100000} | \"x\""));
        Assert.Equal(nameof(Limits.MaxRuleRepeat), ex.LimitName);
    }

    [Fact]
    public void StartRuleCanBeChosen()
    {
        var g = Grammar.FromGbnf("root ::= \"a\"\nother ::= \"b\"", start: "other");
        Assert.Equal("other", g.Nonterminals[g.Start]);
        Assert.Equal(RegexNode.Literal("b").Key, Assert.Single(g.Terminals).Pattern.Key);
    }

    [Fact]
    public void UndefinedRuleIsReportedAtItsReference()
    {
        var ex = Assert.Throws<GrammarDefinitionException>(() => Grammar.FromGbnf("root ::= \"a\"\n    | ( \"b\" missing-rule )"));
        Assert.Equal("missing-rule", ex.Symbol);
        Assert.Equal(new SourcePosition(2, 13), ex.Position);
    }

    [Fact]
    public void MissingRootIsADefinitionError()
    {
        var ex = Assert.Throws<GrammarDefinitionException>(() => Grammar.FromGbnf("start ::= \"a\""));
        Assert.Contains("root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyAlternativesAndEmptyGroupsAreAllowed()
    {
        var g = Grammar.FromGbnf("root ::= \"a\" ( | \"b\" ) ()");
        Assert.Single(g.Terminals);
        Assert.True(BruteForceRecognizer.Accepts(g, "a"));
        Assert.True(BruteForceRecognizer.Accepts(g, "ab"));
        Assert.False(BruteForceRecognizer.Accepts(g, "abb"));
    }

    [Theory]
    [InlineData(600)]
    [InlineData(200_000)]
    public void DeepNestingRaisesTheNestingLimitInsteadOfOverflowingTheStack(int depth)
    {
        string text = "root ::= " + new string('(', depth) + "\"a\"" + new string(')', depth);
        var ex = Assert.Throws<GrammarLimitException>(() => Grammar.FromGbnf(text));
        Assert.Equal(nameof(Limits.MaxSyntaxNesting), ex.LimitName);
    }

    [Fact]
    public void ManyStackedRepeatOperatorsRaiseTheNestingLimit()
    {
        var ex = Assert.Throws<GrammarLimitException>(() => Grammar.FromGbnf("root ::= \"a\"" + new string('?', 100_000)));
        Assert.Equal(nameof(Limits.MaxSyntaxNesting), ex.LimitName);
    }
}
