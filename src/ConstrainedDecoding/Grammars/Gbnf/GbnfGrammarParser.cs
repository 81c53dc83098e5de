using System.Globalization;
using System.Text;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Grammars.Gbnf;

/// <summary>
/// Parses GBNF (llama.cpp's grammar format): <c>name ::= alternatives</c>, string literals, character
/// classes, <c>.</c>, groups, <c>* + ?</c> and <c>{m,n}</c> repeats, <c>#</c> comments.
/// </summary>
/// <remarks>
/// A rule may span several lines: it ends where a line starts with <c>name ::=</c> (llama.cpp only
/// allows line breaks inside parentheses; every grammar it accepts is read the same way here).
/// Non-recursive rules become terminals (<see cref="GrammarBuilder.TerminalizeRegularRules"/>), and
/// repeats of regular items stay inside one terminal, so <c>[a-z]{0,100000}</c> never expands into
/// grammar symbols.
/// </remarks>
internal sealed class GbnfGrammarParser
{
    private const string ElementExpected = "a rule name, string, character class, '.', '(', '|' or a repeat operator";
    private const string EscapesExpected = "an escape \\n \\r \\t \\\\ \\\" \\[ \\] \\xHH \\uHHHH or \\UHHHHHHHH";

    private static readonly CodepointSet Surrogates = CodepointSet.Range(0xD800, 0xDFFF);

    private readonly GrammarTextReader _r;
    private readonly GrammarBuilder _builder = new() { TerminalizeRegularRules = true };

    private GbnfGrammarParser(string text) => _r = new GrammarTextReader(text);

