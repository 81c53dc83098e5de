using System.Text;

namespace ConstrainedDecoding.Grammars.Lark;

/// <summary>
/// Splits Lark grammar text into tokens on demand. Comments (<c>//</c> and <c>#</c>) are skipped;
/// a run of line breaks, blank lines and comment-only lines becomes one <see cref="LarkTokenKind.Newline"/>.
/// </summary>
internal sealed class LarkLexer
{
    private const string StringEscapes = "\\n \\t \\r \\f \\\\ \\\" \\xHH \\uHHHH or \\UHHHHHHHH";

    private readonly GrammarTextReader _r;
    private readonly List<LarkToken> _lookahead = [];

    public LarkLexer(string text) => _r = new GrammarTextReader(text);

    /// <summary>The token <paramref name="k"/> places ahead (0 = next).</summary>
    public LarkToken Peek(int k = 0)
    {
        while (_lookahead.Count <= k) _lookahead.Add(Lex());
        return _lookahead[k];
    }

    public LarkToken Next()
    {
        var t = Peek();
        _lookahead.RemoveAt(0);
        return t;
    }

    private LarkToken Lex()
    {
        bool sawNewline = false;
        var newlinePos = default(SourcePosition);
        while (!_r.AtEnd)
        {
            char c = _r.Current;
            if (c is ' ' or '\t' or '\r' or '\f')
            {
                _r.Advance();
            }
            else if (c == '\n')
            {
                if (!sawNewline) newlinePos = _r.Position;
                sawNewline = true;
                _r.Advance();
            }
            else if (c == '#' || (c == '/' && _r.PeekAt(1) == '/'))
            {
                while (!_r.AtEnd && _r.Current != '\n') _r.Advance();
            }
            else
            {
                break;
            }
        }
        if (sawNewline) return new LarkToken(LarkTokenKind.Newline, "\n", newlinePos);
        var pos = _r.Position;
        if (_r.AtEnd) return new LarkToken(LarkTokenKind.End, "", pos);

        int from = _r.Offset;
        char ch = _r.Current;
        switch (ch)
        {
            case '"': return LexString();
            case '/': return LexRegex();
            case '%':
                {
                    _r.Advance();
                    string name = ReadWord();
                    if (name.Length == 0) throw _r.ErrorHere("a directive name after '%'");
                    return new LarkToken(LarkTokenKind.Directive, "%" + name, pos, name);
                }
            case '.':
                _r.Advance();
                if (_r.Current == '.')
                {
                    _r.Advance();
                    return new LarkToken(LarkTokenKind.DotDot, "..", pos);
                }
                return new LarkToken(LarkTokenKind.Dot, ".", pos);
            case '-':
                if (_r.PeekAt(1) == '>')
                {
                    _r.Advance(2);
                    return new LarkToken(LarkTokenKind.Arrow, "->", pos);
                }
                if (char.IsAsciiDigit(_r.PeekAt(1)))
                {
                    _r.Advance();
                    ReadDigits();
                    return new LarkToken(LarkTokenKind.Number, _r.Slice(from, _r.Offset), pos);
                }
                break;
        }
        if (char.IsAsciiDigit(ch))
        {
            ReadDigits();
            return new LarkToken(LarkTokenKind.Number, _r.Slice(from, _r.Offset), pos);
        }
        if (char.IsAsciiLetter(ch) || ch == '_')
        {
            return ClassifyName(ReadWord(), pos);
        }
        var kind = ch switch
        {
            ':' => LarkTokenKind.Colon,
            '|' => LarkTokenKind.Pipe,
            '(' => LarkTokenKind.LParen,
            ')' => LarkTokenKind.RParen,
            '[' => LarkTokenKind.LBracket,
            ']' => LarkTokenKind.RBracket,
            '{' => LarkTokenKind.LBrace,
            '}' => LarkTokenKind.RBrace,
            '?' => LarkTokenKind.Question,
            '*' => LarkTokenKind.Star,
            '+' => LarkTokenKind.Plus,
            '~' => LarkTokenKind.Tilde,
            '!' => LarkTokenKind.Bang,
            ',' => LarkTokenKind.Comma,
            _ => LarkTokenKind.End,
        };
        if (kind == LarkTokenKind.End)
        {
            throw _r.ErrorHere("a name, string, regex, operator or directive");
        }
        _r.Advance();
        return new LarkToken(kind, ch.ToString(), pos);
    }

