using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Complements of subschemas (for not, oneOf with overlapping branches, if/else, maxContains) and property dependencies.
// The complement of a schema is the union of the complements of its assertion keywords (De Morgan), each of which is
// either expressible as merged facts (type, const, enum, bounds, lengths, pattern, format, required) or refused.
internal sealed partial class SchemaCompiler
{
    /// <summary>At most this many dependencies (each doubles the alternatives) per schema object.</summary>
    internal const int MaxDependencies = 6;

    // Keywords whose complement is one merged fact.
    private static readonly HashSet<string> s_negatable = new(StringComparer.Ordinal)
    {
        "type", "const", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
        "pattern", "format", "minItems", "maxItems", "minProperties", "maxProperties",
    };

    // The conjunction with flat[idx] (a negated subschema) replaced by each alternative of its complement.
    private GrammarExpression? Complement(List<Part> flat, int idx)
    {
        var part = flat[idx];
        var rest = new List<Part>(flat);
        rest.RemoveAt(idx);
        var el = part.At.Element;
        if (el.ValueKind != JsonValueKind.Object) throw Malformed("not", part.At, "a schema");
        var alternatives = new List<List<Part>>();
        bool refOnly = el.TryGetProperty("$ref", out _) && !AtLeast(JsonSchemaDraft.Draft201909);
        foreach (var kw in el.EnumerateObject())
        {
            string name = kw.Name;
            var v = kw.Value;
            if (refOnly && name != "$ref") continue;
            switch (name)
            {
                case "$ref":
                    var target = _registry.Resolve(part.At, v.GetString() ?? "")
                        ?? throw new UnsupportedSchemaException("$ref", _registry.Display(part.At), $"cannot resolve '{v.GetString()}'");
                    alternatives.Add([new Part(target, Negated)]);
                    continue;
                case "allOf":
                    foreach (var item in Items(part.At, name, v)) alternatives.Add([new Part(item, Negated)]);
                    continue;
                case "anyOf":
                    alternatives.Add(Items(part.At, name, v).Select(item => new Part(item, Negated)).ToList());
                    continue;
                case "not":
                    alternatives.Add([new Part(part.At.Child(name, v), 0)]);
                    continue;
                case "$dynamicRef" or "$recursiveRef" when AtLeast(JsonSchemaDraft.Draft201909):
                    Refuse(name, part.At, "dynamic references are not supported");
                    continue;
                case "if" or "then" or "else":
                    if (name == "if" && (el.TryGetProperty("then", out _) || el.TryGetProperty("else", out _)))
                    {
                        Refuse("not", part.At, "the complement of if/then/else is not supported");
                    }
                    continue;
            }
            if (s_annotations.Contains(name) || !s_handled.Contains(name) || !IsKeywordOfDraft(name)) continue;
            if (name == "format" && (!_options.AssertFormats || !StringFormats.TryGetPattern(v.GetString() ?? "", out _)))
            {
                if (_options.AssertFormats && StringFormats.IsRefused(v.GetString() ?? "")) Refuse("format", part.At, $"format '{v.GetString()}' is not enforced by this compiler");
                continue;
            }
            if (name is "exclusiveMinimum" or "exclusiveMaximum" && v.ValueKind is JsonValueKind.True or JsonValueKind.False) continue;
            if (name == "uniqueItems" && v.ValueKind == JsonValueKind.False) continue;
            if (name is "unevaluatedProperties" or "unevaluatedItems" && v.ValueKind == JsonValueKind.True) continue;
            if (name == "properties")
            {
                // Some declared property is present with a value outside its schema.
                if (v.ValueKind != JsonValueKind.Object) throw Malformed(name, part.At, "an object");
                foreach (var p in v.EnumerateObject()) alternatives.Add([new Part(part.At, 0, "violates:" + p.Name)]);
                continue;
            }
            bool positional = name == "prefixItems" || (name == "items" && !AtLeast(JsonSchemaDraft.Draft202012) && v.ValueKind == JsonValueKind.Array);
            if (positional)
            {
                // Some listed position holds an item outside its schema.
                if (v.ValueKind != JsonValueKind.Array) throw Malformed(name, part.At, "an array of schemas");
                for (int i = 0; i < v.GetArrayLength(); i++) alternatives.Add([new Part(part.At, 0, "violatesprefix:" + i.ToString(CultureInfo.InvariantCulture))]);
                continue;
            }
            if (name == "additionalItems" && !(el.TryGetProperty("items", out var its) && its.ValueKind == JsonValueKind.Array)) continue; // ignored without an items array
            if (name == "required")
            {
                if (v.ValueKind != JsonValueKind.Array) throw Malformed(name, part.At, "an array of strings");
                foreach (var r in v.EnumerateArray()) alternatives.Add([new Part(part.At, 0, "lacks:" + r.GetString())]);
                continue;
            }
            if (!s_negatable.Contains(name))
            {
                Refuse("not", part.At, $"the complement of '{name}' is not supported");
                continue;
            }
            alternatives.Add([new Part(part.At, Negated, name)]);
        }
        var choices = new List<GrammarExpression>();
        foreach (var alt in alternatives)
        {
            var v = Value([.. rest, .. alt]);
            if (v is not null) choices.Add(v);
        }
        return choices.Count == 0 ? null : GrammarExpression.Choice(choices);
    }

