using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>Punctuation terminals with the whitespace the options allow baked in, so values and structure stay few terminals.</summary>
internal sealed class JsonTokens
{
    private readonly RegexNode _ws;
    private readonly bool _any;

    public JsonTokens(JsonSchemaOptions options)
    {
        _any = options.Whitespace == JsonWhitespace.Any;
        _ws = options.Whitespace switch
        {
            JsonWhitespace.Compact => RegexNode.Empty,
            JsonWhitespace.Any => RegexNode.Repeat(RegexNode.ByteClass(ByteSet.Single((byte)' ').With((byte)'\t').With((byte)'\n').With((byte)'\r')), 0, Math.Max(0, options.MaxWhitespace)),
            _ => RegexNode.Optional(RegexNode.Alternate(
                RegexNode.Literal(" "),
                RegexNode.Concat(RegexNode.Literal("\n"), RegexNode.Repeat(RegexNode.ByteClass(ByteSet.Single((byte)' ').With((byte)'\t')), 0, Math.Max(0, options.MaxIndent))))),
        };
        OpenBrace = Token("{", after: true, leading: false);
        CloseBrace = Token("}", after: false, leading: true);
        OpenBracket = Token("[", after: true, leading: false);
        CloseBracket = Token("]", after: false, leading: true);
        Comma = Token(",", after: true, leading: _any);
        EmptyObject = Pattern(RegexNode.Concat(RegexNode.Literal("{"), _ws, RegexNode.Literal("}")), "{}");
        EmptyArray = Pattern(RegexNode.Concat(RegexNode.Literal("["), _ws, RegexNode.Literal("]")), "[]");
    }

    public GrammarExpression OpenBrace { get; }

    public GrammarExpression CloseBrace { get; }

    public GrammarExpression OpenBracket { get; }

    public GrammarExpression CloseBracket { get; }

    public GrammarExpression Comma { get; }

    public GrammarExpression EmptyObject { get; }

    public GrammarExpression EmptyArray { get; }

    /// <summary>A property key (regex over the encoded key content, without quotes) followed by the colon.</summary>
    public GrammarExpression Key(RegexNode keyContent, string display) =>
        Pattern(RegexNode.Concat(JsonStringRegex.Quoted(keyContent), _any ? _ws : RegexNode.Empty, RegexNode.Literal(":"), _ws), display);

    /// <summary>The whole document: leading and trailing whitespace only in <see cref="JsonWhitespace.Any"/> mode.</summary>
    public GrammarExpression Document(GrammarExpression value)
    {
        if (!_any) return value;
        var ws = Pattern(_ws, "ws");
        return GrammarExpression.Sequence([ws, value, ws]);
    }

    public static GrammarExpression Pattern(RegexNode node, string display) => GrammarExpression.Pattern(node, display);

    private GrammarExpression Token(string punct, bool after, bool leading)
    {
        var lit = RegexNode.Literal(punct);
        var node = RegexNode.Concat(leading ? _ws : RegexNode.Empty, lit, after ? _ws : RegexNode.Empty);
        return Pattern(node, punct);
    }
}
