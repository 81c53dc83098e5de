using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Arrays: positional (prefix) items, then the rest schema, with minItems/maxItems as rule repeats.
internal sealed partial class SchemaCompiler
{
    private GrammarExpression? ArrayValue(SchemaFacts facts, Located at)
    {
        int min = facts.MinItems, max = facts.MaxItems;
        if (max >= 0 && min > max) return null;
        if (facts.UniqueItems is { } u && max != 0 && max != 1)
        {
            Refuse("uniqueItems", u, "uniqueItems is supported only when at most one item is allowed");
        }
        // Per-position schemas: prefix lists and rest schemas from every merged part.
        var prefix = new List<List<Part>>();
        var restConj = new List<Part>();
        foreach (var (prefixSchemas, restAt) in ArrayParts(facts))
        {
            for (int i = 0; i < prefixSchemas.Count; i++)
            {
                while (prefix.Count <= i) prefix.Add(new List<Part>(restConj));
                prefix[i].Add(new Part(prefixSchemas[i], 0));
            }
            // Positions beyond this part's prefix get its rest schema (already-listed positions too).
            for (int i = prefixSchemas.Count; i < prefix.Count; i++)
            {
                if (restAt is { } r) prefix[i].Add(new Part(r, 0));
            }
            if (restAt is { } rs) restConj.Add(new Part(rs, 0));
        }
        foreach (var (index, schema) in facts.PrefixConstraints)
        {
            while (prefix.Count <= index) prefix.Add(new List<Part>(restConj));
            prefix[index].Add(schema);
        }
        if (facts.Contains.Count > 0)
        {
            var counted = ContainsArray(facts, at, prefix.Count, restConj);
            if (counted.Handled) return counted.Expression;
        }
        var items = prefix.Select(Value).ToList();
        var rest = Value(restConj);
        if (max < 0 && rest is not null && items.Count > Limits.MaxRuleRepeat) Refuse("prefixItems", at, "too many positional items");

        // Elements from position i on; `first` = no element emitted yet.
        GrammarExpression? Elements(int i)
        {
            if (i < items.Count)
            {
                if (max >= 0 && i >= max) return GrammarExpression.Empty;
                var item = items[i];
                if (item is null) return i < min ? null : GrammarExpression.Empty;
                var tail = Elements(i + 1);
                var head = i == 0 ? item : GrammarExpression.Sequence([_tokens.Comma, item]);
                GrammarExpression? step = tail is not null ? GrammarExpression.Sequence([head, tail]) : i + 1 >= min ? head : null;
                if (i < min) return step;
                return step is null ? GrammarExpression.Empty : GrammarExpression.Choice([step, GrammarExpression.Empty]);
            }
            int lo = Math.Max(0, min - i);
            int hi = max < 0 ? -1 : max - i;
            if (rest is null || hi == 0) return lo > 0 ? null : GrammarExpression.Empty;
            if (lo > Limits.MaxRuleRepeat || hi > Limits.MaxRuleRepeat)
            {
                Refuse(lo > Limits.MaxRuleRepeat ? "minItems" : "maxItems", at, $"item count bounds above {Limits.MaxRuleRepeat} are not supported");
                hi = hi > Limits.MaxRuleRepeat ? -1 : hi;
                lo = Math.Min(lo, Limits.MaxRuleRepeat);
            }
            var comma = GrammarExpression.Sequence([_tokens.Comma, rest]);
            if (i > 0) return GrammarExpression.Repeat(comma, lo, hi < 0 ? Regex.RegexNode.Unbounded : hi);
            var more = GrammarExpression.Repeat(comma, Math.Max(0, lo - 1), hi < 0 ? Regex.RegexNode.Unbounded : hi - 1);
            var some = GrammarExpression.Sequence([rest, more]);
            return lo > 0 ? some : GrammarExpression.Choice([some, GrammarExpression.Empty]);
        }

        var body = Elements(0);
        if (body is null) return null;
        return GrammarExpression.Sequence([_tokens.OpenBracket, body, _tokens.CloseBracket]);
    }

    // Each array-constraining subschema as (positional schemas, schema of the other items), per draft; then one part per
    // unevaluatedItems, whose positional schemas are the evaluated positions.
    private List<(List<Located> Prefix, Located? Others)> ArrayParts(SchemaFacts facts)
    {
        var result = new List<(List<Located>, Located?)>();
        foreach (var part in facts.ArrayParts)
        {
            var el = part.Element;
            JsonElement? prefixList = null;
            Located prefixAt = part;
            Located? rest = null;
            if (AtLeast(JsonSchemaDraft.Draft202012))
            {
                if (el.TryGetProperty("prefixItems", out var pi)) { prefixList = pi; prefixAt = part.Child("prefixItems", pi); }
                if (el.TryGetProperty("items", out var it)) rest = part.Child("items", it);
            }
            else if (el.TryGetProperty("items", out var it))
            {
                if (it.ValueKind == JsonValueKind.Array)
                {
                    prefixList = it;
                    prefixAt = part.Child("items", it);
                    if (el.TryGetProperty("additionalItems", out var ai)) rest = part.Child("additionalItems", ai);
                }
                else
                {
                    rest = part.Child("items", it);
                }
            }
            var prefix = new List<Located>();
            if (prefixList is { } pl)
            {
                if (pl.ValueKind != JsonValueKind.Array) throw Malformed("prefixItems", part, "an array of schemas");
                int i = 0;
                foreach (var s in pl.EnumerateArray()) prefix.Add(prefixAt.Child((i++).ToString(CultureInfo.InvariantCulture), s));
            }
            result.Add((prefix, rest));
        }
        foreach (var owner in facts.UnevaluatedItems)
        {
            var u = owner.Element.GetProperty("unevaluatedItems");
            int evaluated = EvaluatedItems(owner, facts.FlatIds, [], root: true);
            if (evaluated < 0) continue;
            result.Add((Enumerable.Repeat(s_true, evaluated).ToList(), owner.Child("unevaluatedItems", u)));
        }
        return result;
    }

