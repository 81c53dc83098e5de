using System.Globalization;
using System.Text;

namespace ConstrainedDecoding.Regex;

// Atoms: literals, escapes, character classes and Unicode properties.
internal sealed partial class RegexSyntaxParser
{
    private const string KnownEscapes = "a known escape (\\d \\w \\s \\p{..} \\n \\r \\t \\f \\v \\0 \\xHH \\uHHHH \\u{H..}) or an escaped punctuation character";

    /// <summary>One class item: a single code point, or a set (from <c>\d</c>, <c>\p{L}</c>, …).</summary>
    private readonly record struct ClassItem(int Codepoint, CodepointSet? Set)
    {
        public static ClassItem Of(int cp) => new(cp, null);

        public static ClassItem Of(CodepointSet set) => new(-1, set);
    }

    private static readonly System.Buffers.SearchValues<char> s_hexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    // Immutable nodes may be shared; one node per byte value keeps long literal patterns cheap to parse.
    private static readonly RegexNode[] s_byteNodes = Enumerable.Range(0, 256).Select(b => RegexNode.ByteClass(ByteSet.Single((byte)b))).ToArray();

    private RegexNode LiteralNode(int cp)
    {
        if (IgnoreCase) return _lower(CaseFolding.AddSimpleCaseVariants(CodepointSet.Single(cp)));
        if (_customLowering) return _lower(CodepointSet.Single(cp));
        if (cp < 0x80) return s_byteNodes[cp];
        Span<byte> utf8 = stackalloc byte[4];
        int n = new Rune(cp).EncodeToUtf8(utf8);
        var parts = new RegexNode[n];
        for (int i = 0; i < n; i++) parts[i] = s_byteNodes[utf8[i]];
        return RegexNode.Concat(parts);
    }

    private RegexNode SetNode(CodepointSet set, bool negate)
    {
        if (IgnoreCase) set = CaseFolding.AddSimpleCaseVariants(set);
        if (negate) set = set.Complement();
        return _lower(set);
    }

    /// <summary>Reads one literal character at the cursor, joining a surrogate pair into one code point.</summary>
    private int ReadLiteralCodepoint()
    {
        char c = _pattern[_pos];
        if (!char.IsSurrogate(c))
        {
            _pos++;
            return c;
        }
        if (char.IsHighSurrogate(c) && _pos + 1 < _pattern.Length && char.IsLowSurrogate(_pattern[_pos + 1]))
        {
            _pos += 2;
            return char.ConvertToUtf32(c, _pattern[_pos - 1]);
        }
        throw Error(RegexErrorKind.UnexpectedCharacter, _pos, $"lone surrogate U+{(int)c:X4}", "a Unicode scalar value (UTF-8 cannot encode a lone surrogate)");
    }

    // An escape outside a class: anchors were handled by the caller; refuse the non-regular ones.
    private RegexNode ParseEscapeAtom()
    {
        int at = _pos;
        if (at + 1 < _pattern.Length)
        {
            char e = _pattern[at + 1];
            switch (e)
            {
                case 'b':
                    throw Unsupported(at, "word boundary '\\b'", RegularConstruct + " (word boundaries are assertions on context)");
                case 'B':
                    throw Unsupported(at, "non-word-boundary '\\B'", RegularConstruct + " (word boundaries are assertions on context)");
                case 'G':
                    throw Unsupported(at, "anchor '\\G'", RegularConstruct);
                case >= '1' and <= '9':
                    throw Unsupported(at, $"backreference '\\{e}'", RegularConstruct + " (backreferences are not regular)");
                case 'k' when at + 2 < _pattern.Length && _pattern[at + 2] is '<' or '{' or '\'':
                    throw Unsupported(at, "backreference '\\k'", RegularConstruct + " (backreferences are not regular)");
            }
        }
        var item = ReadEscape(inClass: false);
        return item.Set is { } set ? SetNode(set, negate: false) : LiteralNode(item.Codepoint);
    }

