using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Tests.Grammars;

/// <summary>
/// Accept/reject cases for grammars written in Lark and GBNF. Each case runs against the brute-force
/// recognizer (checks the front end's output against the language definition) and against the
/// library's matcher (checks the whole pipeline); both must give the expected answer.
/// </summary>
public class FrontEndAcceptanceTests
{
    private const string LarkArithmetic = """
        start: sum
        ?sum: product
            | sum ("+" | "-") product
        ?product: atom
            | product ("*" | "/") atom
        ?atom: NUMBER
            | "-" atom
            | "(" sum ")"
        %import common.NUMBER
        %import common.WS_INLINE
        %ignore WS_INLINE
        """;

    private const string LarkKeyValues = """
        start: pair ("," pair)*
        pair: KEY "=" value
        value: ESCAPED_STRING | SIGNED_INT | "true"i | "false"i
        KEY: ("_" | LCASE_LETTER) ("_" | LCASE_LETTER | DIGIT)*
        %import common (ESCAPED_STRING, SIGNED_INT, LCASE_LETTER, DIGIT)
        """;

    private const string LarkShapes = """
        start: greeting [name] punct~1..3 tail?
        greeting: "hi"i | "hello"i
        name: " " "a".."c"~2
        punct: "!" | "?"
        tail: " " C_COMMENT
        %import common.C_COMMENT
        """;

    private const string LarkRegexes = """
        start: IDENT ("," IDENT)*
        IDENT: /[a-z_][a-z0-9_]*/i
        %ignore /[ \t]+/
        """;

    private const string GbnfJson = """
        root   ::= value
        value  ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
        array  ::= "[" ws ( value ("," ws value)* )? "]" ws
        string ::= "\"" ( [^"\\\x00-\x1f] | "\\" ["\\/bfnrt] | "\\u" [0-9a-fA-F]{4} )* "\"" ws
        number ::= "-"? ([0-9] | [1-9] [0-9]+) ("." [0-9]+)? ws
        ws     ::= [ \t\n]{0,4}
        """;

    private const string GbnfMisc = """
        root ::= word ("," word){,2} "|" any{2} "|" nested
        word ::= [a-zà-ÿ]{2,3}
        any ::= .
        nested ::= "(" nested ")" | [a-z ]{0,100000}
        """;

    public static TheoryData<string, string, string, bool> Cases => new()
    {
        { "lark", LarkArithmetic, "1 + 2*(3 - 4.5e3)", true },
        { "lark", LarkArithmetic, "  -7 / -(2)  ", true },
        { "lark", LarkArithmetic, "1 +", false },
        { "lark", LarkArithmetic, "(1", false },
        { "lark", LarkArithmetic, "1 2", false },
        { "lark", LarkArithmetic, "1\n+2", false },
        { "lark", LarkKeyValues, "a=\"x\\\"y\",b_2=-12,c=TRUE", true },
        { "lark", LarkKeyValues, "a=\"x\"y\"", false },
        { "lark", LarkKeyValues, "a=\"x\\\"", false },
        { "lark", LarkKeyValues, "2a=1", false },
        { "lark", LarkKeyValues, "a = 1", false },
        { "lark", LarkShapes, "HeLLo ab!?", true },
        { "lark", LarkShapes, "hi!", true },
        { "lark", LarkShapes, "hi!!!! ", false },
        { "lark", LarkShapes, "hi a!", false },
        { "lark", LarkShapes, "hi! /* a * b */", true },
        { "lark", LarkShapes, "hi! /* a */ b */", false },
        { "lark", LarkRegexes, "foo, Bar_1 ,baz", true },
        { "lark", LarkRegexes, "foo,,bar", false },
        { "lark", LarkRegexes, "1foo", false },
        { "gbnf", GbnfJson, "{\"a\": [1, -2.5, {\"b\": \"c\\n\\u00e9\"}], \"d\": null}", true },
        { "gbnf", GbnfJson, "[]", true },
        { "gbnf", GbnfJson, "{\"a\" 1}", false },
        { "gbnf", GbnfJson, "[1,]", false },
        { "gbnf", GbnfJson, "[01]", false },
        { "gbnf", GbnfJson, "\"a\nb\"", false },
        { "gbnf", GbnfJson, "[1]     ", false },
        { "gbnf", GbnfMisc, "ab,éüx,cd|😀x|((abc))", true },
        { "gbnf", GbnfMisc, "ab|  |", true },
        { "gbnf", GbnfMisc, "ab,cd,ef,gh|xx|", false },
        { "gbnf", GbnfMisc, "abcd|xx|", false },
        { "gbnf", GbnfMisc, "ab|x|", false },
        { "gbnf", GbnfMisc, "ab|xx|((a)", false },
    };

    private static Grammar Parse(string format, string text) => format == "lark" ? Grammar.FromLark(text) : Grammar.FromGbnf(text);

    [Theory]
    [MemberData(nameof(Cases))]
    public void BruteForceRecognizerAgrees(string format, string grammar, string input, bool expected)
    {
        Assert.Equal(expected, BruteForceRecognizer.Accepts(Parse(format, grammar), input));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatcherAgrees(string format, string grammar, string input, bool expected)
    {
        Assert.Equal(expected, GrammarAcceptance.MatcherAccepts(Parse(format, grammar), input));
    }
}