    /// <summary>Parses <paramref name="text"/> and builds the grammar starting at <paramref name="start"/>.</summary>
    /// <exception cref="GrammarSyntaxException">Malformed text.</exception>
    /// <exception cref="GrammarDefinitionException">Undefined rule, missing start rule, or empty language.</exception>
    /// <exception cref="GrammarLimitException">Nesting or size beyond <see cref="Limits"/>.</exception>
    public static Grammar Parse(string text, string start)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(start);
        var p = new GbnfGrammarParser(text);
        p.ParseRules();
        return p._builder.Build(start);
    }

    private void ParseRules()
    {
        SkipSpace();
        while (!_r.AtEnd)
        {
            var pos = _r.Position;
            string name = ReadName();
            if (name.Length == 0)
            {
                throw _r.ErrorHere("a rule name (letters, digits and '-')");
            }
            SkipInlineSpace();
            if (!_r.StartsWith("::="))
            {
                throw _r.ErrorHere("'::='");
            }
            _r.Advance(3);
            var body = ParseAlternates(0);
            // ParseAlternates stops at the end, at the next rule's name, or at something that cannot continue a rule.
            if (!_r.AtEnd && !AtRuleStart())
            {
                throw _r.ErrorHere(ElementExpected);
            }
            _builder.DefineRule(name, body, pos);
        }
    }

    private GrammarExpression ParseAlternates(int depth)
    {
        var alternatives = new List<GrammarExpression> { ParseSequence(depth) };
        while (_r.Current == '|')
        {
            _r.Advance();
            alternatives.Add(ParseSequence(depth));
        }
        return GrammarExpression.Choice(alternatives);
    }

    private GrammarExpression ParseSequence(int depth)
    {
        var items = new List<GrammarExpression>();
        int opsOnLast = 0;
        while (true)
        {
            SkipSpace();
            if (_r.AtEnd) break;
            char c = _r.Current;
            if (c is '|' or ')') break;
            if (c is '*' or '+' or '?' or '{')
            {
                if (items.Count == 0)
                {
                    throw _r.Error(GrammarErrorKind.InvalidRepeat, GrammarTextReader.Describe(_r), "a rule name, string, character class, '.' or '(' before the repeat operator");
                }
                if (++opsOnLast > Limits.MaxSyntaxNesting)
                {
                    throw new GrammarLimitException(nameof(Limits.MaxSyntaxNesting), Limits.MaxSyntaxNesting, $"Repeat operators on one item at {_r.Position}");
                }
                var (min, max) = ParseRepeatOperator();
                items[^1] = RepeatFolding.FoldRepeat(items[^1], min, max);
                continue;
            }
            if (IsNameChar(c) && AtRuleStart()) break;
            opsOnLast = 0;
            items.Add(ParsePrimary(depth));
        }
        return GrammarExpression.Sequence(items);
    }

    private GrammarExpression ParsePrimary(int depth)
    {
        var pos = _r.Position;
        char c = _r.Current;
        switch (c)
        {
            case '"':
                return ParseLiteral();
            case '[':
                return ParseCharClass();
            case '.':
                _r.Advance();
                return GrammarExpression.Pattern(RegexNode.Codepoints(CodepointSet.Any.Except(Surrogates)), ".");
            case '(':
                {
                    if (depth + 1 > Limits.MaxSyntaxNesting)
                    {
                        throw new GrammarLimitException(nameof(Limits.MaxSyntaxNesting), Limits.MaxSyntaxNesting, $"Group nesting at {pos}");
                    }
                    _r.Advance();
                    var inner = ParseAlternates(depth + 1);
                    if (_r.Current != ')')
                    {
                        throw _r.Error(GrammarErrorKind.UnexpectedToken, GrammarTextReader.Describe(_r), $"')' to close the group opened at {pos}, or " + ElementExpected);
                    }
                    _r.Advance();
                    return inner;
                }
            default:
                if (IsNameChar(c))
                {
                    return GrammarExpression.RuleReference(ReadName(), pos);
                }
                throw _r.ErrorHere(ElementExpected);
        }
    }

    private (int Min, int Max) ParseRepeatOperator()
    {
        var pos = _r.Position;
        char c = _r.Current;
        _r.Advance();
        switch (c)
        {
            case '*': return (0, RegexNode.Unbounded);
            case '+': return (1, RegexNode.Unbounded);
            case '?': return (0, 1);
        }
        // '{' m '}' | '{' m ',' '}' | '{' m ',' n '}' | '{' ',' n '}'
        SkipInlineSpace();
        int min = 0;
        bool hasMin = char.IsAsciiDigit(_r.Current);
        if (hasMin) min = ReadCount();
        SkipInlineSpace();
        int max;
        if (_r.Current == '}' && hasMin)
        {
            max = min;
        }
        else if (_r.Current == ',')
        {
            _r.Advance();
            SkipInlineSpace();
            if (char.IsAsciiDigit(_r.Current))
            {
                max = ReadCount();
                SkipInlineSpace();
            }
            else if (hasMin)
            {
                max = RegexNode.Unbounded;
            }
            else
            {
                throw _r.Error(GrammarErrorKind.InvalidRepeat, GrammarTextReader.Describe(_r), "a maximum count after '{,'");
            }
        }
        else
        {
            throw _r.Error(GrammarErrorKind.InvalidRepeat, GrammarTextReader.Describe(_r), hasMin ? "',' or '}'" : "a repeat count");
        }
        if (_r.Current != '}')
        {
            throw _r.Error(GrammarErrorKind.InvalidRepeat, GrammarTextReader.Describe(_r), "'}'");
        }
        _r.Advance();
        if (max != RegexNode.Unbounded && max < min)
        {
            throw new GrammarSyntaxException(GrammarErrorKind.InvalidRepeat, pos,
                $"repeat {{{min},{max}}}", "a maximum at least the minimum");
        }
        return (min, max);
    }

    private int ReadCount()
    {
        var pos = _r.Position;
        long value = 0;
        while (char.IsAsciiDigit(_r.Current))
        {
            value = value * 10 + (_r.Current - '0');
            if (value > int.MaxValue)
            {
                throw new GrammarSyntaxException(GrammarErrorKind.InvalidRepeat, pos, "a repeat count that is too large",
                    "a count of at most " + int.MaxValue.ToString(CultureInfo.InvariantCulture));
            }
            _r.Advance();
        }
        return (int)value;
    }

    private GrammarExpression ParseLiteral()
    {
        int from = _r.Offset;
        var open = _r.Position;
        _r.Advance();
        var sb = new StringBuilder();
        while (_r.Current != '"')
        {
            if (_r.AtEnd)
            {
                throw new GrammarSyntaxException(GrammarErrorKind.UnterminatedLiteral, _r.Position, "end of input",
                    $"'\"' to close the string started at {open}");
            }
            sb.Append(char.ConvertFromUtf32(ReadChar()));
        }
        _r.Advance();
        string text = sb.ToString();
        return GrammarExpression.Pattern(RegexNode.Literal(text), _r.Slice(from, _r.Offset));
    }

    private GrammarExpression ParseCharClass()
    {
        int from = _r.Offset;
        var open = _r.Position;
        _r.Advance();
        bool negated = _r.Current == '^';
        if (negated) _r.Advance();
        var set = CodepointSet.Empty;
        while (_r.Current != ']')
        {
            if (_r.AtEnd)
            {
                throw new GrammarSyntaxException(GrammarErrorKind.UnterminatedLiteral, _r.Position, "end of input",
                    $"']' to close the character class started at {open}");
            }
            var lowPos = _r.Position;
            int lo = ReadChar();
            int hi = lo;
            if (_r.Current == '-' && _r.PeekAt(1) != ']' && _r.PeekAt(1) != '\0')
            {
                _r.Advance();
                hi = ReadChar();
                if (hi < lo)
                {
                    throw new GrammarSyntaxException(GrammarErrorKind.UnexpectedToken, lowPos,
                        $"reversed range {Cp(lo)}-{Cp(hi)}", "a range whose end is not below its start");
                }
            }
            set = set.Union(CodepointSet.Range(lo, hi));
        }
        _r.Advance();
        if (negated) set = set.Complement();
        set = set.Except(Surrogates);
        return GrammarExpression.Pattern(RegexNode.Codepoints(set), _r.Slice(from, _r.Offset));
    }

    private static string Cp(int cp) => "U+" + cp.ToString("X4", CultureInfo.InvariantCulture);

    // One character of a string literal or character class, escapes decoded.
    private int ReadChar()
    {
        if (_r.Current != '\\') return _r.ReadCodepoint();
        var pos = _r.Position;
        _r.Advance();
        char e = _r.Current;
        if (_r.AtEnd)
        {
            throw new GrammarSyntaxException(GrammarErrorKind.UnterminatedLiteral, _r.Position, "end of input", EscapesExpected);
        }
        _r.Advance();
        switch (e)
        {
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case '\\' or '"' or '[' or ']': return e;
            case 'x': return _r.ReadHexDigits(2, pos, e);
            case 'u': return _r.ReadHexDigits(4, pos, e);
            case 'U': return _r.ReadHexDigits(8, pos, e);
            default:
                throw new GrammarSyntaxException(GrammarErrorKind.InvalidEscape, pos, "escape \"\\" + e + "\"", EscapesExpected);
        }
    }

    private string ReadName()
    {
        int from = _r.Offset;
        while (IsNameChar(_r.Current)) _r.Advance();
        return _r.Slice(from, _r.Offset);
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    // Whether the cursor is at a name that is first on its line and followed by '::=' (the next rule).
    private bool AtRuleStart()
    {
        if (!IsNameChar(_r.Current)) return false;
        int i = _r.Offset - 1;
        string text = _r.Text;
        while (i >= 0 && text[i] is ' ' or '\t') i--;
        if (i >= 0 && text[i] is not '\n' and not '\r') return false;
        var mark = _r.Mark();
        ReadName();
        SkipInlineSpace();
        bool result = _r.StartsWith("::=");
        _r.Reset(mark);
        return result;
    }

    private void SkipInlineSpace()
    {
        while (_r.Current is ' ' or '\t') _r.Advance();
    }

    // Spaces, line breaks and '#' comments.
    private void SkipSpace()
    {
        while (!_r.AtEnd)
        {
            char c = _r.Current;
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                _r.Advance();
            }
            else if (c == '#')
            {
                while (!_r.AtEnd && _r.Current != '\n') _r.Advance();
            }
            else
            {
                break;
            }
        }
    }
}
