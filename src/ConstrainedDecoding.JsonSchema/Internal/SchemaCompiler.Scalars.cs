using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;
using DotNetRegex = System.Text.RegularExpressions.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Emission of values from merged facts: enums, null, booleans, strings and numbers.
internal sealed partial class SchemaCompiler
{
    /// <summary>Largest maxLength (or minLength) compiled into a string terminal (bounded repeats this long are built lazily, as derivatives).</summary>
    internal const int MaxStringLengthBound = 10_000_000;

    private static readonly DotNetRegex s_simpleRepeat = new(
        @"^\^?(?<atom>\[(?:[^\]\\]|\\.)+\]|\\[dwsDWS]|\.)(?<q>\*|\+|\{(?<min>\d+)(?<comma>,(?<max>\d*))?\})\$?$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private GrammarExpression? Emit(List<Part> flat)
    {
        var facts = Merge(flat);
        if (facts is null || facts.Types == JsonTypes.None) return null;
        var at = flat.Count > 0 ? flat[0].At : _registry.Root;
        if (facts.Values is not null) return EmitValues(facts.Values, at, flat);
        var choices = new List<GrammarExpression>();
        var types = facts.Types;
        foreach (var ex in facts.ExcludedValues)
        {
            var t = JsonValues.TypeOf(ex);
            if (t is JsonTypes.Null or JsonTypes.Boolean or JsonTypes.String or JsonTypes.Integer or JsonTypes.NonInteger || (types & t) == 0) continue;
            Refuse("not", at, "excluding an object, array or number value is not supported");
        }
        bool Excluded(string literal) => facts.ExcludedValues.Any(e => e.ValueKind is JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False && e.GetRawText() == literal);
        if ((types & JsonTypes.Null) != 0 && !Excluded("null")) choices.Add(JsonTokens.Pattern(RegexNode.Literal("null"), "null"));
        if ((types & JsonTypes.Boolean) != 0)
        {
            var bools = new[] { "true", "false" }.Where(b => !Excluded(b)).Select(RegexNode.Literal).ToList();
            if (bools.Count > 0) choices.Add(JsonTokens.Pattern(RegexNode.Alternate(bools), "boolean"));
        }
        if ((types & JsonTypes.String) != 0)
        {
            var content = StringContent(facts, at);
            if (content is not null) choices.Add(JsonTokens.Pattern(JsonStringRegex.Quoted(content), "string"));
        }
        if ((types & JsonTypes.Number) != 0)
        {
            var number = NumberPattern(facts, types, at);
            if (number is not null) choices.Add(JsonTokens.Pattern(number, "number"));
        }
        if ((types & JsonTypes.Object) != 0)
        {
            var obj = ObjectValue(facts, at);
            if (obj is not null) choices.Add(obj);
        }
        if ((types & JsonTypes.Array) != 0)
        {
            var arr = ArrayValue(facts, at);
            if (arr is not null) choices.Add(arr);
        }
        return choices.Count == 0 ? null : GrammarExpression.Choice(choices);
    }

    // Regex over the encoded content (no quotes) of the strings the facts allow; null when none.
    private RegexNode? StringContent(SchemaFacts facts, Located at)
    {
        int min = facts.MinLength, max = facts.MaxLength;
        if (max >= 0 && min > max) return null;
        // A maximum above the bound is lowered to it: a sound subset (longer strings are rejected, never accepted).
        if (max > MaxStringLengthBound && min <= MaxStringLengthBound) max = MaxStringLengthBound;
        if (min > MaxStringLengthBound || max > MaxStringLengthBound)
        {
            Refuse(max > MaxStringLengthBound ? "maxLength" : "minLength", at, $"string length bounds above {MaxStringLengthBound} are not supported");
            if (min > MaxStringLengthBound) min = 0;
            if (max > MaxStringLengthBound) max = -1;
        }
        int maxOrUnbounded = max < 0 ? RegexNode.Unbounded : max;
        var regular = new List<(string Keyword, string Source, Located At, bool IsFormat)>();
        foreach (var (p, pat) in facts.Patterns)
        {
            if (!regular.Any(r => !r.IsFormat && r.Source == p)) regular.Add(("pattern", p, pat, false));
        }
        foreach (var (f, fat) in facts.Formats)
        {
            if (StringFormats.TryGetPattern(f, out var fp))
            {
                if (!regular.Any(r => r.IsFormat && r.Source == fp)) regular.Add(("format", fp, fat, true));
            }
            else if (StringFormats.IsRefused(f))
            {
                Refuse("format", fat, $"format '{f}' is not enforced by this compiler");
            }
        }
        var excluded = facts.ExcludedValues.Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
        if (regular.Count == 0 && facts.NegatedPatterns.Count == 0)
        {
            if (excluded.Count > 0 && min == 0 && max < 0) return JsonStringRegex.AnyExcept(excluded);
            if (excluded.Count == 0) return JsonStringRegex.Repeat(CodepointSet.Any, min, maxOrUnbounded);
        }
        // Several constraints: intersect their languages (the length bound as a plain repeat when it is the only one).
        RegexNode? content = null;
        (string Keyword, string Source, Located At, bool IsFormat) last = regular.Count > 0 ? regular[^1] : ("minLength", "", at, false);
        try
        {
            foreach (var (keyword, source, where, isFormat) in regular)
            {
                RegexNode node;
                if (regular.Count == 1 && facts.NegatedPatterns.Count == 0 && !isFormat && (min > 0 || max >= 0) && SimpleRepeat(source, min, maxOrUnbounded) is { } simple)
                {
                    return excluded.Count == 0 ? simple : RegexAlgebra.Intersect(simple, JsonStringRegex.AnyExcept(excluded));
                }
                last = (keyword, source, where, isFormat);
                node = ParsePattern(source, keyword, where, anchored: isFormat);
                content = content is null ? node : RegexAlgebra.Intersect(content, node);
            }
            if (min > 0 || max >= 0)
            {
                bool implied = regular.Count == 1 && regular[0].IsFormat && FormatLengthWithin(facts, regular[0].Source, min, max);
                if (!implied)
                {
                    var length = JsonStringRegex.Repeat(CodepointSet.Any, min, maxOrUnbounded);
                    content = content is null ? length : RegexAlgebra.Intersect(content, length);
                }
            }
            if (excluded.Count > 0) content = RegexAlgebra.Intersect(content ?? JsonStringRegex.AnyContent, JsonStringRegex.AnyExcept(excluded));
            foreach (var (source, where, isFormat) in facts.NegatedPatterns)
            {
                last = (isFormat ? "format" : "pattern", source, where, isFormat);
                content = RegexAlgebra.Difference(content ?? JsonStringRegex.AnyContent, ParsePattern(source, last.Keyword, where, anchored: isFormat));
            }
        }
        catch (GrammarLimitException e)
        {
            Refuse(last.Keyword, last.At, "the string constraints are too large to intersect: " + e.Message);
            return content ?? JsonStringRegex.AnyContent;
        }
        return content is null || RegexAlgebra.IsEmpty(content) ? null : content;
    }

    // Whether every string of a format already has a length within [min, max].
    private static bool FormatLengthWithin(SchemaFacts facts, string source, int min, int max)
    {
        string fname = facts.Formats.First(f => StringFormats.TryGetPattern(f.Format, out var s) && s == source).Format;
        return StringFormats.TryGetLength(fname, out var len) && len.Min >= min && (max < 0 || len.Max <= max);
    }

    private RegexNode ParsePattern(string source, string keyword, Located at, bool anchored)
    {
        try
        {
            return RegexParser.Parse(source, anchored ? RegexParseOptions.None : RegexParseOptions.Unanchored, JsonStringRegex.Char);
        }
        catch (Exception e) when (e is RegexParseException or GrammarLimitException)
        {
            Refuse(keyword, at, "the pattern cannot be compiled exactly: " + e.Message);
            return JsonStringRegex.AnyContent;
        }
    }

    // ^[class]{a,b}$ (or * + or one char) intersected with a length range: still a class repeat.
    private RegexNode? SimpleRepeat(string pattern, int min, int max)
    {
        var m = s_simpleRepeat.Match(pattern);
        if (!m.Success || !pattern.StartsWith('^') || !pattern.EndsWith('$') || pattern.EndsWith("\\$", StringComparison.Ordinal)) return null;
        CodepointSet? set = null;
        try
        {
            RegexParser.Parse(m.Groups["atom"].Value, RegexParseOptions.None, s =>
            {
                set = s;
                return RegexNode.Codepoints(s);
            });
        }
        catch (RegexParseException)
        {
            return null;
        }
        if (set is null) return null;
        string q = m.Groups["q"].Value;
        int a, b;
        if (q == "*") (a, b) = (0, RegexNode.Unbounded);
        else if (q == "+") (a, b) = (1, RegexNode.Unbounded);
        else
        {
            if (!int.TryParse(m.Groups["min"].Value, out a)) return null;
            if (!m.Groups["comma"].Success) b = a;
            else if (m.Groups["max"].Value.Length == 0) b = RegexNode.Unbounded;
            else if (!int.TryParse(m.Groups["max"].Value, out b)) return null;
        }
        int lo = Math.Max(a, min);
        int hi = b == RegexNode.Unbounded ? max : max == RegexNode.Unbounded ? b : Math.Min(b, max);
        if (hi != RegexNode.Unbounded && lo > hi) return RegexNode.Nothing;
        if (lo > MaxStringLengthBound || hi > MaxStringLengthBound) return null;
        return JsonStringRegex.Repeat(set, lo, hi);
    }

    // The number terminal; excluded values (not/const) are subtracted from its plain spellings, whose value-equal
    // spellings the literal regexes cover exactly (exponent forms are dropped: a sound subset).
    private RegexNode? NumberPattern(SchemaFacts facts, JsonTypes types, Located at)
    {
        var number = NumberPatternCore(facts, types, at);
        if (number is not null && facts.MultipleOf.Count > 0) number = MultipleOfPattern(facts, types, number);
        var excluded = facts.ExcludedValues.Where(e => e.ValueKind == JsonValueKind.Number).ToList();
        if (number is null || excluded.Count == 0) return number;
        if (excluded.Any(e => !JsonDecimal.TryParse(e.GetRawText(), out _)))
        {
            Refuse("not", at, "excluding a number outside the supported range");
            return number;
        }
        try
        {
            var result = RegexAlgebra.Difference(RegexAlgebra.Intersect(number, NumberRegex.AnyPlainNumber), RegexNode.Alternate(excluded.Select(ScalarLiteral)));
            return RegexAlgebra.IsEmpty(result) ? null : result;
        }
        catch (GrammarLimitException e)
        {
            Refuse("not", at, "the excluded numbers are too many to subtract: " + e.Message);
            return number;
        }
    }

    // multipleOf: intersected with the plain spellings of the multiples (a divisibility automaton; exponent forms are
    // dropped, a sound subset). Integer divisors of integer-only numbers keep every integer spelling.
    private RegexNode? MultipleOfPattern(SchemaFacts facts, JsonTypes types, RegexNode number)
    {
        bool integerOnly = (types & JsonTypes.NonInteger) == 0;
        foreach (var (d, dat) in facts.MultipleOf)
        {
            if (d.Sign <= 0) throw Malformed("multipleOf", dat, "a number greater than 0");
            if (integerOnly && d.IsInteger && d.CompareTo(JsonDecimal.FromInteger(1)) == 0) continue;
            var multiples = NumberRegex.MultipleOf(d);
            if (multiples is null)
            {
                Refuse("multipleOf", dat, $"multipleOf {d} needs too many remainder states (at most {NumberRegex.MaxMultipleOfStates})");
                continue;
            }
            try
            {
                number = RegexAlgebra.Intersect(number, multiples);
            }
            catch (GrammarLimitException e)
            {
                Refuse("multipleOf", dat, "multipleOf next to these bounds is too large to combine: " + e.Message);
                continue;
            }
            if (RegexAlgebra.IsEmpty(number)) return null;
        }
        return number;
    }

    private RegexNode? NumberPatternCore(SchemaFacts facts, JsonTypes types, Located at)
    {
        bool integerOnly = (types & JsonTypes.NonInteger) == 0;
        var lo = facts.Minimum;
        var hi = facts.Maximum;
        if (integerOnly)
        {
            System.Numerics.BigInteger? ilo = lo is { } l ? (l.Inclusive ? l.Value.Ceiling() : l.Value.Floor() + 1) : null;
            System.Numerics.BigInteger? ihi = hi is { } h ? (h.Inclusive ? h.Value.Floor() : h.Value.Ceiling() - 1) : null;
            if (ilo is not null && ihi is not null && ilo > ihi) return null;
            return NumberRegex.IntegerRange(ilo, ihi, allowZeroFraction: AtLeast(JsonSchemaDraft.Draft6));
        }
        if ((types & JsonTypes.Integer) == 0)
        {
            // Integers excluded (e.g. by not: {type: integer}): plain decimals with a non-zero fraction digit.
            if (lo is null && hi is null) return NumberRegex.NonIntegerDecimal;
            var bounded = NumberRegex.DecimalRange(lo, hi);
            if (bounded is null)
            {
                Refuse("not", at, "these numeric bounds on non-integer numbers are not supported");
                return NumberRegex.NonIntegerDecimal;
            }
            var nonInteger = RegexAlgebra.Intersect(bounded, NumberRegex.NonIntegerDecimal);
            return RegexAlgebra.IsEmpty(nonInteger) ? null : nonInteger;
        }
        if (lo is null && hi is null) return NumberRegex.AnyNumber;
        var range = NumberRegex.DecimalRange(lo, hi);
        if (range is null)
        {
            Refuse("minimum", at, "both numeric bounds fall inside one unit interval; not supported");
            return NumberRegex.AnyNumber;
        }
        // Exponent forms are kept where the bound is a sign (minimum: 0 and the like); elsewhere plain decimals only.
        return NumberRegex.ExponentFormsBeyondZero(lo, hi) is { } exponents ? RegexNode.Alternate(range, exponents) : range;
    }

    // enum / const: the allowed values that pass the other constraints.
    private GrammarExpression? EmitValues(List<JsonElement> values, Located at, List<Part> flat)
    {
        var choices = new List<GrammarExpression>();
        var scalars = new List<RegexNode>();
        var kept = new List<JsonElement>();
        foreach (var v in values)
        {
            if (kept.Any(k => JsonValues.Equal(k, v)) || !SatisfiesAll(flat, v)) continue;
            kept.Add(v);
            if (v.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                var structured = LiteralValue(v, at, 0);
                if (structured is not null) choices.Add(structured);
            }
            else
            {
                scalars.Add(ScalarLiteral(v));
            }
        }
        if (scalars.Count > 0) choices.Insert(0, JsonTokens.Pattern(RegexNode.Alternate(scalars), "enum"));
        return choices.Count == 0 ? null : GrammarExpression.Choice(choices);
    }

    private RegexNode ScalarLiteral(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                return JsonStringRegex.Quoted(JsonStringRegex.Literal(v.GetString()!));
            case JsonValueKind.Number:
                if (JsonDecimal.TryParse(v.GetRawText(), out var d))
                {
                    if (d.IsInteger)
                    {
                        var n = d.Floor();
                        return NumberRegex.IntegerRange(n, n, allowZeroFraction: true);
                    }
                    var b = new NumberBound(d, true);
                    return NumberRegex.DecimalRange(b, b) ?? RegexNode.Literal(v.GetRawText());
                }
                return RegexNode.Literal(v.GetRawText());
            default:
                return RegexNode.Literal(v.GetRawText());
        }
    }

