using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;
using DotNetRegex = System.Text.RegularExpressions.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Objects: declared properties in schema order (each optional unless required), other properties anywhere between them.
internal sealed partial class SchemaCompiler
{
    /// <summary>Objects with at most this many declared properties accept them in any order (subset states); larger ones use schema order.</summary>
    internal const int MaxAnyOrderProperties = 4;

    private sealed record Member(string Name, GrammarExpression Key, GrammarExpression Value, bool Required);

    private GrammarExpression? ObjectValue(SchemaFacts facts, Located at)
    {
        // Declared names in first-seen order.
        var names = new List<string>();
        foreach (var part in facts.ObjectParts)
        {
            if (part.Element.TryGetProperty("properties", out var props))
            {
                if (props.ValueKind != JsonValueKind.Object) throw Malformed("properties", part, "an object");
                foreach (var p in props.EnumerateObject())
                {
                    if (!names.Contains(p.Name)) names.Add(p.Name);
                }
            }
        }
        foreach (var r in facts.Required)
        {
            if (!names.Contains(r)) names.Add(r);
        }

        // Extra (undeclared) properties: their value schema and key language.
        var extraConj = new List<Part>();
        bool extrasAllowed = true;
        RegexNode? extraKeyPattern = null;
        Located? patternOwner = null;
        foreach (var part in facts.ObjectParts)
        {
            if (part.Element.TryGetProperty("patternProperties", out var pp) && pp.ValueKind == JsonValueKind.Object && pp.EnumerateObject().Any())
            {
                if (patternOwner is not null) Refuse("patternProperties", part, "patternProperties in more than one merged subschema is not supported");
                patternOwner = part;
            }
            if (part.Element.TryGetProperty("additionalProperties", out var ap))
            {
                if (ap.ValueKind == JsonValueKind.False) extrasAllowed = false;
                else extraConj.Add(new Part(part.Child("additionalProperties", ap), 0));
            }
            else if (_options.Strict)
            {
                extrasAllowed = false;
            }
        }
        if (_options.Strict && facts.ObjectParts.Count == 0) extrasAllowed = false;
        List<Part>? patternConj = null;
        if (patternOwner is { } owner)
        {
            var pp = owner.Element.GetProperty("patternProperties");
            var patterns = pp.EnumerateObject().ToList();
            bool ownerClosed = owner.Element.TryGetProperty("additionalProperties", out var oap) ? oap.ValueKind == JsonValueKind.False : _options.Strict;
            string firstSchema = patterns[0].Value.GetRawText();
            if (!ownerClosed) Refuse("patternProperties", owner, "patternProperties are supported only with additionalProperties: false (the complement of a pattern is not computed)");
            else if (patterns.Any(p => p.Value.GetRawText() != firstSchema)) Refuse("patternProperties", owner, "several patternProperties with different schemas need regex intersections");
            else if (names.Any(n => patterns.Any(p => SafeIsMatch(n, p.Name))))
            {
                Refuse("patternProperties", owner, "a declared property also matches a property pattern; excluding it from the pattern needs a regex difference");
            }
            else
            {
                var ppAt = owner.Child("patternProperties", pp);
                extraKeyPattern = RegexNode.Alternate(patterns.Select(p => ParsePattern(p.Name, "patternProperties", owner, anchored: false)));
                patternConj = [new Part(ppAt.Child(patterns[0].Name, patterns[0].Value), 0)];
                foreach (var part in facts.ObjectParts)
                {
                    if (part.Id != owner.Id && part.Element.TryGetProperty("additionalProperties", out var ap2) && ap2.ValueKind != JsonValueKind.False)
                    {
                        patternConj.Add(new Part(part.Child("additionalProperties", ap2), 0));
                    }
                }
                bool othersClosed = facts.ObjectParts.Any(p => p.Id != owner.Id && p.Element.TryGetProperty("additionalProperties", out var a3) && a3.ValueKind == JsonValueKind.False);
                if (othersClosed) extraKeyPattern = null;
            }
            extrasAllowed = false; // the pattern branch, if any, replaces the plain extras
        }

        foreach (var pn in facts.PropertyNames)
        {
            // Declared names are checked now; undeclared ones would need an intersection with the complement of the declared set.
            if (extrasAllowed || extraKeyPattern is not null) Refuse("propertyNames", pn, "propertyNames next to additional properties is not supported");
            var keySchema = Value([new Part(pn, 0)]);
            if (keySchema is null)
            {
                names.RemoveAll(n => !facts.Required.Contains(n));
                if (names.Count > 0) return null;
            }
        }

        var members = new List<Member>();
        foreach (var name in names)
        {
            bool required = facts.Required.Contains(name);
            if (facts.Forbidden.Contains(name))
            {
                if (required) return null;
                continue;
            }
            var conj = new List<Part>();
            bool declaredSomewhere = false;
            foreach (var part in facts.ObjectParts)
            {
                bool declared = part.Element.TryGetProperty("properties", out var props) && props.TryGetProperty(name, out var sub) && Add(conj, part.Child("properties", props).Child(name, sub));
                declaredSomewhere |= declared;
                if (declared) continue;
                if (part.Element.TryGetProperty("patternProperties", out var pp) && pp.ValueKind == JsonValueKind.Object)
                {
                    bool matched = false;
                    foreach (var p in pp.EnumerateObject())
                    {
                        if (SafeIsMatch(name, p.Name))
                        {
                            matched = true;
                            conj.Add(new Part(part.Child("patternProperties", pp).Child(p.Name, p.Value), 0));
                        }
                    }
                    if (matched) continue;
                }
                if (part.Element.TryGetProperty("additionalProperties", out var ap)) conj.Add(new Part(part.Child("additionalProperties", ap), 0));
                else if (_options.Strict) conj.Add(new Part(new Located(default, -1, "false"), 0));
            }
            if (!declaredSomewhere && facts.ObjectParts.Count == 0 && _options.Strict) conj.Add(new Part(new Located(default, -1, "false"), 0));
            var value = conj.Any(c => c.At.Doc < 0) ? null : Value(conj);
            if (value is null)
            {
                if (required) return null;
                continue;
            }
            members.Add(new Member(name, _tokens.Key(JsonStringRegex.Literal(name), name), value, required));
        }

        GrammarExpression? extra = null;
        if (extrasAllowed)
        {
            var v = Value(extraConj);
            if (v is not null)
            {
                var excluded = names.Concat(facts.Forbidden).Distinct(StringComparer.Ordinal);
                extra = GrammarExpression.Sequence([_tokens.Key(JsonStringRegex.AnyExcept(excluded), "key"), v]);
            }
        }
        else if (extraKeyPattern is not null && patternConj is not null)
        {
            var v = Value(patternConj);
            if (v is not null) extra = GrammarExpression.Sequence([_tokens.Key(extraKeyPattern, "key"), v]);
        }

        int requiredCount = members.Count(m => m.Required);
        int minProps = facts.MinProperties, maxProps = facts.MaxProperties;
        bool nonEmpty = false;
        if (minProps > requiredCount)
        {
            if (minProps == 1) nonEmpty = true;
            else Refuse("minProperties", at, "minProperties above the number of required properties (and above 1) is not supported");
        }
        if (maxProps >= 0)
        {
            if (maxProps < requiredCount) return null;
            if (extra is not null || members.Count > maxProps) Refuse("maxProperties", at, "maxProperties is supported only when it cannot be exceeded");
        }
        return members.Count <= MaxAnyOrderProperties && members.Count > 1
            ? AnyOrderObject(members, extra, nonEmpty)
            : OrderedObject(members, extra, nonEmpty);
    }

