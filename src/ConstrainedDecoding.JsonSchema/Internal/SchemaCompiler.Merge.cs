using System.Globalization;
using System.Text.Json;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Merging a flat conjunction into SchemaFacts, keyword by keyword.
internal sealed partial class SchemaCompiler
{
    // Keywords that carry no assertion: skipped.
    private static readonly HashSet<string> s_annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly", "$schema",
        "$id", "id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$vocabulary", "definitions", "$defs",
        "contentMediaType", "contentEncoding", "contentSchema", "$ref", "allOf", "anyOf", "oneOf", "if", "then", "else",
    };

    // Assertion keywords per the drafts; anything else is an unknown keyword, which validators ignore (so do we).
    private static readonly HashSet<string> s_handled = new(StringComparer.Ordinal)
    {
        "type", "enum", "const", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "properties", "required", "additionalProperties",
        "patternProperties", "propertyNames", "minProperties", "maxProperties", "dependentRequired", "dependencies",
        "dependentSchemas", "items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems",
        "contains", "minContains", "maxContains", "not", "unevaluatedProperties", "unevaluatedItems",
    };

    private bool IsKeywordOfDraft(string keyword) => keyword switch
    {
        "const" or "contains" or "propertyNames" => AtLeast(JsonSchemaDraft.Draft6),
        "dependentRequired" or "dependentSchemas" or "unevaluatedProperties" or "unevaluatedItems" or "minContains" or "maxContains" => AtLeast(JsonSchemaDraft.Draft201909),
        "prefixItems" => AtLeast(JsonSchemaDraft.Draft202012),
        "additionalItems" => !AtLeast(JsonSchemaDraft.Draft202012),
        _ => true,
    };

    private SchemaFacts? Merge(List<Part> flat)
    {
        var facts = new SchemaFacts();
        bool hasObject = false, hasArray = false;
        foreach (var part in flat)
        {
            var at = part.At;
            if (part.Keyword is { } keyword)
            {
                if (part.IsNegated) MergeNegated(facts, at, keyword);
                else MergePresence(facts, at, keyword);
                continue;
            }
            if (part.IsNegated)
            {
                Refuse("not", at, "a complement is not supported here");
                continue;
            }
            // Only subschemas that must validate (not complements) give annotations to unevaluated*.
            facts.FlatIds.Add(at.Id);
            foreach (var kw in at.Element.EnumerateObject())
            {
                string name = kw.Name;
                if (s_annotations.Contains(name) || !s_handled.Contains(name) || !IsKeywordOfDraft(name)) continue;
                var v = kw.Value;
                switch (name)
                {
                    case "type":
                        facts.Types &= ParseTypes(v, at);
                        break;
                    case "enum":
                        if (v.ValueKind != JsonValueKind.Array) throw Malformed(name, at, "an array");
                        IntersectValues(facts, v.EnumerateArray().ToList());
                        break;
                    case "const":
                        IntersectValues(facts, [v]);
                        break;
                    case "minLength":
                        facts.MinLength = Math.Max(facts.MinLength, NonNegativeInt(v, name, at));
                        break;
                    case "maxLength":
                        facts.MaxLength = MinBound(facts.MaxLength, NonNegativeInt(v, name, at));
                        break;
                    case "pattern":
                        if (v.ValueKind != JsonValueKind.String) throw Malformed(name, at, "a string");
                        facts.Patterns.Add((v.GetString()!, at));
                        break;
                    case "format":
                        if (v.ValueKind != JsonValueKind.String) throw Malformed(name, at, "a string");
                        if (_options.AssertFormats) facts.Formats.Add((v.GetString()!, at));
                        break;
                    case "minimum":
                    case "maximum":
                        MergeBound(facts, at, name, v);
                        break;
                    case "exclusiveMinimum":
                    case "exclusiveMaximum":
                        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            if (AtLeast(JsonSchemaDraft.Draft6)) throw Malformed(name, at, "a number");
                            break; // draft 4: a modifier of minimum/maximum, read there
                        }
                        MergeBound(facts, at, name, v);
                        break;
                    case "multipleOf":
                        facts.MultipleOf.Add((Decimal(v, name, at), at));
                        break;
                    case "properties":
                    case "additionalProperties":
                    case "patternProperties":
                        if (!hasObject || facts.ObjectParts[^1].Id != at.Id) facts.ObjectParts.Add(at);
                        hasObject = true;
                        break;
                    case "required":
                        if (v.ValueKind != JsonValueKind.Array) throw Malformed(name, at, "an array of strings");
                        foreach (var r in v.EnumerateArray())
                        {
                            if (r.ValueKind != JsonValueKind.String) throw Malformed(name, at, "an array of strings");
                            if (!facts.Required.Contains(r.GetString()!)) facts.Required.Add(r.GetString()!);
                        }
                        break;
                    case "propertyNames":
                        facts.PropertyNames.Add(at.Child(name, v));
                        break;
                    case "minProperties":
                        facts.MinProperties = Math.Max(facts.MinProperties, NonNegativeInt(v, name, at));
                        break;
                    case "maxProperties":
                        facts.MaxProperties = MinBound(facts.MaxProperties, NonNegativeInt(v, name, at));
                        break;
                    case "dependentRequired":
                    case "dependencies":
                    case "dependentSchemas":
                        break; // distributed into presence alternatives
                    case "items":
                    case "prefixItems":
                    case "additionalItems":
                        if (!hasArray || facts.ArrayParts[^1].Id != at.Id) facts.ArrayParts.Add(at);
                        hasArray = true;
                        break;
                    case "minItems":
                        facts.MinItems = Math.Max(facts.MinItems, NonNegativeInt(v, name, at));
                        break;
                    case "maxItems":
                        facts.MaxItems = MinBound(facts.MaxItems, NonNegativeInt(v, name, at));
                        break;
                    case "uniqueItems":
                        if (v.ValueKind == JsonValueKind.True) facts.UniqueItems = at;
                        break;
                    case "not":
                        break; // a negated part of the conjunction
                    case "contains":
                    case "minContains":
                    case "maxContains":
                        if (name == "contains") facts.Contains.Add(at);
                        break;
                    case "unevaluatedProperties":
                        if (v.ValueKind != JsonValueKind.True) facts.UnevaluatedProperties.Add(at);
                        break;
                    case "unevaluatedItems":
                        if (v.ValueKind != JsonValueKind.True) facts.UnevaluatedItems.Add(at);
                        break;
                }
            }
        }
        if (facts.Values is { Count: 0 }) return null;
        return facts;
    }

    private JsonTypes ParseTypes(JsonElement v, Located at)
    {
        if (v.ValueKind == JsonValueKind.String) return TypeBit(v.GetString()!, at);
        if (v.ValueKind != JsonValueKind.Array) throw Malformed("type", at, "a type name or an array of type names");
        var t = JsonTypes.None;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Malformed("type", at, "type names");
            t |= TypeBit(item.GetString()!, at);
        }
        return t;
    }

    private JsonTypes TypeBit(string name, Located at) => name switch
    {
        "null" => JsonTypes.Null,
        "boolean" => JsonTypes.Boolean,
        "object" => JsonTypes.Object,
        "array" => JsonTypes.Array,
        "string" => JsonTypes.String,
        "integer" => JsonTypes.Integer,
        "number" => JsonTypes.Number,
        "any" => JsonTypes.All,
        _ => throw Malformed("type", at, "one of null, boolean, object, array, string, integer, number (got '" + name + "')"),
    };

    private static void IntersectValues(SchemaFacts facts, List<JsonElement> values)
    {
        if (facts.Values is null)
        {
            facts.Values = values;
            return;
        }
        facts.Values = facts.Values.Where(a => values.Any(b => JsonValues.Equal(a, b))).ToList();
    }

    private static int MinBound(int current, int next) => current < 0 ? next : Math.Min(current, next);

    private int NonNegativeInt(JsonElement v, string name, Located at)
    {
        if (v.ValueKind != JsonValueKind.Number || !JsonDecimal.TryParse(v.GetRawText(), out var d) || !d.IsInteger || d.Sign < 0)
        {
            throw Malformed(name, at, "a non-negative integer");
        }
        return d.CompareTo(JsonDecimal.FromInteger(int.MaxValue)) > 0 ? int.MaxValue : (int)d.Floor();
    }

    private JsonDecimal Decimal(JsonElement v, string name, Located at)
    {
        if (v.ValueKind != JsonValueKind.Number) throw Malformed(name, at, "a number");
        if (!JsonDecimal.TryParse(v.GetRawText(), out var d))
        {
            throw new UnsupportedSchemaException(name, _registry.Display(at), $"the number {v.GetRawText()} is out of the supported range");
        }
        return d;
    }

    private void MergeBound(SchemaFacts facts, Located at, string name, JsonElement v)
    {
        var d = Decimal(v, name, at);
        bool lower = name is "minimum" or "exclusiveMinimum";
        bool inclusive = name is "minimum" or "maximum";
        if (!AtLeast(JsonSchemaDraft.Draft6) && inclusive)
        {
            string modifier = lower ? "exclusiveMinimum" : "exclusiveMaximum";
            if (at.Element.TryGetProperty(modifier, out var m) && m.ValueKind == JsonValueKind.True) inclusive = false;
        }
        facts.NarrowBound(new NumberBound(d, inclusive), isLower: lower);
    }

    // present:name (an object having the property), absent:name, violates:name (an object having the property with
    // a value outside the schema of `properties` at `at`), object: and nonobject: (the instance type).
    private void MergePresence(SchemaFacts facts, Located at, string keyword)
    {
        int colon = keyword.IndexOf(':', StringComparison.Ordinal);
        string name = keyword[(colon + 1)..];
        if (keyword.StartsWith("violatesprefix:", StringComparison.Ordinal))
        {
            int i = int.Parse(name, CultureInfo.InvariantCulture);
            facts.Types &= JsonTypes.Array;
            facts.MinItems = Math.Max(facts.MinItems, i + 1);
            var list = PrefixList(at);
            facts.PrefixConstraints.Add((i, new Part(list.Child(name, list.Element[i]), Negated)));
        }
        else if (keyword.StartsWith("lacks:", StringComparison.Ordinal))
        {
            // The complement of `required`: an object without the name (non-objects satisfy `required`).
            facts.Types &= JsonTypes.Object;
            facts.Forbidden.Add(name);
        }
        else if (keyword == "object:")
        {
            facts.Types &= JsonTypes.Object;
        }
        else if (keyword == "nonobject:")
        {
            facts.Types &= ~JsonTypes.Object;
        }
        else if (keyword.StartsWith("present:", StringComparison.Ordinal) || keyword.StartsWith("violates:", StringComparison.Ordinal))
        {
            facts.Types &= JsonTypes.Object;
            if (!facts.Required.Contains(name)) facts.Required.Add(name);
            if (keyword[0] == 'v')
            {
                var props = at.Element.GetProperty("properties");
                facts.PropertyConstraints.Add((name, new Part(at.Child("properties", props).Child(name, props.GetProperty(name)), Negated)));
            }
        }
        else
        {
            facts.Forbidden.Add(name);
        }
    }
}