    // Objects and arrays inside enum/const: keys in the listed order, any allowed whitespace.
    private GrammarExpression? LiteralValue(JsonElement v, Located at, int depth)
    {
        if (depth > Limits.MaxSyntaxNesting) throw new UnsupportedSchemaException("enum", _registry.Display(at), "value nested too deeply");
        if (v.ValueKind == JsonValueKind.Object)
        {
            var props = v.EnumerateObject().ToList();
            if (props.Count == 0) return _tokens.EmptyObject;
            var items = new List<GrammarExpression> { _tokens.OpenBrace };
            for (int i = 0; i < props.Count; i++)
            {
                if (i > 0) items.Add(_tokens.Comma);
                items.Add(_tokens.Key(JsonStringRegex.Literal(props[i].Name), props[i].Name));
                items.Add(LiteralValue(props[i].Value, at, depth + 1)!);
            }
            items.Add(_tokens.CloseBrace);
            return GrammarExpression.Sequence(items);
        }
        if (v.ValueKind == JsonValueKind.Array)
        {
            var elems = v.EnumerateArray().ToList();
            if (elems.Count == 0) return _tokens.EmptyArray;
            var items = new List<GrammarExpression> { _tokens.OpenBracket };
            for (int i = 0; i < elems.Count; i++)
            {
                if (i > 0) items.Add(_tokens.Comma);
                items.Add(LiteralValue(elems[i], at, depth + 1)!);
            }
            items.Add(_tokens.CloseBracket);
            return GrammarExpression.Sequence(items);
        }
        return JsonTokens.Pattern(ScalarLiteral(v), "literal");
    }

