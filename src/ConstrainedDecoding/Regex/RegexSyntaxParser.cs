using System.Globalization;
using System.Text;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// Recursive-descent parser behind <see cref="RegexParser.Parse(string, RegexParseOptions)"/>: the structure (alternation,
/// sequences, groups, quantifiers, anchors) lives here, atoms (escapes, classes, properties) in
/// <c>RegexSyntaxParser.Atoms.cs</c>. One instance parses one pattern.
/// </summary>
internal sealed partial class RegexSyntaxParser
{
    private const string RegularConstruct = "a regular construct";

    private readonly string _pattern;
    private RegexParseOptions _options;
    private int _pos;
    private int _depth;

    // Set once an atom or a top-level '|' has been read: global inline flags are refused after that.
    private bool _sawAtom;

    // Turns a set of code points into bytes: UTF-8 by default, or a caller's encoding (e.g. JSON string escapes).
    private readonly Func<CodepointSet, RegexNode> _lower;
    private readonly bool _customLowering;

    public RegexSyntaxParser(string pattern, RegexParseOptions options, Func<CodepointSet, RegexNode>? lowerCodepoints = null)
    {
        _pattern = pattern;
        _options = options;
        _lower = lowerCodepoints ?? RegexNode.Codepoints;
        _customLowering = lowerCodepoints is not null;
    }

    private bool Unanchored => (_options & RegexParseOptions.Unanchored) != 0;

    /// <summary>A parsed fragment and the offsets of the first <c>^</c> and <c>$</c> anchors inside it (-1 when none).</summary>
    private readonly record struct Fragment(RegexNode Node, int Caret, int Dollar);

    private bool IgnoreCase => (_options & RegexParseOptions.IgnoreCase) != 0;

    private bool AtEnd => _pos >= _pattern.Length;

    public RegexNode ParsePattern()
    {
        if (_pattern.Length > Limits.MaxPatternLength / 3)
        {
            int bytes = Encoding.UTF8.GetByteCount(_pattern);
            if (bytes > Limits.MaxPatternLength)
            {
                throw new GrammarLimitException(nameof(Limits.MaxPatternLength), Limits.MaxPatternLength, $"Regex pattern length ({bytes} UTF-8 bytes)");
            }
        }
        var result = ParseAlternation(atStart: true);
        if (!AtEnd)
        {
            // ParseAlternation stops only at the end or at a ')' that closes nothing.
            throw Error(RegexErrorKind.UnbalancedParenthesis, _pos, "')'", "'|', an atom or the end of the pattern (no group is open)");
        }
        return result.Node;
    }

    private Fragment ParseAlternation(bool atStart)
    {
        var branches = new List<RegexNode>();
        int caret = -1, dollar = -1;
        while (true)
        {
            var branch = ParseSequence(atStart);
            branches.Add(Unanchored && _depth == 0 ? Unanchor(branch) : branch.Node);
            caret = First(caret, branch.Caret);
            dollar = First(dollar, branch.Dollar);
            if (AtEnd || _pattern[_pos] != '|') break;
            _pos++;
            _sawAtom = true;
        }
        return new Fragment(branches.Count == 1 ? branches[0] : RegexNode.Alternate(branches), caret, dollar);
    }

    private Fragment ParseSequence(bool atStart)
    {
        var parts = new List<RegexNode>();
        bool atStartOfInput = atStart;
        int caret = -1, dollar = -1;
        while (true)
        {
            SkipIgnoredWhitespace();
            if (AtEnd || _pattern[_pos] is '|' or ')') break;
            int atomOffset = _pos;
            if (TryReadAnchor(out bool isCaret))
            {
                if (Unanchored && _depth > 0)
                {
                    throw Unsupported(atomOffset, "anchor inside a group of an unanchored (search) pattern",
                        "anchors only at the start or end of a top-level alternative");
                }
                if (isCaret)
                {
                    if (!atStartOfInput)
                    {
                        throw Unsupported(atomOffset, "anchor '^' after the start of the pattern",
                            "'^' only where nothing has been matched yet (full-match semantics make it a no-op there)");
                    }
                    caret = First(caret, atomOffset);
                }
                else
                {
                    dollar = First(dollar, atomOffset);
                }
                RejectQuantifier("an anchor");
                continue;
            }
            var atom = ParseAtom(atStartOfInput);
            if (atom is not { } fragment) continue;
            if (dollar >= 0) throw DollarNotAtEnd(dollar);
            _sawAtom = true;
            var node = fragment.Node;
            if (TryReadQuantifier(out int min, out int max))
            {
                if (max != 1)
                {
                    if (fragment.Caret >= 0) throw Unsupported(fragment.Caret, "anchor '^' inside a repeated group", "'^' only where nothing has been matched yet");
                    if (fragment.Dollar >= 0) throw DollarNotAtEnd(fragment.Dollar);
                }
                node = RegexNode.Repeat(node, min, max);
            }
            parts.Add(node);
            caret = First(caret, fragment.Caret);
            dollar = First(dollar, fragment.Dollar);
            atStartOfInput = false;
        }
        return new Fragment(RegexNode.Concat(parts), caret, dollar);
    }

