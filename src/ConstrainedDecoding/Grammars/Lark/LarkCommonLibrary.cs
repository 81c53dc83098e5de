using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Grammars.Lark;

/// <summary>
/// The terminals that <c>%import common.X</c> provides, written here from their usual meaning
/// (numbers, strings, names, whitespace, comments). Each is a self-contained byte-level pattern, so an
/// import never brings helper names into the grammar.
/// </summary>
internal static class LarkCommonLibrary
{
    // Declared before Terminals: static initializers run in textual order.
    private static readonly CodepointSet Surrogates = CodepointSet.Range(0xD800, 0xDFFF);

    private static readonly Dictionary<string, Lazy<RegexNode>> Terminals = Build();

    /// <summary>The names the library defines, sorted.</summary>
    public static IEnumerable<string> Names => Terminals.Keys.Order(StringComparer.Ordinal);

    /// <summary>Looks up a terminal's pattern.</summary>
    public static bool TryGet(string name, out RegexNode pattern)
    {
        if (Terminals.TryGetValue(name, out var lazy))
        {
            pattern = lazy.Value;
            return true;
        }
        pattern = RegexNode.Nothing;
        return false;
    }

    private static Dictionary<string, Lazy<RegexNode>> Build()
    {
        var digit = Range('0', '9');
        var lcase = Range('a', 'z');
        var ucase = Range('A', 'Z');
        var letter = RegexNode.Alternate(lcase, ucase);
        var hexDigit = RegexNode.Alternate(digit, Range('a', 'f'), Range('A', 'F'));
        var sign = RegexNode.Optional(Chars("+-"));
        var integer = RegexNode.Plus(digit);
        var signedInt = RegexNode.Concat(sign, integer);
        var dot = RegexNode.Literal(".");
        // DECIMAL: INT "." INT? | "." INT
        var decimalNumber = RegexNode.Alternate(
            RegexNode.Concat(integer, dot, RegexNode.Optional(integer)),
            RegexNode.Concat(dot, integer));
        var exponent = RegexNode.Concat(Chars("eE"), signedInt);
        // FLOAT: INT _EXP | DECIMAL _EXP?
        var floatNumber = RegexNode.Alternate(
            RegexNode.Concat(integer, exponent),
            RegexNode.Concat(decimalNumber, RegexNode.Optional(exponent)));
        var number = RegexNode.Alternate(floatNumber, integer);
        var underscore = RegexNode.Literal("_");
        var cr = RegexNode.Literal("\r");
        var lf = RegexNode.Literal("\n");
        var notNewline = RegexNode.Codepoints(CodepointSet.Single('\n').Union(Surrogates).Complement());

        return new Dictionary<string, Lazy<RegexNode>>(StringComparer.Ordinal)
        {
            ["DIGIT"] = Now(digit),
            ["HEXDIGIT"] = Now(hexDigit),
            ["INT"] = Now(integer),
            ["SIGNED_INT"] = Now(signedInt),
            ["DECIMAL"] = Now(decimalNumber),
            ["FLOAT"] = Now(floatNumber),
            ["SIGNED_FLOAT"] = Now(RegexNode.Concat(sign, floatNumber)),
            ["NUMBER"] = Now(number),
            ["SIGNED_NUMBER"] = Now(RegexNode.Concat(sign, number)),
            ["ESCAPED_STRING"] = new(EscapedString),
            ["LETTER"] = Now(letter),
            ["LCASE_LETTER"] = Now(lcase),
            ["UCASE_LETTER"] = Now(ucase),
            ["WORD"] = Now(RegexNode.Plus(letter)),
            ["CNAME"] = Now(RegexNode.Concat(
                RegexNode.Alternate(underscore, letter),
                RegexNode.Star(RegexNode.Alternate(underscore, letter, digit)))),
            ["WS"] = Now(RegexNode.Plus(Chars(" \t\f\r\n"))),
            ["WS_INLINE"] = Now(RegexNode.Plus(Chars(" \t"))),
            ["CR"] = Now(cr),
            ["LF"] = Now(lf),
            ["NEWLINE"] = Now(RegexNode.Plus(RegexNode.Concat(RegexNode.Optional(cr), lf))),
            ["SH_COMMENT"] = Now(RegexNode.Concat(RegexNode.Literal("#"), RegexNode.Star(notNewline))),
            ["CPP_COMMENT"] = Now(RegexNode.Concat(RegexNode.Literal("//"), RegexNode.Star(notNewline))),
            ["C_COMMENT"] = new(CComment),
        };
    }

    private static Lazy<RegexNode> Now(RegexNode node) => new(node);

    private static RegexNode Range(char lo, char hi) => RegexNode.ByteClass(ByteSet.Range((byte)lo, (byte)hi));

    private static RegexNode Chars(string chars)
    {
        var set = ByteSet.Empty;
        foreach (char c in chars) set = set.With((byte)c);
        return RegexNode.ByteClass(set);
    }

    private static RegexNode AnyExcept(string chars)
    {
        var set = Surrogates;
        foreach (char c in chars) set = set.Union(CodepointSet.Single(c));
        return RegexNode.Codepoints(set.Complement());
    }

    // JSON-like: '"' ( [^"\\\n] | '\\' [^\n] )* '"'. Every backslash escapes the next character, so the
    // string cannot end in the middle of an escape.
    private static RegexNode EscapedString()
    {
        var quote = RegexNode.Literal("\"");
        var plain = AnyExcept("\"\\\n");
        var escaped = RegexNode.Concat(RegexNode.Literal("\\"), AnyExcept("\n"));
        return RegexNode.Concat(quote, RegexNode.Star(RegexNode.Alternate(plain, escaped)), quote);
    }

    // "/*" then anything that does not contain "*/", then "*/":  "/*" ( [^*] | "*"+ [^*/] )* "*"+ "/".
    private static RegexNode CComment()
    {
        var stars = RegexNode.Plus(RegexNode.Literal("*"));
        var body = RegexNode.Star(RegexNode.Alternate(AnyExcept("*"), RegexNode.Concat(stars, AnyExcept("*/"))));
        return RegexNode.Concat(RegexNode.Literal("/*"), body, stars, RegexNode.Literal("/"));
    }
}