    // How many leading items `owner` (with its in-place subschemas in this conjunction) evaluates; -1 for all of them.
    private int EvaluatedItems(Located owner, HashSet<string> flatIds, HashSet<string> visited, bool root)
    {
        if (!visited.Add(owner.Id) || owner.Element.ValueKind != JsonValueKind.Object) return 0;
        var el = owner.Element;
        if (el.TryGetProperty("contains", out _)) Refuse("unevaluatedItems", owner, "items evaluated by 'contains' are not tracked");
        if (!root && el.TryGetProperty("unevaluatedItems", out _)) return -1;
        int count = 0;
        if (AtLeast(JsonSchemaDraft.Draft202012))
        {
            if (el.TryGetProperty("items", out _)) return -1;
            if (el.TryGetProperty("prefixItems", out var pi) && pi.ValueKind == JsonValueKind.Array) count = pi.GetArrayLength();
        }
        else if (el.TryGetProperty("items", out var it))
        {
            if (it.ValueKind != JsonValueKind.Array || el.TryGetProperty("additionalItems", out _)) return -1;
            count = it.GetArrayLength();
        }
        foreach (var child in InPlaceChildren(owner))
        {
            if (!flatIds.Contains(child.Id)) continue;
            int c = EvaluatedItems(child, flatIds, visited, root: false);
            if (c < 0) return -1;
            count = Math.Max(count, c);
        }
        return count;
    }

    // contains with minContains/maxContains over uniform items: states count the matching items so far (capped at the
    // minimum when there is no maximum). Items outside the count are any items when there is no maximum (the count
    // is then "at least"), else items that do not match (the complement of the contains schema).
    private (bool Handled, GrammarExpression? Expression) ContainsArray(SchemaFacts facts, Located at, int prefixCount, List<Part> restConj)
    {
        var owner = facts.Contains[0];
        int lo = 1, hi = -1;
        if (AtLeast(JsonSchemaDraft.Draft201909))
        {
            if (owner.Element.TryGetProperty("minContains", out var mc)) lo = NonNegativeInt(mc, "minContains", owner);
            if (owner.Element.TryGetProperty("maxContains", out var xc)) hi = NonNegativeInt(xc, "maxContains", owner);
        }
        if (hi >= 0 && lo > hi) return (true, null);
        if (lo == 0 && hi < 0 && facts.Contains.Count == 1) return (false, null); // no constraint
        if (facts.Contains.Count > 1 || prefixCount > 0 || facts.MaxItems >= 0 || facts.MinItems > Math.Max(lo, 1) || facts.UniqueItems is not null)
        {
            Refuse("contains", owner, "contains is supported alone on arrays with uniform items and no maxItems");
            return (false, null);
        }
        var containsAt = owner.Child("contains", owner.Element.GetProperty("contains"));
        var yes = Value([.. restConj, new Part(containsAt, 0)]);
        var other = hi < 0 ? Value(restConj) : Value([.. restConj, new Part(containsAt, Negated)]);
        int cap = hi < 0 ? lo : hi;
        bool needsItem = facts.MinItems > 0;
        // first[j]: no item written yet (j = 0 only); rest[j]: j matching items written.
        string first = NewRuleName("cf");
        var rest = new string[cap + 1];
        for (int j = 0; j <= cap; j++) rest[j] = NewRuleName("cr");
        GrammarExpression? Step(int j, bool leading)
        {
            var choices = new List<GrammarExpression>();
            if (j >= lo && !(leading && needsItem)) choices.Add(_tokens.CloseBracket);
            var comma = leading ? [] : new[] { _tokens.Comma };
            if (other is not null) choices.Add(GrammarExpression.Sequence([.. comma, other, Ref(rest[j])]));
            if (yes is not null && (j < cap)) choices.Add(GrammarExpression.Sequence([.. comma, yes, Ref(rest[j + 1])]));
            // Without a maximum, matching items beyond the minimum are among the "other" (any) items.
            return choices.Count == 0 ? null : GrammarExpression.Choice(choices);
        }
        for (int j = 0; j <= cap; j++)
        {
            _builder.DefineRule(rest[j], Step(j, leading: false) ?? GrammarExpression.Pattern(Regex.RegexNode.Nothing, "nothing"), default);
        }
        _builder.DefineRule(first, Step(0, leading: true) ?? GrammarExpression.Pattern(Regex.RegexNode.Nothing, "nothing"), default);
        return (true, GrammarExpression.Sequence([_tokens.OpenBracket, Ref(first)]));
    }
}