    /// <summary>Reads one atom; null for constructs that match nothing themselves (inline flags, comments).</summary>
    private Fragment? ParseAtom(bool atStartOfInput)
    {
        char c = _pattern[_pos];
        switch (c)
        {
            case '(':
                return ParseGroup(atStartOfInput);
            case '[':
                return new Fragment(ParseClass(), -1, -1);
            case '.':
                _pos++;
                if (_customLowering)
                {
                    return new Fragment(_lower((_options & RegexParseOptions.DotAll) != 0 ? CodepointSet.Any : CodepointSet.Any.Except(CodepointSet.Single('\n'))), -1, -1);
                }
                return new Fragment((_options & RegexParseOptions.DotAll) != 0 ? s_anyCodepoint.Value : s_anyButNewline.Value, -1, -1);
            case '\\':
                return new Fragment(ParseEscapeAtom(), -1, -1);
            case '*' or '+' or '?':
                throw Error(RegexErrorKind.UnexpectedCharacter, _pos, $"quantifier '{c}'", "an atom before the quantifier (nothing to repeat)");
            case '{' when TryReadBraces(_pos, out _, out _, out _):
                throw Error(RegexErrorKind.UnexpectedCharacter, _pos, "quantifier '{'", "an atom before the quantifier (nothing to repeat)");
            default:
                return new Fragment(LiteralNode(ReadLiteralCodepoint()), -1, -1);
        }
    }

    // Search semantics for one top-level alternative: any text may come before it unless it starts
    // with '^', and after it unless it ends with '$' (anchors deeper inside were refused while parsing).
    private RegexNode Unanchor(Fragment branch)
    {
        var any = RegexNode.Star(_lower(CodepointSet.Any));
        var parts = new List<RegexNode>(3);
        if (branch.Caret < 0) parts.Add(any);
        parts.Add(branch.Node);
        if (branch.Dollar < 0) parts.Add(any);
        return RegexNode.Concat(parts);
    }

    private static readonly Lazy<RegexNode> s_anyCodepoint = new(() => RegexNode.Codepoints(CodepointSet.Any));
    private static readonly Lazy<RegexNode> s_anyButNewline = new(() => RegexNode.Codepoints(CodepointSet.Any.Except(CodepointSet.Single('\n'))));

    private bool TryReadAnchor(out bool isCaret)
    {
        char c = _pattern[_pos];
        isCaret = c == '^';
        if (c is '^' or '$')
        {
            _pos++;
            return true;
        }
        if (c == '\\' && _pos + 1 < _pattern.Length && _pattern[_pos + 1] is 'A' or 'z' or 'Z')
        {
            isCaret = _pattern[_pos + 1] == 'A';
            _pos += 2;
            return true;
        }
        return false;
    }

    private Fragment? ParseGroup(bool atStartOfInput)
    {
        int open = _pos;
        _pos++;
        if (AtEnd || _pattern[_pos] != '?') return ParseGroupBody(open, atStartOfInput);
        _pos++;
        if (AtEnd) throw Error(RegexErrorKind.UnexpectedEnd, open, "end of pattern after '(?'", "':', a group name or flags");
        char c = _pattern[_pos];
        switch (c)
        {
            case ':':
                _pos++;
                return ParseGroupBody(open, atStartOfInput);
            case '=':
                throw Unsupported(open, "lookahead '(?='", RegularConstruct + " (lookaround cannot be compiled to a finite automaton)");
            case '!':
                throw Unsupported(open, "negative lookahead '(?!'", RegularConstruct + " (lookaround cannot be compiled to a finite automaton)");
            case '>':
                throw Unsupported(open, "atomic group '(?>'", RegularConstruct + " (atomic groups change the language under backtracking)");
            case '(':
                throw Unsupported(open, "conditional '(?('", RegularConstruct + " (conditionals need backreferences or lookaround)");
            case '#':
                SkipComment(open);
                return null;
            case '<' when _pos + 1 < _pattern.Length && _pattern[_pos + 1] == '=':
                throw Unsupported(open, "lookbehind '(?<='", RegularConstruct + " (lookaround cannot be compiled to a finite automaton)");
            case '<' when _pos + 1 < _pattern.Length && _pattern[_pos + 1] == '!':
                throw Unsupported(open, "negative lookbehind '(?<!'", RegularConstruct + " (lookaround cannot be compiled to a finite automaton)");
            case '<':
                _pos++;
                ReadGroupName('>');
                return ParseGroupBody(open, atStartOfInput);
            case '\'':
                _pos++;
                ReadGroupName('\'');
                return ParseGroupBody(open, atStartOfInput);
            case 'P' when _pos + 1 < _pattern.Length && _pattern[_pos + 1] == '<':
                _pos += 2;
                ReadGroupName('>');
                return ParseGroupBody(open, atStartOfInput);
            case 'P' when _pos + 1 < _pattern.Length && _pattern[_pos + 1] == '=':
                throw Unsupported(open, "backreference '(?P='", RegularConstruct + " (backreferences are not regular)");
            case 'P' when _pos + 1 < _pattern.Length && _pattern[_pos + 1] == '>':
                throw Unsupported(open, "recursion '(?P>'", RegularConstruct + " (recursion is not regular)");
            case 'R' or (>= '0' and <= '9'):
                throw Unsupported(open, $"recursion '(?{c}'", RegularConstruct + " (recursion is not regular)");
            default:
                return ParseFlagGroup(open, atStartOfInput);
        }
    }