    // About how many alternatives the complement of a schema has (one per negatable keyword, per property and required
    // name; allOf and $ref add up).
    private int ComplementWidth(Located at, int depth)
    {
        var el = at.Element;
        if (el.ValueKind != JsonValueKind.Object || depth > 8) return 1;
        int width = 0;
        foreach (var kw in el.EnumerateObject())
        {
            switch (kw.Name)
            {
                case "$ref":
                    if (_registry.Resolve(at, kw.Value.GetString() ?? "") is { } target) width += ComplementWidth(target, depth + 1);
                    break;
                case "allOf":
                    if (kw.Value.ValueKind == JsonValueKind.Array) width += Items(at, kw.Name, kw.Value).Sum(i => ComplementWidth(i, depth + 1));
                    break;
                case "properties" when kw.Value.ValueKind == JsonValueKind.Object:
                    width += kw.Value.EnumerateObject().Count();
                    break;
                case "required" when kw.Value.ValueKind == JsonValueKind.Array:
                    width += kw.Value.GetArrayLength();
                    break;
                default:
                    if (!s_annotations.Contains(kw.Name) && s_handled.Contains(kw.Name)) width++;
                    break;
            }
        }
        return Math.Max(width, 1);
    }

    private List<Located> Items(Located at, string keyword, JsonElement list)
    {
        if (list.ValueKind != JsonValueKind.Array) throw Malformed(keyword, at, "an array of schemas");
        var listAt = at.Child(keyword, list);
        var result = new List<Located>();
        int i = 0;
        foreach (var s in list.EnumerateArray()) result.Add(listAt.Child((i++).ToString(CultureInfo.InvariantCulture), s));
        return result;
    }

    // The positional schema list of a schema object (prefixItems, or an items array before 2020-12).
    private Located PrefixList(Located at)
    {
        string kw = AtLeast(JsonSchemaDraft.Draft202012) ? "prefixItems" : "items";
        return at.Child(kw, at.Element.GetProperty(kw));
    }

    // One negated keyword into the facts (it only constrains the instances of the type it is about).
    // A keyword about one type holds for every other type, so its complement is an instance of that type only.
    private void MergeNegated(SchemaFacts facts, Located at, string name)
    {
        var v = at.Element.GetProperty(name);
        var only = name switch
        {
            "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" => JsonTypes.Number,
            "minLength" or "maxLength" or "pattern" or "format" => JsonTypes.String,
            "minItems" or "maxItems" => JsonTypes.Array,
            "minProperties" or "maxProperties" => JsonTypes.Object,
            _ => JsonTypes.All,
        };
        facts.Types &= only;
        switch (name)
        {
            case "type":
                facts.Types &= ~ParseTypes(v, at);
                return;
            case "const":
                facts.ExcludedValues.Add(v);
                return;
            case "enum":
                if (v.ValueKind != JsonValueKind.Array) throw Malformed(name, at, "an array");
                facts.ExcludedValues.AddRange(v.EnumerateArray());
                return;
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum":
                {
                    bool lower = name is "minimum" or "exclusiveMinimum";
                    bool inclusive = name is "minimum" or "maximum";
                    if (!AtLeast(JsonSchemaDraft.Draft6) && inclusive
                        && at.Element.TryGetProperty(lower ? "exclusiveMinimum" : "exclusiveMaximum", out var m) && m.ValueKind == JsonValueKind.True)
                    {
                        inclusive = false;
                    }
                    // not (x >= a) is x < a, and so on: the opposite side with the opposite inclusivity.
                    facts.NarrowBound(new NumberBound(Decimal(v, name, at), !inclusive), isLower: !lower);
                    return;
                }
            case "minLength":
                NegateMin(NonNegativeInt(v, name, at), JsonTypes.String, facts, m => facts.MaxLength = MinBound(facts.MaxLength, m));
                return;
            case "maxLength":
                facts.MinLength = Math.Max(facts.MinLength, Above(NonNegativeInt(v, name, at)));
                return;
            case "minItems":
                NegateMin(NonNegativeInt(v, name, at), JsonTypes.Array, facts, m => facts.MaxItems = MinBound(facts.MaxItems, m));
                return;
            case "maxItems":
                facts.MinItems = Math.Max(facts.MinItems, Above(NonNegativeInt(v, name, at)));
                return;
            case "minProperties":
                NegateMin(NonNegativeInt(v, name, at), JsonTypes.Object, facts, m => facts.MaxProperties = MinBound(facts.MaxProperties, m));
                return;
            case "maxProperties":
                facts.MinProperties = Math.Max(facts.MinProperties, Above(NonNegativeInt(v, name, at)));
                return;
            case "pattern":
                if (v.ValueKind != JsonValueKind.String) throw Malformed(name, at, "a string");
                facts.NegatedPatterns.Add((v.GetString()!, at, false));
                return;
            case "format":
                StringFormats.TryGetPattern(v.GetString()!, out var fp);
                facts.NegatedPatterns.Add((fp, at, true));
                return;
            default:
                throw new InvalidOperationException("not negatable: " + name);
        }
    }

