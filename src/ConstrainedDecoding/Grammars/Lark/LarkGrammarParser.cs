using System.Globalization;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Grammars.Lark;

/// <summary>
/// Parses Lark-style EBNF: lowercase rules and UPPERCASE terminals (<c>name.priority: a b | c</c>, with
/// the <c>?</c>/<c>!</c> rule prefixes and <c>-&gt; alias</c> accepted and ignored), strings with the
/// <c>i</c> flag, <c>/regex/flags</c>, <c>"a".."z"</c> ranges, groups, <c>[optional]</c>, <c>? * +</c>,
/// <c>~ n</c> and <c>~ n..m</c>, alternatives continued on lines starting with <c>|</c>, <c>//</c> and
/// <c>#</c> comments, <c>%ignore</c>, and <c>%import common…</c> from <see cref="LarkCommonLibrary"/>.
/// </summary>
/// <remarks>
/// Inline strings and regexes in rules become anonymous terminals named by their source text. When the
/// grammar ignores nothing, repeats of regular items are folded into one terminal
/// (<see cref="RepeatFolding"/>); with <c>%ignore</c> they stay rule-level repeats, because ignored
/// text may then appear between the repeated terminals.
/// </remarks>
internal sealed class LarkGrammarParser
{
    private const string ItemExpected = "a rule name, terminal name, string, regex, '(' or '['";
    private const string ContinuationExpected = ItemExpected + ", '|' or end of line";

    private readonly LarkLexer _lex;
    private readonly List<Definition> _definitions = [];
    private readonly List<(GrammarExpression Expr, SourcePosition Position)> _ignores = [];
    private readonly Dictionary<string, string> _imports = new(StringComparer.Ordinal);
    private int _depth;

    private LarkGrammarParser(string text) => _lex = new LarkLexer(text);

    private sealed record Definition(bool IsTerminal, string Name, GrammarExpression Expr, SourcePosition Position, int Priority);

