using System.Globalization;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

// Objects: declared properties in schema order (each optional unless required), other properties anywhere between them.
internal sealed partial class SchemaCompiler
{
    /// <summary>Objects with at most this many declared properties accept them in any order (subset states); larger ones use schema order.</summary>
    internal const int MaxAnyOrderProperties = 4;

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
            var value = allowed ? Value(MemberConjunction(parts, name)) : null;
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
