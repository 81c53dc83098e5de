using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Objects: declared properties in schema order (each optional unless required), other properties anywhere between them.
internal sealed partial class SchemaCompiler
{
    /// <summary>
    /// Objects with property-count bounds and at most this many declared properties accept them in any order
    /// (subset states); larger ones use schema order. Objects without count bounds always accept any order.
    /// </summary>
    internal const int MaxAnyOrderProperties = 8;

    /// <summary>minProperties/maxProperties up to this many are tracked by counting states.</summary>
    internal const int MaxCountedProperties = 64;

    private sealed record Member(string Name, GrammarExpression Key, GrammarExpression Value, bool Required);

    private GrammarExpression? ObjectValue(SchemaFacts facts, Located at)
    {
        var parts = ObjectParts(facts);
        // Declared names in first-seen order.
        var names = new List<string>();
        foreach (var part in parts)
        {
            foreach (var (name, _) in part.Props)
            {
                if (!part.Synthetic && !names.Contains(name)) names.Add(name);
            }
        }
        foreach (var r in facts.Required)
        {
            if (!names.Contains(r)) names.Add(r);
        }
        var keyLanguage = PropertyNamesLanguage(facts);

        var members = new List<Member>();
        foreach (var name in names)
        {
            bool required = facts.Required.Contains(name);
            bool allowed = !facts.Forbidden.Contains(name) && (keyLanguage is null || RegexAlgebra.IsMatch(keyLanguage, JsonStringRegex.EncodeContent(name)));
            var value = allowed ? Value([.. MemberConjunction(parts, name), .. facts.PropertyConstraints.Where(c => c.Name == name).Select(c => c.Schema)]) : null;
            if (value is null)
            {
                if (required) return null;
                continue;
            }
            members.Add(new Member(name, _tokens.Key(JsonStringRegex.Literal(name), name), value, required));
        }

        var excluded = names.Concat(facts.Forbidden).Distinct(StringComparer.Ordinal).ToList();
        var extra = ExtraProperties(parts, excluded, keyLanguage, at);

        int requiredCount = members.Count(m => m.Required);
        int minProps = facts.MinProperties, maxProps = facts.MaxProperties;
        if (maxProps >= 0 && maxProps < requiredCount) return null;
        // Bounds that cannot bind are dropped; the others are tracked by counting states.
        if (minProps <= requiredCount) minProps = 0;
        if (maxProps >= 0 && extra is null && maxProps >= members.Count) maxProps = -1;
        int cap = maxProps >= 0 ? maxProps : minProps;
        if (cap > MaxCountedProperties)
        {
            Refuse(maxProps >= 0 ? "maxProperties" : "minProperties", at, $"property count bounds above {MaxCountedProperties} are not supported");
            (minProps, maxProps, cap) = (0, -1, 0);
        }
        var counts = new PropertyCount(minProps, maxProps, cap);
        if (members.Count <= 1) return OrderedObject(members, extra, counts);
        // Without count bounds: any order, each member at most once (the parser makes a state per set of
        // members written, when an output reaches it).
        if (counts.Cap == 0 && members.Count <= Limits.MaxUnorderedMembers)
        {
            var unordered = GrammarExpression.Unordered(
                members.Select(m => (GrammarExpression.Sequence([m.Key, m.Value]), m.Required)),
                _tokens.Comma, _tokens.CloseBrace, extra);
            return GrammarExpression.Sequence([_tokens.OpenBrace, unordered]);
        }
        if (members.Count <= MaxAnyOrderProperties) return AnyOrderObject(members, extra, counts);
        // Too many for any order: schema order, or (a second sound subset) the `required` list's order first, which
        // instances often follow; both orders are exact about which members may appear.
        var ordered = OrderedObject(members, extra, counts);
        var requiredFirst = facts.Required.Select(r => members.Find(m => m.Name == r)).OfType<Member>()
            .Concat(members.Where(m => !facts.Required.Contains(m.Name))).ToList();
        if (requiredFirst.Count(m => m.Required) < 2 || requiredFirst.Select(m => m.Name).SequenceEqual(members.Select(m => m.Name))) return ordered;
        return GrammarExpression.Choice([ordered, OrderedObject(requiredFirst, extra, counts)]);
    }

    /// <summary>Property counting: the count so far is tracked up to <see cref="Cap"/> (the maximum, else the minimum).</summary>
    private readonly record struct PropertyCount(int Min, int Max, int Cap)
    {
        public bool CanAdd(int c) => Max < 0 || c + 1 <= Max;

        public int Next(int c) => Math.Min(c + 1, Cap);

        public bool CanClose(int c) => c >= Min;
    }