    /// <summary>Reads the escape starting at the backslash under the cursor.</summary>
    private ClassItem ReadEscape(bool inClass)
    {
        int at = _pos;
        if (at + 1 >= _pattern.Length)
        {
            throw Error(RegexErrorKind.UnexpectedEnd, at, "end of pattern after '\\'", "an escaped character");
        }
        char e = _pattern[at + 1];
        _pos = at + 2;
        switch (e)
        {
            case 'd': return ClassItem.Of(UnicodeCategories.Digit);
            case 'D': return ClassItem.Of(UnicodeCategories.Digit.Complement());
            case 'w': return ClassItem.Of(UnicodeCategories.Word);
            case 'W': return ClassItem.Of(UnicodeCategories.Word.Complement());
            case 's': return ClassItem.Of(UnicodeCategories.WhiteSpace);
            case 'S': return ClassItem.Of(UnicodeCategories.WhiteSpace.Complement());
            case 'p': return ClassItem.Of(ReadProperty(at));
            case 'P': return ClassItem.Of(ReadProperty(at).Complement());
            case 'n': return ClassItem.Of('\n');
            case 'r': return ClassItem.Of('\r');
            case 't': return ClassItem.Of('\t');
            case 'f': return ClassItem.Of('\f');
            case 'v': return ClassItem.Of('\v');
            case 'a': return ClassItem.Of('\a');
            case 'e': return ClassItem.Of(0x1B);
            case 'b' when inClass: return ClassItem.Of('\b');
            case '0': return ClassItem.Of(ReadOctalAfterZero());
            case 'x': return ClassItem.Of(ReadHex(at, 2, "\\xHH with two hex digits"));
            case 'u': return ClassItem.Of(ReadUnicodeEscape(at));
            case 'U': return ClassItem.Of(CheckScalar(at, ReadHex(at, 8, "\\UHHHHHHHH with eight hex digits")));
            case 'c':
                if (!AtEnd && char.IsAsciiLetter(_pattern[_pos]))
                {
                    return ClassItem.Of(_pattern[_pos++] % 32);
                }
                throw Error(RegexErrorKind.InvalidEscape, at, "'\\c' without a control letter", "\\c followed by a letter A-Z");
        }
        if (char.IsAsciiLetterOrDigit(e))
        {
            throw Error(RegexErrorKind.InvalidEscape, at, $"escape '\\{e}'", inClass ? KnownEscapes.Replace("\\0", "\\0 \\b", StringComparison.Ordinal) : KnownEscapes);
        }
        // Identity escape: any other character (punctuation, space, non-ASCII) stands for itself.
        _pos = at + 1;
        return ClassItem.Of(ReadLiteralCodepoint());
    }

    // \0 then up to two more octal digits (\0, \07, \012), as in Python and ECMAScript Annex B.
    private int ReadOctalAfterZero()
    {
        int value = 0;
        for (int i = 0; i < 2 && !AtEnd && _pattern[_pos] is >= '0' and <= '7'; i++)
        {
            value = value * 8 + (_pattern[_pos++] - '0');
        }
        return value;
    }