    private static bool Add(List<Part> conj, Located at)
    {
        conj.Add(new Part(at, 0));
        return true;
    }

    private static bool SafeIsMatch(string input, string pattern)
    {
        try
        {
            return DotNetRegex.IsMatch(input, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string NewRuleName(string hint) => hint + (_ruleCount++).ToString(CultureInfo.InvariantCulture);

    // Members in schema order: F_i (nothing emitted yet) and R_i (something emitted), extras anywhere.
    private GrammarExpression OrderedObject(List<Member> members, GrammarExpression? extra, bool nonEmpty)
    {
        int n = members.Count;
        var first = new string[n + 1];
        var rest = new string[n + 1];
        for (int i = 0; i <= n; i++)
        {
            first[i] = NewRuleName("of");
            rest[i] = NewRuleName("or");
        }
        var close = _tokens.CloseBrace;
        for (int i = 0; i <= n; i++)
        {
            var f = new List<GrammarExpression>();
            var r = new List<GrammarExpression>();
            if (i < n)
            {
                var m = members[i];
                f.Add(GrammarExpression.Sequence([m.Key, m.Value, Ref(rest[i + 1])]));
                r.Add(GrammarExpression.Sequence([_tokens.Comma, m.Key, m.Value, Ref(rest[i + 1])]));
                if (!m.Required)
                {
                    f.Add(Ref(first[i + 1]));
                    r.Add(Ref(rest[i + 1]));
                }
            }
            else
            {
                if (!nonEmpty) f.Add(close);
                r.Add(close);
            }
            if (extra is not null)
            {
                f.Add(GrammarExpression.Sequence([extra, Ref(rest[i])]));
                r.Add(GrammarExpression.Sequence([_tokens.Comma, extra, Ref(rest[i])]));
            }
            _builder.DefineRule(first[i], GrammarExpression.Choice(f), default);
            _builder.DefineRule(rest[i], GrammarExpression.Choice(r), default);
        }
        return GrammarExpression.Sequence([_tokens.OpenBrace, Ref(first[0])]);
    }

    // Small objects: any order, tracked by the set of members already written (exact for required and duplicates).
    private GrammarExpression AnyOrderObject(List<Member> members, GrammarExpression? extra, bool nonEmpty)
    {
        int n = members.Count;
        int full = (1 << n) - 1;
        var firstNames = new string[full + 1];
        var restNames = new string[full + 1];
        for (int s = 0; s <= full; s++)
        {
            firstNames[s] = NewRuleName("af");
            restNames[s] = NewRuleName("ar");
        }
        int requiredMask = 0;
        for (int i = 0; i < n; i++)
        {
            if (members[i].Required) requiredMask |= 1 << i;
        }
        for (int s = 0; s <= full; s++)
        {
            var f = new List<GrammarExpression>();
            var r = new List<GrammarExpression>();
            for (int i = 0; i < n; i++)
            {
                if ((s & (1 << i)) != 0) continue;
                var m = members[i];
                f.Add(GrammarExpression.Sequence([m.Key, m.Value, Ref(restNames[s | (1 << i)])]));
                r.Add(GrammarExpression.Sequence([_tokens.Comma, m.Key, m.Value, Ref(restNames[s | (1 << i)])]));
            }
            if ((s & requiredMask) == requiredMask)
            {
                if (!(nonEmpty && s == 0)) f.Add(_tokens.CloseBrace);
                r.Add(_tokens.CloseBrace);
            }
            if (extra is not null)
            {
                f.Add(GrammarExpression.Sequence([extra, Ref(restNames[s])]));
                r.Add(GrammarExpression.Sequence([_tokens.Comma, extra, Ref(restNames[s])]));
            }
            _builder.DefineRule(firstNames[s], f.Count == 0 ? GrammarExpression.Pattern(RegexNode.Nothing, "nothing") : GrammarExpression.Choice(f), default);
            _builder.DefineRule(restNames[s], r.Count == 0 ? GrammarExpression.Pattern(RegexNode.Nothing, "nothing") : GrammarExpression.Choice(r), default);
        }
        return GrammarExpression.Sequence([_tokens.OpenBrace, Ref(firstNames[0])]);
    }

    private static GrammarExpression Ref(string name) => GrammarExpression.RuleReference(name, default);
}