    private static int Above(int n) => n == int.MaxValue ? int.MaxValue : n + 1;

    // not (count >= 0) holds for nothing; not (count >= n) is count <= n - 1 (the type is already restricted).
    private static void NegateMin(int n, JsonTypes type, SchemaFacts facts, Action<int> setMax)
    {
        if (n == 0) facts.Types &= ~type;
        else setMax(n - 1);
    }

    private bool HasDependencies(JsonElement el) =>
        el.ValueKind == JsonValueKind.Object && (
            (el.TryGetProperty("dependentRequired", out _) && IsKeywordOfDraft("dependentRequired"))
            || (el.TryGetProperty("dependentSchemas", out _) && IsKeywordOfDraft("dependentSchemas"))
            || el.TryGetProperty("dependencies", out _));

    // dependentRequired / dependentSchemas / dependencies: for each trigger name, either it is absent, or it is present
    // (in an object) together with what it requires.
    private GrammarExpression? Dependencies(List<Part> flat, int idx)
    {
        var part = flat[idx];
        var el = part.At.Element;
        var rest = new List<Part>(flat);
        rest[idx] = part with { Skip = part.Skip | SkipDependencies };
        var deps = new List<(string Trigger, List<Part> Then)>();
        foreach (var kw in new[] { "dependentRequired", "dependentSchemas", "dependencies" })
        {
            if (!el.TryGetProperty(kw, out var v)) continue;
            if (!IsKeywordOfDraft(kw)) continue;
            if (v.ValueKind != JsonValueKind.Object) throw Malformed(kw, part.At, "an object");
            var at = part.At.Child(kw, v);
            foreach (var dep in v.EnumerateObject())
            {
                var then = new List<Part>();
                if (dep.Value.ValueKind == JsonValueKind.Array && kw != "dependentSchemas")
                {
                    foreach (var r in dep.Value.EnumerateArray())
                    {
                        if (r.ValueKind != JsonValueKind.String) throw Malformed(kw, part.At, "arrays of property names");
                        then.Add(new Part(part.At, 0, "present:" + r.GetString()));
                    }
                }
                else if (kw != "dependentRequired")
                {
                    if (dep.Value.ValueKind == JsonValueKind.True) continue;
                    then.Add(new Part(at.Child(dep.Name, dep.Value), 0));
                }
                else
                {
                    throw Malformed(kw, part.At, "arrays of property names");
                }
                deps.Add((dep.Name, then));
            }
        }
        if (deps.Count > MaxDependencies)
        {
            Refuse(deps.Count > 0 ? "dependentRequired" : "dependencies", part.At, $"more than {MaxDependencies} property dependencies on one schema");
            return Value(rest);
        }
        // Each combination of triggers present/absent, as nested choices.
        GrammarExpression? Build(int i, List<Part> conj)
        {
            if (i == deps.Count) return Value(conj);
            var (trigger, then) = deps[i];
            var choices = new List<GrammarExpression>();
            if (Build(i + 1, [.. conj, new Part(part.At, 0, "absent:" + trigger)]) is { } a) choices.Add(a);
            if (Build(i + 1, [.. conj, new Part(part.At, 0, "present:" + trigger), .. then]) is { } b) choices.Add(b);
            return choices.Count == 0 ? null : GrammarExpression.Choice(choices);
        }
        return Build(0, rest);
    }
}