    /// <summary>Parses <paramref name="text"/> and builds the grammar starting at <paramref name="start"/>.</summary>
    /// <exception cref="GrammarSyntaxException">Malformed text.</exception>
    /// <exception cref="GrammarDefinitionException">Undefined rule or terminal, missing start rule, or empty language.</exception>
    /// <exception cref="GrammarLimitException">Nesting or size beyond <see cref="Limits"/>.</exception>
    public static Grammar Parse(string text, string start)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(start);
        var p = new LarkGrammarParser(text);
        p.ParseStatements();
        return p.Build(start);
    }

    private Grammar Build(string start)
    {
        bool fold = _ignores.Count == 0;
        var builder = new GrammarBuilder();
        foreach (var d in _definitions)
        {
            var expr = fold ? RepeatFolding.Fold(d.Expr) : d.Expr;
            if (d.IsTerminal) builder.DefineTerminal(d.Name, expr, d.Position, d.Priority);
            else builder.DefineRule(d.Name, expr, d.Position);
        }
        int anonymous = 0;
        foreach (var (expr, pos) in _ignores)
        {
            if (expr is TerminalReferenceExpression t)
            {
                builder.Ignore(t.Name, t.Position);
                continue;
            }
            string name = "__IGNORE_" + anonymous++.ToString(CultureInfo.InvariantCulture);
            builder.DefineTerminal(name, expr, pos);
            builder.Ignore(name, pos);
        }
        return builder.Build(start);
    }

    // ---- statements ----

    private void ParseStatements()
    {
        while (true)
        {
            var t = _lex.Peek();
            if (t.Kind == LarkTokenKind.Newline)
            {
                _lex.Next();
                continue;
            }
            if (t.Kind == LarkTokenKind.End) return;
            switch (t.Kind)
            {
                case LarkTokenKind.Directive:
                    ParseDirective();
                    break;
                case LarkTokenKind.Bang or LarkTokenKind.Question or LarkTokenKind.RuleName:
                    while (_lex.Peek().Kind is LarkTokenKind.Bang or LarkTokenKind.Question) _lex.Next();
                    if (_lex.Peek().Kind != LarkTokenKind.RuleName)
                    {
                        throw Unexpected(_lex.Peek(), "a rule name (lowercase) after the '?' or '!' prefix");
                    }
                    ParseDefinition(isTerminal: false);
                    break;
                case LarkTokenKind.TerminalName:
                    ParseDefinition(isTerminal: true);
                    break;
                default:
                    throw Unexpected(t, "a rule definition (name: ...), a terminal definition (NAME: ...) or a directive (%import, %ignore)");
            }
        }
    }

    private void ParseDefinition(bool isTerminal)
    {
        var name = _lex.Next();
        int priority = 0;
        if (_lex.Peek().Kind == LarkTokenKind.Dot)
        {
            _lex.Next();
            var number = _lex.Next();
            if (number.Kind != LarkTokenKind.Number || !int.TryParse(number.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
            {
                throw Unexpected(number, "a priority number after '.'");
            }
        }
        var colon = _lex.Peek();
        if (colon.Kind == LarkTokenKind.LBrace)
        {
            throw Unexpected(colon, "':' (rule templates are not supported)");
        }
        if (colon.Kind != LarkTokenKind.Colon)
        {
            throw Unexpected(colon, name.Kind == LarkTokenKind.RuleName && !isTerminal && priority == 0 ? "':' after the rule name" : "':'");
        }
        _lex.Next();
        var body = ParseExpansions();
        ExpectEndOfLine(ContinuationExpected);
        _definitions.Add(new Definition(isTerminal, name.Value, body, name.Position, priority));
    }

    private void ParseDirective()
    {
        var d = _lex.Next();
        switch (d.Value)
        {
            case "ignore":
                {
                    var at = _lex.Peek();
                    var expr = ParseExpansions();
                    if (expr is EmptyExpression)
                    {
                        throw Unexpected(_lex.Peek(), "a terminal name, string or regex to ignore");
                    }
                    ExpectEndOfLine(ContinuationExpected);
                    _ignores.Add((expr, at.Position));
                    break;
                }
            case "import":
                ParseImport();
                break;
            default:
                throw new GrammarSyntaxException(GrammarErrorKind.UnknownDirective, d.Position, $"directive \"{d.Text}\"", "%import or %ignore");
        }
    }

    // %import common.NAME [-> ALIAS]  |  %import common (NAME, NAME, ...)
    private void ParseImport()
    {
        var path = new List<LarkToken>();
        var first = _lex.Next();
        if (first.Kind is not (LarkTokenKind.RuleName or LarkTokenKind.TerminalName))
        {
            throw new GrammarSyntaxException(first.Kind == LarkTokenKind.Dot ? GrammarErrorKind.UnknownDirective : GrammarErrorKind.UnexpectedToken,
                first.Position, first.Kind == LarkTokenKind.Dot ? "relative import" : first.Describe(), "the module name 'common'");
        }
        path.Add(first);
        while (_lex.Peek().Kind == LarkTokenKind.Dot)
        {
            _lex.Next();
            var segment = _lex.Next();
            if (segment.Kind is not (LarkTokenKind.RuleName or LarkTokenKind.TerminalName))
            {
                throw Unexpected(segment, "a name after '.'");
            }
            path.Add(segment);
        }

        var names = new List<(LarkToken Name, LarkToken Alias)>();
        if (_lex.Peek().Kind == LarkTokenKind.LParen)
        {
            _lex.Next();
            while (true)
            {
                var n = _lex.Next();
                if (n.Kind is not (LarkTokenKind.RuleName or LarkTokenKind.TerminalName))
                {
                    throw Unexpected(n, "a name to import");
                }
                names.Add((n, n));
                var sep = _lex.Next();
                if (sep.Kind == LarkTokenKind.RParen) break;
                if (sep.Kind != LarkTokenKind.Comma) throw Unexpected(sep, "',' or ')'");
            }
        }
        else
        {
            if (path.Count < 2)
            {
                throw Unexpected(_lex.Peek(), "'.NAME' or '(NAME, ...)' after the module name");
            }
            var name = path[^1];
            path.RemoveAt(path.Count - 1);
            var alias = name;
            if (_lex.Peek().Kind == LarkTokenKind.Arrow)
            {
                _lex.Next();
                alias = _lex.Next();
                if (alias.Kind != LarkTokenKind.TerminalName)
                {
                    throw Unexpected(alias, "a terminal name (UPPERCASE) to import as");
                }
            }
            names.Add((name, alias));
        }
        ExpectEndOfLine("end of line after the import");

        if (path.Count != 1 || path[0].Value != "common")
        {
            throw new GrammarSyntaxException(GrammarErrorKind.UnknownDirective, path[0].Position,
                $"module \"{string.Join(".", path.Select(p => p.Value))}\"", "the built-in module 'common'");
        }
        foreach (var (name, alias) in names)
        {
            if (!LarkCommonLibrary.TryGet(name.Value, out var pattern))
            {
                throw new GrammarSyntaxException(GrammarErrorKind.UnknownDirective, name.Position, $"name \"{name.Value}\" in module common",
                    "one of " + string.Join(", ", LarkCommonLibrary.Names));
            }
            if (_imports.TryGetValue(alias.Value, out var previous) && previous == name.Value) continue;
            _imports[alias.Value] = name.Value;
            _definitions.Add(new Definition(true, alias.Value, GrammarExpression.Pattern(pattern, alias.Value), alias.Position, 0));
        }
    }

    // ---- expressions ----

    // Inside parentheses and brackets line breaks are insignificant.
    private LarkToken Peek()
    {
        if (_depth > 0)
        {
            while (_lex.Peek().Kind == LarkTokenKind.Newline) _lex.Next();
        }
        return _lex.Peek();
    }

    private LarkToken Next()
    {
        var t = Peek();
        _lex.Next();
        return t;
    }

    private GrammarExpression ParseExpansions()
    {
        var alternatives = new List<GrammarExpression> { ParseAlias() };
        while (true)
        {
            if (Peek().Kind == LarkTokenKind.Pipe)
            {
                Next();
            }
            else if (_lex.Peek().Kind == LarkTokenKind.Newline && _lex.Peek(1).Kind == LarkTokenKind.Pipe)
            {
                // An alternative continued on the next line: "\n    | more".
                _lex.Next();
                _lex.Next();
            }
            else
            {
                break;
            }
            alternatives.Add(ParseAlias());
        }
        return GrammarExpression.Choice(alternatives);
    }

    private GrammarExpression ParseAlias()
    {
        var items = new List<GrammarExpression>();
        while (Peek().Kind is LarkTokenKind.RuleName or LarkTokenKind.TerminalName or LarkTokenKind.String
               or LarkTokenKind.Regex or LarkTokenKind.LParen or LarkTokenKind.LBracket)
        {
            items.Add(ParseItem());
        }
        if (Peek().Kind == LarkTokenKind.Arrow)
        {
            // "-> alias" names the tree node in Lark; it does not change the language.
            Next();
            var alias = Next();
            if (alias.Kind != LarkTokenKind.RuleName) throw Unexpected(alias, "an alias name (lowercase) after '->'");
        }
        return GrammarExpression.Sequence(items);
    }

    private GrammarExpression ParseItem()
    {
        var atom = ParseAtom();
        var op = Peek();
        GrammarExpression result;
        switch (op.Kind)
        {
            case LarkTokenKind.Question:
                Next();
                result = GrammarExpression.Repeat(atom, 0, 1);
                break;
            case LarkTokenKind.Star:
                Next();
                result = GrammarExpression.Repeat(atom, 0, RegexNode.Unbounded);
                break;
            case LarkTokenKind.Plus:
                Next();
                result = GrammarExpression.Repeat(atom, 1, RegexNode.Unbounded);
                break;
            case LarkTokenKind.Tilde:
                {
                    Next();
                    int min = ReadCount();
                    int max = min;
                    if (Peek().Kind == LarkTokenKind.DotDot)
                    {
                        Next();
                        max = ReadCount();
                    }
                    if (max < min)
                    {
                        throw new GrammarSyntaxException(GrammarErrorKind.InvalidRepeat, op.Position,
                            $"repeat ~ {min}..{max}", "a maximum at least the minimum");
                    }
                    result = GrammarExpression.Repeat(atom, min, max);
                    break;
                }
            default:
                return atom;
        }
        if (Peek().Kind is LarkTokenKind.Question or LarkTokenKind.Star or LarkTokenKind.Plus or LarkTokenKind.Tilde)
        {
            throw new GrammarSyntaxException(GrammarErrorKind.InvalidRepeat, Peek().Position, Peek().Describe(),
                ContinuationExpected + " (one operator per item; use parentheses to repeat a repeat)");
        }
        return result;
    }

    private int ReadCount()
    {
        var t = Next();
        if (t.Kind != LarkTokenKind.Number)
        {
            throw Unexpected(t, "a repeat count");
        }
        if (!int.TryParse(t.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || n < 0)
        {
            throw new GrammarSyntaxException(GrammarErrorKind.InvalidRepeat, t.Position, t.Describe(),
                "a repeat count from 0 to " + int.MaxValue.ToString(CultureInfo.InvariantCulture));
        }
        return n;
    }

    private GrammarExpression ParseAtom()
    {
        var t = Next();
        switch (t.Kind)
        {
            case LarkTokenKind.LParen or LarkTokenKind.LBracket:
                {
                    if (++_depth > Limits.MaxSyntaxNesting)
                    {
                        throw new GrammarLimitException(nameof(Limits.MaxSyntaxNesting), Limits.MaxSyntaxNesting, $"Group nesting at {t.Position}");
                    }
                    var inner = ParseExpansions();
                    var closeKind = t.Kind == LarkTokenKind.LParen ? LarkTokenKind.RParen : LarkTokenKind.RBracket;
                    var close = Peek();
                    if (close.Kind != closeKind)
                    {
                        string closer = closeKind == LarkTokenKind.RParen ? "')'" : "']'";
                        throw Unexpected(close, $"{closer} to close the group opened at {t.Position}, or {ItemExpected} or '|'");
                    }
                    Next();
                    _depth--;
                    return t.Kind == LarkTokenKind.LBracket ? GrammarExpression.Repeat(inner, 0, 1) : inner;
                }
            case LarkTokenKind.String:
                if (Peek().Kind == LarkTokenKind.DotDot)
                {
                    Next();
                    var hi = Next();
                    if (hi.Kind != LarkTokenKind.String) throw Unexpected(hi, "a one-character string after '..'");
                    int lo = SingleCodepoint(t), high = SingleCodepoint(hi);
                    if (high < lo)
                    {
                        throw new GrammarSyntaxException(GrammarErrorKind.UnexpectedToken, t.Position,
                            $"reversed range {t.Text}..{hi.Text}", "a range whose end is not below its start");
                    }
                    return GrammarExpression.Pattern(RegexNode.Codepoints(CodepointSet.Range(lo, high)), t.Text + ".." + hi.Text);
                }
                return GrammarExpression.Pattern(
                    t.Flags.Contains('i', StringComparison.Ordinal) ? RegexNode.LiteralIgnoreCase(t.Value) : RegexNode.Literal(t.Value), t.Text);
            case LarkTokenKind.Regex:
                return GrammarExpression.Pattern(ParseRegex(t), t.Text);
            case LarkTokenKind.RuleName:
                if (Peek().Kind == LarkTokenKind.LBrace)
                {
                    throw Unexpected(Peek(), ContinuationExpected + " (rule templates are not supported)");
                }
                return GrammarExpression.RuleReference(t.Value, t.Position);
            case LarkTokenKind.TerminalName:
                return GrammarExpression.TerminalReference(t.Value, t.Position);
            default:
                throw Unexpected(t, ItemExpected);
        }
    }

    private static int SingleCodepoint(LarkToken t)
    {
        var runes = t.Value.EnumerateRunes().ToList();
        if (runes.Count != 1)
        {
            throw new GrammarSyntaxException(GrammarErrorKind.UnexpectedToken, t.Position, t.Describe(), "a one-character string in a range \"a\"..\"z\"");
        }
        return runes[0].Value;
    }

    private static RegexNode ParseRegex(LarkToken t)
    {
        var options = RegexParseOptions.None;
        if (t.Flags.Contains('i', StringComparison.Ordinal)) options |= RegexParseOptions.IgnoreCase;
        if (t.Flags.Contains('s', StringComparison.Ordinal)) options |= RegexParseOptions.DotAll;
        if (t.Flags.Contains('x', StringComparison.Ordinal)) options |= RegexParseOptions.IgnorePatternWhitespace;
        try
        {
            return RegexParser.Parse(t.Value, options);
        }
        catch (RegexParseException ex)
        {
            var pos = new SourcePosition(t.Position.Line, t.Position.Column + 1 + SourceIndex(t.Text, ex.Offset));
            throw new GrammarSyntaxException(GrammarErrorKind.InvalidRegex, pos, ex.Unexpected, ex.Expected + " in regex " + t.Text, ex);
        }
    }

    // Maps an offset in the unescaped pattern to an offset in the source between the slashes ("\/" was unescaped to "/").
    private static int SourceIndex(string source, int patternOffset)
    {
        int i = 1, j = 0;
        while (j < patternOffset && i < source.Length - 1)
        {
            if (source[i] == '\\' && source[i + 1] == '/') { i += 2; j += 1; }
            else if (source[i] == '\\') { i += 2; j += 2; }
            else { i++; j++; }
        }
        return i - 1;
    }

    private void ExpectEndOfLine(string expected)
    {
        var t = _lex.Peek();
        if (t.Kind is not (LarkTokenKind.Newline or LarkTokenKind.End)) throw Unexpected(t, expected);
    }

    private static GrammarSyntaxException Unexpected(LarkToken t, string expected) =>
        new(t.Kind == LarkTokenKind.End ? GrammarErrorKind.UnexpectedEnd : GrammarErrorKind.UnexpectedToken, t.Position, t.Describe(), expected);
}