    // Whether an enum value passes the other merged constraints (refuses the ones it cannot check).
    private bool Admits(SchemaFacts facts, JsonElement v, Located at)
    {
        var t = JsonValues.TypeOf(v);
        if ((facts.Types & t) == 0) return false;
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                string s = v.GetString()!;
                int len = s.EnumerateRunes().Count();
                if (len < facts.MinLength || (facts.MaxLength >= 0 && len > facts.MaxLength)) return false;
                // The same compiled regexes the string terminal uses (ECMAScript semantics, not .NET's).
                foreach (var (p, pat) in facts.Patterns)
                {
                    if (!RegexAlgebra.IsMatch(ParsePattern(p, "pattern", pat, anchored: false), JsonStringRegex.EncodeContent(s))) return false;
                }
                foreach (var (f, fat) in facts.Formats)
                {
                    if (StringFormats.TryGetPattern(f, out var fp) && !RegexAlgebra.IsMatch(ParsePattern(fp, "format", fat, anchored: true), JsonStringRegex.EncodeContent(s))) return false;
                    if (StringFormats.IsRefused(f)) Refuse("format", fat, $"format '{f}' is not enforced by this compiler");
                }
                foreach (var (source, where, isFormat) in facts.NegatedPatterns)
                {
                    // Exact: the same compiled regex the string terminal would use.
                    if (RegexAlgebra.IsMatch(ParsePattern(source, isFormat ? "format" : "pattern", where, anchored: isFormat), JsonStringRegex.EncodeContent(s))) return false;
                }
                return true;
            case JsonValueKind.Number:
                if (!JsonDecimal.TryParse(v.GetRawText(), out var d)) return true;
                if (facts.Minimum is { } lo && (lo.Inclusive ? d.CompareTo(lo.Value) < 0 : d.CompareTo(lo.Value) <= 0)) return false;
                if (facts.Maximum is { } hi && (hi.Inclusive ? d.CompareTo(hi.Value) > 0 : d.CompareTo(hi.Value) >= 0)) return false;
                return facts.MultipleOf.All(m => d.IsMultipleOf(m.Divisor));
            case JsonValueKind.Object:
                if (facts.ObjectParts.Count > 0 || facts.Required.Count > 0 || facts.MinProperties > 0 || facts.MaxProperties >= 0)
                {
                    Refuse("enum", at, "object values in enum next to object keywords are not supported");
                }
                return true;
            case JsonValueKind.Array:
                if (facts.ArrayParts.Count > 0 || facts.MinItems > 0 || facts.MaxItems >= 0 || facts.UniqueItems is not null)
                {
                    Refuse("enum", at, "array values in enum next to array keywords are not supported");
                }
                return true;
            default:
                return true;
        }
    }
}