    private Fragment ParseGroupBody(int open, bool atStartOfInput)
    {
        _depth++;
        if (_depth > Limits.MaxSyntaxNesting)
        {
            throw new GrammarLimitException(nameof(Limits.MaxSyntaxNesting), Limits.MaxSyntaxNesting, $"Regex group nesting (group at offset {open})");
        }
        var inner = ParseAlternation(atStartOfInput);
        if (AtEnd)
        {
            throw Error(RegexErrorKind.UnbalancedParenthesis, open, "end of pattern", $"')' closing the group opened at offset {open}");
        }
        _pos++; // ')'
        _depth--;
        return inner;
    }

    // (?imsxu-imsxu) at the start, or (?imsxu-imsxu:...) anywhere. 'm' and 'u' are no-ops here.
    private Fragment? ParseFlagGroup(int open, bool atStartOfInput)
    {
        var on = RegexParseOptions.None;
        var off = RegexParseOptions.None;
        bool negative = false;
        while (true)
        {
            if (AtEnd) throw Error(RegexErrorKind.UnexpectedEnd, open, "end of pattern in inline flags", "')' or ':' ending the flags");
            char c = _pattern[_pos];
            RegexParseOptions flag;
            switch (c)
            {
                case 'i': flag = RegexParseOptions.IgnoreCase; break;
                case 's': flag = RegexParseOptions.DotAll; break;
                case 'x': flag = RegexParseOptions.IgnorePatternWhitespace; break;
                case 'm' or 'u': flag = RegexParseOptions.None; break;
                case '-' when !negative:
                    negative = true;
                    _pos++;
                    continue;
                case ':':
                {
                    _pos++;
                    var saved = _options;
                    _options = (_options | on) & ~off;
                    var body = ParseGroupBody(open, atStartOfInput);
                    _options = saved;
                    return body;
                }
                case ')':
                    if (_depth > 0 || _sawAtom)
                    {
                        throw Unsupported(open, "inline flags after the start of the pattern",
                            "flags at the very start of the pattern, or a scoped group such as '(?i:...)'");
                    }
                    _pos++;
                    _options = (_options | on) & ~off;
                    return null;
                default:
                    throw Error(RegexErrorKind.UnexpectedCharacter, _pos, $"{Describe(c)} after '(?'",
                        "':', '=', '!', '<', a group name, or flags i, m, s, x, u followed by ')' or ':'");
            }
            if (negative) off |= flag;
            else on |= flag;
            _pos++;
        }
    }

    private void ReadGroupName(char close)
    {
        int start = _pos;
        while (!AtEnd && (char.IsLetterOrDigit(_pattern[_pos]) || _pattern[_pos] == '_')) _pos++;
        if (AtEnd) throw Error(RegexErrorKind.UnexpectedEnd, start, "end of pattern in a group name", $"a name followed by '{close}'");
        if (_pos == start || char.IsDigit(_pattern[start]))
        {
            throw Error(RegexErrorKind.UnexpectedCharacter, start, Describe(_pattern[start]) + " starting a group name", "a letter or '_'");
        }
        if (_pattern[_pos] != close)
        {
            throw Error(RegexErrorKind.UnexpectedCharacter, _pos, Describe(_pattern[_pos]) + " in a group name", $"letters, digits, '_' or '{close}'");
        }
        _pos++;
    }

    private void SkipComment(int open)
    {
        int close = _pattern.IndexOf(')', _pos);
        if (close < 0) throw Error(RegexErrorKind.UnbalancedParenthesis, open, "end of pattern in a comment", $"')' closing the comment opened at offset {open}");
        _pos = close + 1;
    }

