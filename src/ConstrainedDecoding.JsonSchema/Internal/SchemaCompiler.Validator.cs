using System.Text.Json;

namespace ConstrainedDecoding.JsonSchema.Internal;

// A small instance validator: decides whether one enum/const value satisfies the rest of a conjunction, so values
// of every type (objects and arrays too) are filtered exactly. Keywords it does not evaluate are refused.
internal sealed partial class SchemaCompiler
{
    /// <summary>Whether <paramref name="v"/> satisfies every part of the conjunction.</summary>
    private bool SatisfiesAll(IReadOnlyList<Part> flat, JsonElement v)
    {
        foreach (var part in flat)
        {
            if (part.Keyword is { } keyword)
            {
                if (!SatisfiesKeywordPart(part, keyword, v)) return false;
                continue;
            }
            bool ok = Satisfies(part.At, v, 0);
            if (ok == part.IsNegated) return false;
        }
        return true;
    }

    private bool SatisfiesKeywordPart(Part part, string keyword, JsonElement v)
    {
        if (part.IsNegated) return !SatisfiesKeyword(part.At, keyword, part.At.Element.GetProperty(keyword), v, 0);
        int colon = keyword.IndexOf(':', StringComparison.Ordinal);
        string name = keyword[(colon + 1)..];
        bool has = v.ValueKind == JsonValueKind.Object && v.TryGetProperty(name, out _);
        return keyword[..colon] switch
        {
            "absent" => !has,
            "lacks" => v.ValueKind == JsonValueKind.Object && !has,
            "violatesprefix" => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)
                && !Satisfies(PrefixList(part.At).Child(name, PrefixList(part.At).Element[int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)]), v[int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)], 0),
            "object" => v.ValueKind == JsonValueKind.Object,
            "nonobject" => v.ValueKind != JsonValueKind.Object,
            "present" => has,
            "violates" => has && !SatisfiesKeyword(part.At, "properties", part.At.Element.GetProperty("properties"), ObjectWith(name, v), 0),
            _ => throw new InvalidOperationException("unknown part keyword " + keyword),
        };
    }

    // An object with only the named property of v (for "violates": that property's value against `properties`).
    private static JsonElement ObjectWith(string name, JsonElement v) =>
        JsonDocument.Parse("{" + JsonSerializer.Serialize(name) + ":" + v.GetProperty(name).GetRawText() + "}").RootElement.Clone();

    private bool Satisfies(Located at, JsonElement v, int depth)
    {
        if (depth > Limits.MaxSyntaxNesting) throw new UnsupportedSchemaException("enum", _registry.Display(at), "value or schema nested too deeply to check");
        var el = at.Element;
        if (el.ValueKind == JsonValueKind.True) return true;
        if (el.ValueKind == JsonValueKind.False) return false;
        if (el.ValueKind != JsonValueKind.Object) throw Malformed("schema", at, "an object or a boolean");
        bool refOnly = el.TryGetProperty("$ref", out _) && !AtLeast(JsonSchemaDraft.Draft201909);
        foreach (var kw in el.EnumerateObject())
        {
            if (refOnly && kw.Name != "$ref") continue;
            if (!SatisfiesKeyword(at, kw.Name, kw.Value, v, depth)) return false;
        }
        return true;
    }

    private bool SatisfiesKeyword(Located at, string name, JsonElement k, JsonElement v, int depth)
    {
        switch (name)
        {
            case "$ref":
                var target = _registry.Resolve(at, k.GetString() ?? "") ?? throw new UnsupportedSchemaException("$ref", _registry.Display(at), $"cannot resolve '{k.GetString()}'");
                return Satisfies(target, v, depth + 1);
            case "allOf":
                return Items(at, name, k).All(s => Satisfies(s, v, depth + 1));
            case "anyOf":
                return Items(at, name, k).Any(s => Satisfies(s, v, depth + 1));
            case "oneOf":
                return Items(at, name, k).Count(s => Satisfies(s, v, depth + 1)) == 1;
            case "not":
                return !Satisfies(at.Child(name, k), v, depth + 1);
            case "if":
                if (!AtLeast(JsonSchemaDraft.Draft7)) return true;
                bool cond = Satisfies(at.Child(name, k), v, depth + 1);
                string branch = cond ? "then" : "else";
                return !at.Element.TryGetProperty(branch, out var b) || Satisfies(at.Child(branch, b), v, depth + 1);
            case "$dynamicRef" or "$recursiveRef" when AtLeast(JsonSchemaDraft.Draft201909):
            case "unevaluatedProperties" or "unevaluatedItems" when k.ValueKind != JsonValueKind.True && IsKeywordOfDraft(name):
                Refuse("enum", at, $"checking enum values against '{name}' is not supported");
                return true;
        }
        if (s_annotations.Contains(name) || !s_handled.Contains(name) || !IsKeywordOfDraft(name)) return true;
        return (JsonValues.TypeOf(v) switch
        {
            JsonTypes.Object => SatisfiesObjectKeyword(at, name, k, v, depth),
            JsonTypes.Array => SatisfiesArrayKeyword(at, name, k, v, depth),
            JsonTypes.String => SatisfiesStringKeyword(at, name, k, v),
            JsonTypes.Integer or JsonTypes.NonInteger => SatisfiesNumberKeyword(at, name, k, v),
            _ => null,
        }) ?? SatisfiesAnyKeyword(at, name, k, v);
    }

    // type, enum, const (every type); keywords about other types hold trivially.
    private bool SatisfiesAnyKeyword(Located at, string name, JsonElement k, JsonElement v)
    {
        switch (name)
        {
            case "type":
                var t = JsonValues.TypeOf(v);
                if (t == JsonTypes.Integer && !AtLeast(JsonSchemaDraft.Draft6) && v.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0) t = JsonTypes.NonInteger;
                return (ParseTypes(k, at) & t) != 0;
            case "enum":
                return k.ValueKind == JsonValueKind.Array && k.EnumerateArray().Any(e => JsonValues.Equal(e, v));
            case "const":
                return JsonValues.Equal(k, v);
            default:
                return true;
        }
    }

    private bool? SatisfiesStringKeyword(Located at, string name, JsonElement k, JsonElement v)
    {
        string s = v.GetString()!;
        switch (name)
        {
            case "minLength":
                return s.EnumerateRunes().Count() >= NonNegativeInt(k, name, at);
            case "maxLength":
                return s.EnumerateRunes().Count() <= NonNegativeInt(k, name, at);
            case "pattern":
                return Regex.RegexAlgebra.IsMatch(ParsePattern(k.GetString() ?? "", name, at, anchored: false), JsonStringRegex.EncodeContent(s));
            case "format":
                if (!_options.AssertFormats) return true;
                if (StringFormats.TryGetPattern(k.GetString() ?? "", out var fp)) return Regex.RegexAlgebra.IsMatch(ParsePattern(fp, name, at, anchored: true), JsonStringRegex.EncodeContent(s));
                if (StringFormats.IsRefused(k.GetString() ?? "")) Refuse("format", at, $"format '{k.GetString()}' is not enforced by this compiler");
                return true;
            default:
                return null;
        }
    }

    private bool? SatisfiesNumberKeyword(Located at, string name, JsonElement k, JsonElement v)
    {
        if (name is not ("minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf")) return null;
        if (k.ValueKind is JsonValueKind.True or JsonValueKind.False) return true; // draft 4 modifier, read with its bound
        var bound = Decimal(k, name, at);
        if (!JsonDecimal.TryParse(v.GetRawText(), out var d))
        {
            Refuse("enum", at, "an enum number outside the supported range");
            return true;
        }
        if (name == "multipleOf") return d.IsMultipleOf(bound);
        int cmp = d.CompareTo(bound);
        bool exclusive = name.StartsWith("exclusive", StringComparison.Ordinal)
            || (!AtLeast(JsonSchemaDraft.Draft6) && at.Element.TryGetProperty(name == "minimum" ? "exclusiveMinimum" : "exclusiveMaximum", out var m) && m.ValueKind == JsonValueKind.True);
        bool lower = name is "minimum" or "exclusiveMinimum";
        return lower ? (exclusive ? cmp > 0 : cmp >= 0) : (exclusive ? cmp < 0 : cmp <= 0);
    }

    private bool? SatisfiesObjectKeyword(Located at, string name, JsonElement k, JsonElement v, int depth)
    {
        var el = at.Element;
        switch (name)
        {
            case "required":
                return k.EnumerateArray().All(r => v.TryGetProperty(r.GetString() ?? "", out _));
            case "minProperties":
                return v.EnumerateObject().Count() >= NonNegativeInt(k, name, at);
            case "maxProperties":
                return v.EnumerateObject().Count() <= NonNegativeInt(k, name, at);
            case "propertyNames":
                var pn = at.Child(name, k);
                return v.EnumerateObject().All(p => Satisfies(pn, JsonDocument.Parse(JsonSerializer.Serialize(p.Name)).RootElement.Clone(), depth + 1));
            case "dependentRequired" or "dependentSchemas" or "dependencies":
                var depAt = at.Child(name, k);
                foreach (var dep in k.EnumerateObject())
                {
                    if (!v.TryGetProperty(dep.Name, out _)) continue;
                    bool ok = dep.Value.ValueKind == JsonValueKind.Array
                        ? dep.Value.EnumerateArray().All(r => v.TryGetProperty(r.GetString() ?? "", out _))
                        : Satisfies(depAt.Child(dep.Name, dep.Value), v, depth + 1);
                    if (!ok) return false;
                }
                return true;
            case "properties" or "patternProperties" or "additionalProperties":
                foreach (var p in v.EnumerateObject())
                {
                    bool matched = false;
                    if (el.TryGetProperty("properties", out var props) && props.TryGetProperty(p.Name, out var ps))
                    {
                        matched = true;
                        if (name == "properties" && !Satisfies(at.Child("properties", props).Child(p.Name, ps), p.Value, depth + 1)) return false;
                    }
                    if (el.TryGetProperty("patternProperties", out var pp))
                    {
                        foreach (var pat in pp.EnumerateObject())
                        {
                            if (!Regex.RegexAlgebra.IsMatch(KeyPattern(pat.Name, at), JsonStringRegex.EncodeContent(p.Name))) continue;
                            matched = true;
                            if (name == "patternProperties" && !Satisfies(at.Child("patternProperties", pp).Child(pat.Name, pat.Value), p.Value, depth + 1)) return false;
                        }
                    }
                    if (!matched && name == "additionalProperties" && !Satisfies(at.Child(name, k), p.Value, depth + 1)) return false;
                }
                return true;
            default:
                return null;
        }
    }

    private bool? SatisfiesArrayKeyword(Located at, string name, JsonElement k, JsonElement v, int depth)
    {
        var items = v.EnumerateArray().ToList();
        var el = at.Element;
        switch (name)
        {
            case "minItems":
                return items.Count >= NonNegativeInt(k, name, at);
            case "maxItems":
                return items.Count <= NonNegativeInt(k, name, at);
            case "uniqueItems":
                if (k.ValueKind != JsonValueKind.True) return true;
                for (int i = 0; i < items.Count; i++)
                {
                    for (int j = i + 1; j < items.Count; j++)
                    {
                        if (JsonValues.Equal(items[i], items[j])) return false;
                    }
                }
                return true;
            case "contains":
                int lo = 1, hi = -1;
                if (AtLeast(JsonSchemaDraft.Draft201909))
                {
                    if (el.TryGetProperty("minContains", out var mc)) lo = NonNegativeInt(mc, "minContains", at);
                    if (el.TryGetProperty("maxContains", out var xc)) hi = NonNegativeInt(xc, "maxContains", at);
                }
                int count = items.Count(x => Satisfies(at.Child(name, k), x, depth + 1));
                return count >= lo && (hi < 0 || count <= hi);
            case "items" or "prefixItems" or "additionalItems":
                // Positional schemas, then the schema of the other items, per draft.
                var (prefix, rest) = ArrayParts(at);
                bool restCounts = name is "items" && AtLeast(JsonSchemaDraft.Draft202012) || name == "additionalItems" || (name == "items" && k.ValueKind != JsonValueKind.Array);
                for (int i = 0; i < items.Count; i++)
                {
                    if (i < prefix.Count)
                    {
                        if (name is "prefixItems" || (name == "items" && k.ValueKind == JsonValueKind.Array)) { if (!Satisfies(prefix[i], items[i], depth + 1)) return false; }
                    }
                    else if (restCounts && rest is { } r && !Satisfies(r, items[i], depth + 1))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return null;
        }
    }

    // Positional schemas and the schema of the other items of one schema object.
    private (List<Located> Prefix, Located? Others) ArrayParts(Located at)
    {
        var facts = new SchemaFacts();
        facts.ArrayParts.Add(at);
        var parts = ArrayParts(facts);
        return parts[0];
    }
}
