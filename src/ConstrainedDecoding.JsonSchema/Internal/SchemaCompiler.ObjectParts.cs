using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Which schemas apply to which property: per object-constraining subschema (properties, patternProperties,
// additionalProperties, and unevaluatedProperties as a part whose "declared" keys are the evaluated ones), and the
// partition of undeclared keys into regions by the property patterns they match (regex intersection/difference).
internal sealed partial class SchemaCompiler
{
    /// <summary>At most this many distinct property patterns per object (the key regions are their boolean combinations).</summary>
    internal const int MaxPropertyPatterns = 6;

    private static readonly Located s_true = new(JsonDocument.Parse("true").RootElement.Clone(), 0, "#synthetic-true");
    private static readonly Located s_false = new(JsonDocument.Parse("false").RootElement.Clone(), 0, "#synthetic-false");

    /// <summary>
    /// One subschema's view of an object: the schemas of declared names, of names matching patterns, and the schema of
    /// all other names (null: unconstrained). Synthetic parts come from unevaluatedProperties.
    /// </summary>
    private sealed record ObjectPart(Located At, List<(string Name, Located Schema)> Props, List<(string Source, Located Schema)> Patterns, Located? Additional, bool Synthetic);

    private readonly Dictionary<string, RegexNode> _keyPatterns = new(StringComparer.Ordinal);

    private static readonly System.Text.RegularExpressions.Regex s_literalPattern = new(
        @"^\^([A-Za-z0-9_\-]+)\$$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private List<ObjectPart> ObjectParts(SchemaFacts facts)
    {
        var parts = new List<ObjectPart>();
        foreach (var part in facts.ObjectParts)
        {
            var el = part.Element;
            var props = new List<(string, Located)>();
            var patterns = new List<(string, Located)>();
            if (el.TryGetProperty("properties", out var pr))
            {
                if (pr.ValueKind != JsonValueKind.Object) throw Malformed("properties", part, "an object");
                var prAt = part.Child("properties", pr);
                foreach (var p in pr.EnumerateObject()) props.Add((p.Name, prAt.Child(p.Name, p.Value)));
            }
            if (el.TryGetProperty("patternProperties", out var pp))
            {
                if (pp.ValueKind != JsonValueKind.Object) throw Malformed("patternProperties", part, "an object");
                var ppAt = part.Child("patternProperties", pp);
                foreach (var p in pp.EnumerateObject()) patterns.Add((p.Name, ppAt.Child(p.Name, p.Value)));
            }
            Located? additional = el.TryGetProperty("additionalProperties", out var ap) ? part.Child("additionalProperties", ap) : _options.Strict ? s_false : null;
            parts.Add(new ObjectPart(part, props, patterns, additional, Synthetic: false));
        }
        if (_options.Strict && facts.ObjectParts.Count == 0) parts.Add(new ObjectPart(_registry.Root, [], [], s_false, Synthetic: true));
        foreach (var owner in facts.UnevaluatedProperties)
        {
            var u = owner.Element.GetProperty("unevaluatedProperties");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var patterns = new HashSet<string>(StringComparer.Ordinal);
            if (!EvaluatedProperties(owner, facts.FlatIds, names, patterns, [], root: true)) continue;
            parts.Add(new ObjectPart(owner, names.Select(n => (n, s_true)).ToList(), patterns.Select(p => (p, s_true)).ToList(), owner.Child("unevaluatedProperties", u), Synthetic: true));
        }
        return parts;
    }

    // The schemas a declared name must satisfy: per part, its declaration, else its matching patterns, else the rest schema.
    private List<Part> MemberConjunction(List<ObjectPart> parts, string name)
    {
        var conj = new List<Part>();
        byte[] encoded = JsonStringRegex.EncodeContent(name);
        foreach (var part in parts)
        {
            // properties and every matching patternProperties apply; additionalProperties only when none does.
            var declared = part.Props.FindIndex(p => p.Name == name);
            bool matched = declared >= 0;
            if (matched) conj.Add(new Part(part.Props[declared].Schema, 0));
            foreach (var (source, schema) in part.Patterns)
            {
                if (RegexAlgebra.IsMatch(KeyPattern(source, part.At), encoded))
                {
                    matched = true;
                    conj.Add(new Part(schema, 0));
                }
            }
            if (!matched && part.Additional is { } a) conj.Add(new Part(a, 0));
        }
        return conj;
    }

    // Undeclared keys: one key terminal per non-empty region (which patterns the key matches), followed by the value
    // grammar of the schemas that apply there.
    private GrammarExpression? ExtraProperties(List<ObjectPart> parts, List<string> excluded, RegexNode? keyLanguage, Located at)
    {
        var sources = parts.SelectMany(p => p.Patterns.Select(x => x.Source)).Distinct(StringComparer.Ordinal).ToList();
        // Patterns matching one literal name (^name$) are that name: its key is a literal, its value what the parts
        // say about the name (as for a declared one), and it leaves the other regions.
        var choices = new List<GrammarExpression>();
        var literalNames = new List<string>();
        foreach (var source in sources)
        {
            var m = s_literalPattern.Match(source);
            if (!m.Success) continue;
            string name = m.Groups[1].Value;
            if (excluded.Contains(name) || literalNames.Contains(name)) continue;
            literalNames.Add(name);
            if (keyLanguage is not null && !RegexAlgebra.IsMatch(keyLanguage, JsonStringRegex.EncodeContent(name))) continue;
            if (Value(MemberConjunction(parts, name)) is { } lv) choices.Add(GrammarExpression.Sequence([_tokens.Key(JsonStringRegex.Literal(name), name), lv]));
        }
        sources.RemoveAll(x => s_literalPattern.IsMatch(x));
        excluded = [.. excluded, .. literalNames];
        if (sources.Count > MaxPropertyPatterns)
        {
            Refuse("patternProperties", at, $"more than {MaxPropertyPatterns} distinct property patterns on one object");
            sources = [];
        }
        var regions = new List<(RegexNode Keys, HashSet<string> Matched)>();
        try
        {
            if (sources.Count == 0 && keyLanguage is null)
            {
                // No regions: the complement of the names, built directly over their trie.
                regions.Add((JsonStringRegex.AnyExcept(excluded), new HashSet<string>(StringComparer.Ordinal)));
            }
            else
            {
                // Split the (small) key language by the patterns first, then remove the names from each region: the
                // names as a literal trie keep the products small (a structural complement of them would not).
                regions.Add((keyLanguage ?? JsonStringRegex.AnyContent, new HashSet<string>(StringComparer.Ordinal)));
                foreach (var source in sources)
                {
                    var owner = parts.First(p => p.Patterns.Any(x => x.Source == source)).At;
                    var pattern = KeyPattern(source, owner);
                    var next = new List<(RegexNode, HashSet<string>)>();
                    foreach (var (keys, matched) in regions)
                    {
                        // Key patterns only match string contents, so the universal region's intersection is the pattern.
                        var inside = ReferenceEquals(keys, JsonStringRegex.AnyContent) ? pattern : RegexAlgebra.Intersect(keys, pattern);
                        if (!RegexAlgebra.IsEmpty(inside)) next.Add((inside, new HashSet<string>(matched, StringComparer.Ordinal) { source }));
                        var outside = RegexAlgebra.Difference(keys, pattern);
                        if (!RegexAlgebra.IsEmpty(outside)) next.Add((outside, matched));
                    }
                    regions = next;
                }
                if (excluded.Count > 0)
                {
                    var names = RegexNode.Alternate(excluded.Select(JsonStringRegex.Literal));
                    regions = regions.Select(r => (RegexAlgebra.Difference(r.Keys, names), r.Matched)).Where(r => !RegexAlgebra.IsEmpty(r.Item1)).ToList();
                }
            }
        }
        catch (GrammarLimitException e)
        {
            Refuse("patternProperties", at, "the property key languages are too large to combine: " + e.Message);
            return null;
        }
        foreach (var (keys, matched) in regions)
        {
            var conj = new List<Part>();
            foreach (var part in parts)
            {
                bool any = false;
                foreach (var (source, schema) in part.Patterns)
                {
                    if (!matched.Contains(source)) continue;
                    any = true;
                    conj.Add(new Part(schema, 0));
                }
                if (!any && part.Additional is { } a) conj.Add(new Part(a, 0));
            }
            var v = Value(conj);
            if (v is not null) choices.Add(GrammarExpression.Sequence([_tokens.Key(keys, "key"), v]));
        }
        return choices.Count == 0 ? null : GrammarExpression.Choice(choices);
    }

    // A property pattern over encoded key content (search semantics), parsed once per compilation.
    private RegexNode KeyPattern(string source, Located owner)
    {
        if (!_keyPatterns.TryGetValue(source, out var node))
        {
            node = ParsePattern(source, "patternProperties", owner, anchored: false);
            _keyPatterns[source] = node;
        }
        return node;
    }

    // The encoded key content allowed by every propertyNames schema; null when unconstrained.
    private RegexNode? PropertyNamesLanguage(SchemaFacts facts)
    {
        RegexNode? result = null;
        foreach (var pn in facts.PropertyNames)
        {
            var lang = StringLanguage(pn, "propertyNames");
            if (lang is null) continue;
            try
            {
                result = result is null ? lang : RegexAlgebra.Intersect(result, lang);
            }
            catch (GrammarLimitException e)
            {
                Refuse("propertyNames", pn, "the property name languages are too large to combine: " + e.Message);
            }
        }
        return result;
    }

    // The encoded content of the strings a schema accepts (only its string constraints matter); null when it accepts
    // every string.
    private RegexNode? StringLanguage(Located at, string keyword)
    {
        var flat = Expand([new Part(at, 0)], out bool unsat);
        if (unsat) return RegexNode.Nothing;
        foreach (var p in flat)
        {
            foreach (var kw in new[] { "anyOf", "oneOf", "if" })
            {
                if (p.At.Element.TryGetProperty(kw, out _)) Refuse(keyword, p.At, $"'{kw}' inside {keyword} is not supported");
            }
        }
        var facts = Merge(flat);
        if (facts is null || (facts.Types & JsonTypes.String) == 0) return RegexNode.Nothing;
        if (facts.Values is not null)
        {
            var strings = facts.Values.Where(v => v.ValueKind == JsonValueKind.String && Admits(facts, v, at) && !facts.ExcludedValues.Any(e => JsonValues.Equal(e, v)));
            return RegexNode.Alternate(strings.Select(v => JsonStringRegex.Literal(v.GetString()!)));
        }
        if (facts.MinLength == 0 && facts.MaxLength < 0 && facts.Patterns.Count == 0 && facts.Formats.Count == 0 && !facts.ExcludedValues.Any(e => e.ValueKind == JsonValueKind.String))
        {
            return null;
        }
        return StringContent(facts, at) ?? RegexNode.Nothing;
    }

    // Properties that `owner` (and the in-place subschemas of it that are part of this conjunction) evaluate; false
    // when every property is evaluated (additionalProperties or a nested unevaluatedProperties).
    private bool EvaluatedProperties(Located owner, HashSet<string> flatIds, HashSet<string> names, HashSet<string> patterns, HashSet<string> visited, bool root)
    {
        if (!visited.Add(owner.Id) || owner.Element.ValueKind != JsonValueKind.Object) return true;
        var el = owner.Element;
        if (el.TryGetProperty("additionalProperties", out _)) return false;
        if (!root && el.TryGetProperty("unevaluatedProperties", out _)) return false;
        if (el.TryGetProperty("properties", out var pr) && pr.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in pr.EnumerateObject()) names.Add(p.Name);
        }
        if (el.TryGetProperty("patternProperties", out var pp) && pp.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in pp.EnumerateObject()) patterns.Add(p.Name);
        }
        foreach (var child in InPlaceChildren(owner))
        {
            if (flatIds.Contains(child.Id) && !EvaluatedProperties(child, flatIds, names, patterns, visited, root: false)) return false;
        }
        return true;
    }

    // Subschemas applied to the same instance whose annotations reach the owner when they are in the conjunction.
    private IEnumerable<Located> InPlaceChildren(Located owner)
    {
        var el = owner.Element;
        foreach (var kw in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (el.TryGetProperty(kw, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var listAt = owner.Child(kw, list);
                int i = 0;
                foreach (var s in list.EnumerateArray()) yield return listAt.Child((i++).ToString(CultureInfo.InvariantCulture), s);
            }
        }
        foreach (var kw in new[] { "if", "then", "else" })
        {
            if (el.TryGetProperty(kw, out var s)) yield return owner.Child(kw, s);
        }
        if (el.TryGetProperty("dependentSchemas", out var ds) && ds.ValueKind == JsonValueKind.Object)
        {
            var dsAt = owner.Child("dependentSchemas", ds);
            foreach (var p in ds.EnumerateObject()) yield return dsAt.Child(p.Name, p.Value);
        }
        if (el.TryGetProperty("$ref", out var r) && r.ValueKind == JsonValueKind.String && _registry.Resolve(owner, r.GetString()!) is { } target)
        {
            yield return target;
        }
    }
}