    // Quantifier after an atom: * + ? {n} {n,} {n,m}, optionally lazy ('?'); possessive ('+') is refused.
    private bool TryReadQuantifier(out int min, out int max)
    {
        SkipIgnoredWhitespace();
        min = max = 1;
        if (AtEnd) return false;
        switch (_pattern[_pos])
        {
            case '*': (min, max) = (0, RegexNode.Unbounded); _pos++; break;
            case '+': (min, max) = (1, RegexNode.Unbounded); _pos++; break;
            case '?': (min, max) = (0, 1); _pos++; break;
            case '{' when TryReadBraces(_pos, out min, out max, out int next): _pos = next; break;
            default: return false;
        }
        if (!AtEnd && _pattern[_pos] == '?')
        {
            _pos++; // lazy: the same language under full match
        }
        else if (!AtEnd && _pattern[_pos] == '+')
        {
            throw Unsupported(_pos, "possessive quantifier '+'", "a greedy or lazy quantifier (possessive quantifiers change the language)");
        }
        RejectQuantifier("a quantifier");
        return true;
    }

    private void RejectQuantifier(string after)
    {
        SkipIgnoredWhitespace();
        if (AtEnd) return;
        char c = _pattern[_pos];
        if (c is '*' or '+' or '?' || (c == '{' && TryReadBraces(_pos, out _, out _, out _)))
        {
            throw Error(RegexErrorKind.UnexpectedCharacter, _pos, $"quantifier '{c}' after {after}", "an atom before the quantifier (nothing to repeat)");
        }
    }

    /// <summary>
    /// Whether <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> starts at <paramref name="at"/>. Anything else
    /// is not a quantifier (the caller treats the brace as a literal, ECMAScript Annex B).
    /// </summary>
    /// <exception cref="RegexParseException">The braces are well formed but a bound overflows or they are reversed.</exception>
    private bool TryReadBraces(int at, out int min, out int max, out int next)
    {
        min = max = next = 0;
        int p = at + 1;
        int minStart = p;
        while (p < _pattern.Length && char.IsAsciiDigit(_pattern[p])) p++;
        if (p == minStart || p >= _pattern.Length) return false;
        int minEnd = p;
        int maxStart = -1, maxEnd = -1;
        if (_pattern[p] == ',')
        {
            p++;
            maxStart = p;
            while (p < _pattern.Length && char.IsAsciiDigit(_pattern[p])) p++;
            maxEnd = p;
            if (p >= _pattern.Length) return false;
        }
        if (_pattern[p] != '}') return false;
        next = p + 1;
        min = ParseBound(at, minStart, minEnd);
        max = maxStart < 0 ? min : maxStart == maxEnd ? RegexNode.Unbounded : ParseBound(at, maxStart, maxEnd);
        if (max != RegexNode.Unbounded && max < min)
        {
            throw Error(RegexErrorKind.InvalidRepeat, at, $"reversed bounds {_pattern[at..next]}", "{n,m} with n <= m");
        }
        return true;
    }

    private int ParseBound(int braceOffset, int start, int end)
    {
        if (!int.TryParse(_pattern.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value == int.MaxValue)
        {
            throw Error(RegexErrorKind.InvalidRepeat, braceOffset, $"repeat bound {_pattern[start..end]}", $"a bound below {int.MaxValue}");
        }
        return value;
    }

    private void SkipIgnoredWhitespace()
    {
        if ((_options & RegexParseOptions.IgnorePatternWhitespace) == 0) return;
        while (!AtEnd)
        {
            char c = _pattern[_pos];
            if (char.IsWhiteSpace(c))
            {
                _pos++;
            }
            else if (c == '#')
            {
                int nl = _pattern.IndexOf('\n', _pos);
                _pos = nl < 0 ? _pattern.Length : nl + 1;
            }
            else
            {
                break;
            }
        }
    }

    private static int First(int current, int candidate) => current >= 0 ? current : candidate;

    private RegexParseException DollarNotAtEnd(int offset) =>
        Unsupported(offset, "anchor '$' before the end of the pattern", "'$' only where nothing can follow (full-match semantics make it a no-op there)");

    private RegexParseException Unsupported(int offset, string feature, string expected) =>
        Error(RegexErrorKind.UnsupportedFeature, offset, feature, expected);

    private RegexParseException Error(RegexErrorKind kind, int offset, string unexpected, string expected) =>
        new(kind, _pattern, offset, unexpected, expected);

    private static string Describe(int cp)
    {
        bool printable = cp > 0x20 && cp != 0x7F && (cp < 0x80 || Rune.IsValid(cp) && !Rune.IsControl(new Rune(cp)) && !Rune.IsWhiteSpace(new Rune(cp)));
        return printable ? "'" + char.ConvertFromUtf32(cp) + "'" : "U+" + cp.ToString("X4", CultureInfo.InvariantCulture);
    }
}