    // Lark: rules are lowercase ([_?]?[a-z][_a-z0-9]*), terminals UPPERCASE (_?[A-Z][_A-Z0-9]*).
    private static LarkToken ClassifyName(string word, SourcePosition pos)
    {
        string letters = word.TrimStart('_');
        bool anyLower = word.Any(char.IsAsciiLetterLower);
        bool anyUpper = word.Any(char.IsAsciiLetterUpper);
        if (letters.Length > 0 && char.IsAsciiLetter(letters[0]) && !(anyLower && anyUpper))
        {
            return new LarkToken(anyLower ? LarkTokenKind.RuleName : LarkTokenKind.TerminalName, word, pos, word);
        }
        throw new GrammarSyntaxException(GrammarErrorKind.UnexpectedToken, pos, $"name \"{word}\"",
            "a rule name (lowercase, like expr_list) or a terminal name (UPPERCASE, like NUMBER)");
    }

    private string ReadWord()
    {
        int from = _r.Offset;
        while (char.IsAsciiLetterOrDigit(_r.Current) || _r.Current == '_') _r.Advance();
        return _r.Slice(from, _r.Offset);
    }

    private void ReadDigits()
    {
        while (char.IsAsciiDigit(_r.Current)) _r.Advance();
    }

    private LarkToken LexString()
    {
        var pos = _r.Position;
        int from = _r.Offset;
        _r.Advance();
        var sb = new StringBuilder();
        while (_r.Current != '"')
        {
            if (_r.AtEnd || _r.Current == '\n')
            {
                throw new GrammarSyntaxException(GrammarErrorKind.UnterminatedLiteral, _r.Position, GrammarTextReader.Describe(_r),
                    $"'\"' to close the string started at {pos}");
            }
            if (_r.Current != '\\')
            {
                sb.Append(_r.Current);
                _r.Advance();
                continue;
            }
            var escPos = _r.Position;
            _r.Advance();
            char e = _r.Current;
            if (_r.AtEnd || e == '\n')
            {
                throw new GrammarSyntaxException(GrammarErrorKind.UnterminatedLiteral, _r.Position, GrammarTextReader.Describe(_r), StringEscapes);
            }
            _r.Advance();
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case '\\' or '"': sb.Append(e); break;
                case 'x': sb.Append(char.ConvertFromUtf32(_r.ReadHexDigits(2, escPos, e))); break;
                case 'u': sb.Append(char.ConvertFromUtf32(_r.ReadHexDigits(4, escPos, e))); break;
                case 'U': sb.Append(char.ConvertFromUtf32(_r.ReadHexDigits(8, escPos, e))); break;
                default:
                    // As in Lark (Python string rules): an unknown escape stands for itself, backslash included.
                    sb.Append('\\').Append(e);
                    break;
            }
        }
        _r.Advance();
        string flags = "";
        if (_r.Current == 'i')
        {
            _r.Advance();
            flags = "i";
        }
        return new LarkToken(LarkTokenKind.String, _r.Slice(from, _r.Offset), pos, sb.ToString(), flags);
    }

    private LarkToken LexRegex()
    {
        var pos = _r.Position;
        int from = _r.Offset;
        _r.Advance();
        var sb = new StringBuilder();
        while (_r.Current != '/')
        {
            if (_r.AtEnd || _r.Current == '\n')
            {
                throw new GrammarSyntaxException(GrammarErrorKind.UnterminatedLiteral, _r.Position, GrammarTextReader.Describe(_r),
                    $"'/' to close the regex started at {pos}");
            }
            if (_r.Current == '\\' && _r.PeekAt(1) == '/')
            {
                sb.Append('/');
                _r.Advance(2);
                continue;
            }
            if (_r.Current == '\\' && _r.PeekAt(1) is not '\0' and not '\n')
            {
                sb.Append('\\');
                _r.Advance();
            }
            sb.Append(_r.Current);
            _r.Advance();
        }
        _r.Advance();
        int flagsFrom = _r.Offset;
        while (char.IsAsciiLetter(_r.Current))
        {
            if ("imsux".IndexOf(_r.Current, StringComparison.Ordinal) < 0)
            {
                throw _r.Error(GrammarErrorKind.InvalidRegex, $"regex flag \"{_r.Current}\"", "one of the flags i, m, s, u, x");
            }
            _r.Advance();
        }
        return new LarkToken(LarkTokenKind.Regex, _r.Slice(from, _r.Offset), pos, sb.ToString(), _r.Slice(flagsFrom, _r.Offset));
    }
}