    // Members in schema order: F[i,c] (nothing emitted yet) and R[i,c] (something emitted), extras anywhere.
    private GrammarExpression OrderedObject(List<Member> members, GrammarExpression? extra, PropertyCount counts)
    {
        int n = members.Count, k = counts.Cap;
        var first = new string[n + 1, k + 1];
        var rest = new string[n + 1, k + 1];
        for (int i = 0; i <= n; i++)
        {
            for (int c = 0; c <= k; c++)
            {
                first[i, c] = NewRuleName("of");
                rest[i, c] = NewRuleName("or");
            }
        }
        var close = _tokens.CloseBrace;
        for (int i = 0; i <= n; i++)
        {
            for (int c = 0; c <= k; c++)
            {
                var f = new List<GrammarExpression>();
                var r = new List<GrammarExpression>();
                if (i < n)
                {
                    var m = members[i];
                    if (counts.CanAdd(c))
                    {
                        f.Add(GrammarExpression.Sequence([m.Key, m.Value, Ref(rest[i + 1, counts.Next(c)])]));
                        r.Add(GrammarExpression.Sequence([_tokens.Comma, m.Key, m.Value, Ref(rest[i + 1, counts.Next(c)])]));
                    }
                    if (!m.Required)
                    {
                        f.Add(Ref(first[i + 1, c]));
                        r.Add(Ref(rest[i + 1, c]));
                    }
                }
                else if (counts.CanClose(c))
                {
                    f.Add(close);
                    r.Add(close);
                }
                if (extra is not null && counts.CanAdd(c))
                {
                    f.Add(GrammarExpression.Sequence([extra, Ref(rest[i, counts.Next(c)])]));
                    r.Add(GrammarExpression.Sequence([_tokens.Comma, extra, Ref(rest[i, counts.Next(c)])]));
                }
                _builder.DefineRule(first[i, c], Choice(f), default);
                _builder.DefineRule(rest[i, c], Choice(r), default);
            }
        }
        return GrammarExpression.Sequence([_tokens.OpenBrace, Ref(first[0, 0])]);
    }

    // Small objects: any order, tracked by the set of members already written (exact for required and duplicates).
    private GrammarExpression AnyOrderObject(List<Member> members, GrammarExpression? extra, PropertyCount counts)
    {
        int n = members.Count, k = counts.Cap;
        int full = (1 << n) - 1;
        // Nothing written yet is only the start state; every other state has written something (comma first).
        string firstName = NewRuleName("af");
        var restNames = new string[full + 1, k + 1];
        for (int s = 0; s <= full; s++)
        {
            for (int c = 0; c <= k; c++) restNames[s, c] = NewRuleName("ar");
        }
        int requiredMask = 0;
        for (int i = 0; i < n; i++)
        {
            if (members[i].Required) requiredMask |= 1 << i;
        }
        for (int s = 0; s <= full; s++)
        {
            for (int c = 0; c <= k; c++)
            {
                var f = new List<GrammarExpression>();
                var r = new List<GrammarExpression>();
                if (counts.CanAdd(c))
                {
                    for (int i = 0; i < n; i++)
                    {
                        if ((s & (1 << i)) != 0) continue;
                        var m = members[i];
                        f.Add(GrammarExpression.Sequence([m.Key, m.Value, Ref(restNames[s | (1 << i), counts.Next(c)])]));
                        r.Add(GrammarExpression.Sequence([_tokens.Comma, m.Key, m.Value, Ref(restNames[s | (1 << i), counts.Next(c)])]));
                    }
                }
                if ((s & requiredMask) == requiredMask && counts.CanClose(c))
                {
                    f.Add(_tokens.CloseBrace);
                    r.Add(_tokens.CloseBrace);
                }
                if (extra is not null && counts.CanAdd(c))
                {
                    f.Add(GrammarExpression.Sequence([extra, Ref(restNames[s, counts.Next(c)])]));
                    r.Add(GrammarExpression.Sequence([_tokens.Comma, extra, Ref(restNames[s, counts.Next(c)])]));
                }
                if (s == 0 && c == 0) _builder.DefineRule(firstName, Choice(f), default);
                _builder.DefineRule(restNames[s, c], Choice(r), default);
            }
        }
        return GrammarExpression.Sequence([_tokens.OpenBrace, Ref(firstName)]);
    }

    private static GrammarExpression Choice(List<GrammarExpression> items) =>
        items.Count == 0 ? GrammarExpression.Pattern(RegexNode.Nothing, "nothing") : GrammarExpression.Choice(items);

    private string NewRuleName(string hint) => hint + (_ruleCount++).ToString(CultureInfo.InvariantCulture);

    private static GrammarExpression Ref(string name) => GrammarExpression.RuleReference(name, default);
}
