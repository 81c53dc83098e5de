using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Grammars built directly with <see cref="GrammarBuilder"/>, independent of the text front ends.</summary>
internal static class TestGrammars
{
    private static GrammarExpression P(RegexNode n, string d) => GrammarExpression.Pattern(n, d);

    private static GrammarExpression L(string s) => P(RegexNode.Literal(s), "\"" + s + "\"");

    private static GrammarExpression R(string name) => GrammarExpression.RuleReference(name, default);

    private static GrammarExpression Seq(params GrammarExpression[] e) => GrammarExpression.Sequence(e);

    private static GrammarExpression Alt(params GrammarExpression[] e) => GrammarExpression.Choice(e);

    private static GrammarExpression Star(GrammarExpression e) => GrammarExpression.Repeat(e, 0, RegexNode.Unbounded);

    public static RegexNode Digits => RegexNode.Plus(RegexNode.ByteClass(ByteSet.Range((byte)'0', (byte)'9')));

    /// <summary>RFC 8259 JSON with ignored whitespace.</summary>
    public static Grammar Json()
    {
        var b = new GrammarBuilder();
        var digit = RegexNode.ByteClass(ByteSet.Range((byte)'0', (byte)'9'));
        var digit19 = RegexNode.ByteClass(ByteSet.Range((byte)'1', (byte)'9'));
        var intPart = RegexNode.Alternate(RegexNode.Literal("0"), RegexNode.Concat(digit19, RegexNode.Star(digit)));
        var number = RegexNode.Concat(
            RegexNode.Optional(RegexNode.Literal("-")), intPart,
            RegexNode.Optional(RegexNode.Concat(RegexNode.Literal("."), RegexNode.Plus(digit))),
            RegexNode.Optional(RegexNode.Concat(RegexNode.ByteClass(ByteSet.Single((byte)'e').With((byte)'E')),
                RegexNode.Optional(RegexNode.ByteClass(ByteSet.Single((byte)'+').With((byte)'-'))), RegexNode.Plus(digit))));
        var hex = RegexNode.ByteClass(ByteSet.Range((byte)'0', (byte)'9').Union(ByteSet.Range((byte)'a', (byte)'f')).Union(ByteSet.Range((byte)'A', (byte)'F')));
        var plainChar = RegexNode.Codepoints(CodepointSet.Range(0x20, CodepointSet.MaxCodepoint).Except(CodepointSet.FromRanges([('"', '"'), ('\\', '\\')])));
        var escape = RegexNode.Concat(RegexNode.Literal("\\"), RegexNode.Alternate(
            RegexNode.ByteClass(new[] { '"', '\\', '/', 'b', 'f', 'n', 'r', 't' }.Aggregate(ByteSet.Empty, (s, c) => s.With((byte)c))),
            RegexNode.Concat(RegexNode.Literal("u"), hex, hex, hex, hex)));
        var str = RegexNode.Concat(RegexNode.Literal("\""), RegexNode.Star(RegexNode.Alternate(plainChar, escape)), RegexNode.Literal("\""));
        b.DefineTerminal("STRING", P(str, "STRING"), default);
        b.DefineTerminal("NUMBER", P(number, "NUMBER"), default);
        b.DefineTerminal("WS", P(RegexNode.Plus(RegexNode.ByteClass(ByteSet.Single((byte)' ').With((byte)'\t').With((byte)'\n').With((byte)'\r'))), "WS"), default);
        b.Ignore("WS", default);
        var S = GrammarExpression.TerminalReference("STRING", default);
        var N = GrammarExpression.TerminalReference("NUMBER", default);
        b.DefineRule("start", R("value"), default);
        b.DefineRule("value", Alt(R("object"), R("array"), S, N, L("true"), L("false"), L("null")), default);
        b.DefineRule("object", Alt(Seq(L("{"), L("}")), Seq(L("{"), R("pair"), Star(Seq(L(","), R("pair"))), L("}"))), default);
        b.DefineRule("pair", Seq(S, L(":"), R("value")), default);
        b.DefineRule("array", Alt(Seq(L("["), L("]")), Seq(L("["), R("value"), Star(Seq(L(","), R("value"))), L("]"))), default);
        return b.Build("start");
    }

    /// <summary>Left-recursive, ambiguous arithmetic: e := e op e | (e) | NUM, with optional spaces ignored.</summary>
    public static Grammar AmbiguousArithmetic()
    {
        var b = new GrammarBuilder();
        b.DefineTerminal("NUM", P(Digits, "NUM"), default);
        b.DefineTerminal("SP", P(RegexNode.Plus(RegexNode.Literal(" ")), "SP"), default);
        b.Ignore("SP", default);
        b.DefineRule("start", R("e"), default);
        b.DefineRule("e", Alt(Seq(R("e"), Alt(L("+"), L("-"), L("*"), L("**")), R("e")), Seq(L("("), R("e"), L(")")), GrammarExpression.TerminalReference("NUM", default)), default);
        return b.Build("start");
    }

    /// <summary>Balanced parentheses with empty rules: s := ε | "(" s ")" s.</summary>
    public static Grammar Dyck()
    {
        var b = new GrammarBuilder();
        b.DefineRule("start", Alt(GrammarExpression.Empty, Seq(L("("), R("start"), L(")"), R("start"))), default);
        return b.Build("start");
    }

    /// <summary>Words separated by nullable terminals; exercises lexical ambiguity: (ab|a)(bc|c)* "!".</summary>
    public static Grammar LexicallyAmbiguous()
    {
        var b = new GrammarBuilder();
        b.DefineRule("start", Seq(P(RegexNode.Alternate(RegexNode.Literal("ab"), RegexNode.Literal("a")), "A"),
            Star(P(RegexNode.Alternate(RegexNode.Literal("bc"), RegexNode.Literal("c")), "B")), P(RegexNode.Star(RegexNode.Literal("x")), "X"), L("!")), default);
        return b.Build("start");
    }
}