    private int ReadHex(int at, int digits, string expected)
    {
        if (_pos + digits > _pattern.Length || !int.TryParse(_pattern.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
        {
            string found = _pattern[at..Math.Min(_pattern.Length, _pos + digits)];
            throw Error(RegexErrorKind.InvalidEscape, at, $"escape '{found}'", expected);
        }
        _pos += digits;
        return value;
    }

    // \uHHHH (joining \uD83D\uDE00 surrogate pairs) or \u{H...}.
    private int ReadUnicodeEscape(int at)
    {
        if (!AtEnd && _pattern[_pos] == '{')
        {
            int close = _pattern.IndexOf('}', _pos);
            int len = close - _pos - 1;
            if (close < 0 || len is < 1 or > 6 || _pattern.AsSpan(_pos + 1, len).ContainsAnyExcept(s_hexDigits))
            {
                throw Error(RegexErrorKind.InvalidEscape, at, $"escape '{_pattern[at..(close < 0 ? Math.Min(_pattern.Length, at + 12) : close + 1)]}'", "\\u{H...} with 1 to 6 hex digits");
            }
            int value = int.Parse(_pattern.AsSpan(_pos + 1, len), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            _pos = close + 1;
            return CheckScalar(at, value);
        }
        int unit = ReadHex(at, 4, "\\uHHHH with four hex digits");
        if (unit is >= 0xD800 and <= 0xDBFF && _pos + 6 <= _pattern.Length && _pattern[_pos] == '\\' && _pattern[_pos + 1] == 'u'
            && int.TryParse(_pattern.AsSpan(_pos + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int low)
            && low is >= 0xDC00 and <= 0xDFFF)
        {
            _pos += 6;
            return char.ConvertToUtf32((char)unit, (char)low);
        }
        return CheckScalar(at, unit);
    }

    private int CheckScalar(int at, int value)
    {
        if (value is < 0 or (>= 0xD800 and <= 0xDFFF) or > CodepointSet.MaxCodepoint)
        {
            throw Error(RegexErrorKind.InvalidEscape, at, $"escape for U+{value:X4}",
                "a Unicode scalar value (a lone surrogate cannot be encoded in UTF-8; write a full surrogate pair \\uD83D\\uDE00 or \\u{1F600})");
        }
        return value;
    }

    // \p{Name} or \pL; the cursor is after 'p'/'P'.
    private CodepointSet ReadProperty(int at)
    {
        string name;
        if (!AtEnd && _pattern[_pos] == '{')
        {
            int close = _pattern.IndexOf('}', _pos);
            if (close < 0) throw Error(RegexErrorKind.UnexpectedEnd, at, "end of pattern in a property name", "'}' closing \\p{...}");
            name = _pattern[(_pos + 1)..close];
            _pos = close + 1;
        }
        else if (!AtEnd && char.IsAsciiLetter(_pattern[_pos]))
        {
            name = _pattern[_pos++].ToString();
        }
        else
        {
            throw Error(RegexErrorKind.InvalidEscape, at, $"'{_pattern[at..Math.Min(_pattern.Length, at + 3)]}'", "\\p{Name} or a one-letter category such as \\pL");
        }
        if (!UnicodeCategories.TryGetProperty(name, out var set))
        {
            throw Error(RegexErrorKind.UnknownProperty, at, $"property '{name}'",
                "a Unicode general category such as L, Lu, Ll, N, Nd, P, S, Z, M, C or its long name (Letter, Number, ...); scripts and blocks are not supported");
        }
        return set;
    }

    private RegexNode ParseClass()
    {
        int open = _pos;
        _pos++;
        bool negate = false;
        if (!AtEnd && _pattern[_pos] == '^')
        {
            negate = true;
            _pos++;
        }
        var ranges = new List<(int, int)>();
        var sets = new List<CodepointSet>();
        bool first = true;
        while (true)
        {
            if (AtEnd)
            {
                throw Error(RegexErrorKind.InvalidCharacterClass, open, "end of pattern in a character class", $"']' closing the class opened at offset {open}");
            }
            if (_pattern[_pos] == ']' && !first)
            {
                _pos++;
                break;
            }
            first = false;
            int itemOffset = _pos;
            var left = ReadClassItem();
            // A '-' makes a range unless it is last, or an endpoint is a class escape (then it is a literal, Annex B).
            if (left.Set is null && _pos + 1 < _pattern.Length && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
            {
                _pos++;
                var right = ReadClassItem();
                if (right.Set is { } rightSet)
                {
                    ranges.Add((left.Codepoint, left.Codepoint));
                    ranges.Add(('-', '-'));
                    sets.Add(rightSet);
                }
                else if (right.Codepoint < left.Codepoint)
                {
                    throw Error(RegexErrorKind.InvalidCharacterClass, itemOffset, $"reversed range {_pattern[itemOffset.._pos]}", "a range whose start is not above its end");
                }
                else
                {
                    ranges.Add((left.Codepoint, right.Codepoint));
                }
                continue;
            }
            if (left.Set is { } leftSet) sets.Add(leftSet);
            else ranges.Add((left.Codepoint, left.Codepoint));
        }
        var set = CodepointSet.FromRanges(ranges.Concat(sets.SelectMany(s => s.Ranges)));
        return SetNode(set, negate);
    }

    private ClassItem ReadClassItem() =>
        _pattern[_pos] == '\\' ? ReadEscape(inClass: true) : ClassItem.Of(ReadLiteralCodepoint());
}
