using System.Globalization;

namespace ConstrainedDecoding.Grammars;

/// <summary>
/// A character cursor over grammar source text that tracks 1-based line and column, with the
/// lexical helpers the Lark and GBNF front ends share (code point reading, hex escapes, error text).
/// </summary>
internal sealed class GrammarTextReader
{
    private readonly string _text;
    private int _offset;
    private int _line = 1;
    private int _column = 1;

    public GrammarTextReader(string text) => _text = text;

    /// <summary>The whole source text.</summary>
    public string Text => _text;

    /// <summary>0-based offset of the current character.</summary>
    public int Offset => _offset;

    public bool AtEnd => _offset >= _text.Length;

    /// <summary>The current character, or <c>'\0'</c> at the end.</summary>
    public char Current => _offset < _text.Length ? _text[_offset] : '\0';

    /// <summary>The character <paramref name="k"/> places ahead, or <c>'\0'</c> past the end.</summary>
    public char PeekAt(int k) => _offset + k < _text.Length ? _text[_offset + k] : '\0';

    /// <summary>Position of the current character.</summary>
    public SourcePosition Position => new(_line, _column);

    /// <summary>A saved cursor state for <see cref="Reset"/>.</summary>
    public (int Offset, int Line, int Column) Mark() => (_offset, _line, _column);

    public void Reset((int Offset, int Line, int Column) mark) => (_offset, _line, _column) = mark;

    public void Advance()
    {
        if (_offset >= _text.Length) return;
        if (_text[_offset] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        _offset++;
    }

    public void Advance(int count)
    {
        for (int i = 0; i < count; i++) Advance();
    }

    public bool StartsWith(string s) => string.CompareOrdinal(_text, _offset, s, 0, s.Length) == 0;

    /// <summary>Text between two offsets, for display names.</summary>
    public string Slice(int from, int to) => _text[from..to];

    /// <summary>Reads one Unicode scalar value (a surrogate pair counts as one).</summary>
    /// <exception cref="GrammarSyntaxException">A lone surrogate.</exception>
    public int ReadCodepoint()
    {
        char c = Current;
        if (char.IsHighSurrogate(c) && char.IsLowSurrogate(PeekAt(1)))
        {
            int cp = char.ConvertToUtf32(c, PeekAt(1));
            Advance(2);
            return cp;
        }
        if (char.IsSurrogate(c))
        {
            throw Error(GrammarErrorKind.UnexpectedToken, "a lone UTF-16 surrogate", "a valid Unicode character");
        }
        Advance();
        return c;
    }

    /// <summary>
    /// Reads exactly <paramref name="digits"/> hex digits of an escape whose backslash was at
    /// <paramref name="escapeStart"/>, and checks the value is a Unicode scalar value.
    /// </summary>
    /// <exception cref="GrammarSyntaxException">Too few digits, or a surrogate / out-of-range value.</exception>
    public int ReadHexDigits(int digits, SourcePosition escapeStart, char escapeLetter)
    {
        int value = 0;
        for (int i = 0; i < digits; i++)
        {
            char c = Current;
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                throw new GrammarSyntaxException(GrammarErrorKind.InvalidEscape, Position, Describe(this),
                    $"{digits} hex digits after \\{escapeLetter} (escape at {escapeStart})");
            }
            value = (value << 4) | d;
            Advance();
        }
        if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
        {
            throw new GrammarSyntaxException(GrammarErrorKind.InvalidEscape, escapeStart,
                "code point U+" + value.ToString("X4", CultureInfo.InvariantCulture),
                "a Unicode scalar value (not a surrogate, at most U+10FFFF)");
        }
        return value;
    }

    /// <summary>Describes the current character for an "unexpected X" message.</summary>
    public static string Describe(GrammarTextReader r) => r.AtEnd ? "end of input" : DescribeChar(r.Current);

    /// <summary>Describes a character for an "unexpected X" message.</summary>
    public static string DescribeChar(char c) => c switch
    {
        '\n' => "end of line",
        '\r' => "carriage return",
        '"' => "'\"'",
        < ' ' or '\u007F' => "character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
        _ => "\"" + c + "\"",
    };

    /// <summary>A syntax error at the current position.</summary>
    public GrammarSyntaxException Error(GrammarErrorKind kind, string unexpected, string expected) =>
        new(AtEnd && kind == GrammarErrorKind.UnexpectedToken ? GrammarErrorKind.UnexpectedEnd : kind, Position, unexpected, expected);

    /// <summary>A syntax error about the current character, "unexpected &lt;it&gt;, expected <paramref name="expected"/>".</summary>
    public GrammarSyntaxException ErrorHere(string expected) =>
        Error(GrammarErrorKind.UnexpectedToken, Describe(this), expected);
}
