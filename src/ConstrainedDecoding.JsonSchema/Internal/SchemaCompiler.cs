using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>
/// One compilation: turns conjunctions of subschemas into grammar rules. A conjunction is expanded
/// (<c>$ref</c>, <c>allOf</c>), its first <c>anyOf</c>/<c>oneOf</c> distributed into a choice, and the rest merged
/// into <see cref="SchemaFacts"/> from which the value grammar is emitted. Conjunctions are memoized as rules, so
/// recursive schemas become recursive rules.
/// </summary>
internal sealed partial class SchemaCompiler
{
    /// <summary>
    /// A subschema in a conjunction, with the applicator keywords already distributed (bits of <see cref="SkipAnyOf"/> …).
    /// With <see cref="Negated"/> it stands for the complement of the subschema, or with <paramref name="Keyword"/> of
    /// that one keyword of it; a non-negated <paramref name="Keyword"/> is a synthetic presence condition
    /// (<c>present:name</c>, <c>absent:name</c>).
    /// </summary>
    internal readonly record struct Part(Located At, int Skip, string? Keyword = null)
    {
        public string Key => At.Id + "|" + Skip + (Keyword is null ? "" : "|" + Keyword);

        public bool IsNegated => (Skip & Negated) != 0;

        /// <summary>The constraint this part stands for, regardless of what has been distributed already.</summary>
        public string Identity => At.Id + ((Skip & Negated) != 0 ? "|not" : "") + (Keyword is null ? "" : "|" + Keyword);
    }

    /// <summary>oneOf branches that are not provably disjoint are made exclusive by complements, up to this many.</summary>
    internal const int MaxOneOfComplements = 8;

    /// <summary>Distinct conjunctions (memoized rules) per schema: distributions that multiply beyond it are refused.</summary>
    internal const int MaxConjunctions = 20_000;

    /// <summary>Alternatives the complements of overlapping oneOf branches may combine into.</summary>
    internal const int MaxComplementCombinations = 512;

    internal const int SkipAnyOf = 1;
    internal const int SkipOneOf = 2;
    internal const int SkipIf = 4;
    internal const int Negated = 8;
    internal const int SkipDependencies = 16;
    internal const int SkipNot = 32;

    private readonly JsonSchemaOptions _options;
    private readonly SchemaRegistry _registry;
    private readonly JsonSchemaDraft _draft;
    private readonly GrammarBuilder _builder = new();
    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly List<JsonSchemaWarning> _warnings = [];
    private readonly JsonTokens _tokens;
    private int _ruleCount;

    public SchemaCompiler(JsonElement root, JsonSchemaOptions options)
    {
        _options = options;
        _draft = options.Draft == JsonSchemaDraft.Auto ? DetectDraft(root) : options.Draft;
        _registry = new SchemaRegistry(root, _draft == JsonSchemaDraft.Draft4, options.RemoteResolver, refIgnoresSiblings: _draft < JsonSchemaDraft.Draft201909);
        _tokens = new JsonTokens(options);
    }

    public JsonSchemaCompileResult Compile()
    {
        var value = Value([new Part(_registry.Root, 0)]);
        if (value is null) throw new UnsatisfiableSchemaException("");
        var top = _tokens.Document(value);
        _builder.DefineRule("start", top, default);
        return new JsonSchemaCompileResult(_builder.Build("start"), _warnings);
    }

    private static JsonSchemaDraft DetectDraft(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("$schema", out var s) || s.ValueKind != JsonValueKind.String)
        {
            return JsonSchemaDraft.Draft202012;
        }
        string uri = s.GetString()!;
        if (uri.Contains("draft-04", StringComparison.Ordinal)) return JsonSchemaDraft.Draft4;
        if (uri.Contains("draft-06", StringComparison.Ordinal)) return JsonSchemaDraft.Draft6;
        if (uri.Contains("draft-07", StringComparison.Ordinal)) return JsonSchemaDraft.Draft7;
        if (uri.Contains("2019-09", StringComparison.Ordinal)) return JsonSchemaDraft.Draft201909;
        return JsonSchemaDraft.Draft202012;
    }

    private bool AtLeast(JsonSchemaDraft d) => _draft >= d;

    /// <summary>Refuses a keyword, or in lenient mode records the relaxation and returns.</summary>
    private void Refuse(string keyword, Located at, string reason)
    {
        if (!_options.Lenient) throw new UnsupportedSchemaException(keyword, _registry.Display(at), reason);
        _warnings.Add(new JsonSchemaWarning(keyword, _registry.Display(at), "relaxed: " + reason));
    }

    /// <summary>A malformed schema is always an error, in lenient mode too.</summary>
    private UnsupportedSchemaException Malformed(string keyword, Located at, string expected) =>
        new(keyword, _registry.Display(at), "malformed schema: expected " + expected);

    /// <summary>The grammar of the conjunction's instances; null when no instance is valid.</summary>
    internal GrammarExpression? Value(IReadOnlyList<Part> conj)
    {
        var flat = Expand(conj, out bool unsat);
        if (unsat) return null;
        string key = string.Join("&", flat.Select(p => p.Key));
        if (_rules.TryGetValue(key, out var existing))
        {
            return existing.Length == 0 ? null : GrammarExpression.RuleReference(existing, default);
        }
        if (_ruleCount > Limits.MaxRules / 10 || _rules.Count > MaxConjunctions)
        {
            throw new UnsupportedSchemaException("$ref", _registry.Display(conj[0].At), "the schema expands into too many distinct subschema combinations");
        }
        string name = "s" + _ruleCount++;
        _rules[key] = name;
        var body = Distribute(flat);
        if (body is null)
        {
            _rules[key] = "";
            // Rules referring to it (recursion) were built with the name; give it an empty language.
            _builder.DefineRule(name, GrammarExpression.Pattern(RegexNode.Nothing, "nothing"), default);
            return null;
        }
        _builder.DefineRule(name, body, default);
        return GrammarExpression.RuleReference(name, default);
    }

    // Follows $ref and allOf; drops `true`; reports `false`.
    private List<Part> Expand(IReadOnlyList<Part> conj, out bool unsat)
    {
        unsat = false;
        var result = new List<Part>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // The same subschema reached again (e.g. an allOf item re-expanded from its owner) is one constraint: the
        // applicators any copy has already distributed stay distributed.
        var done = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in conj) done[p.Identity] = done.GetValueOrDefault(p.Identity) | p.Skip;
        var stack = new Stack<Part>(conj.Reverse());
        while (stack.Count > 0)
        {
            var part = stack.Pop();
            if (done.TryGetValue(part.Identity, out int bits)) part = part with { Skip = part.Skip | bits };
            if (!seen.Add(part.Identity)) continue;
            if (seen.Count > 10_000) throw new UnsupportedSchemaException("allOf", _registry.Display(part.At), "too many subschemas in one conjunction");
            var el = part.At.Element;
            if (part.Keyword is not null)
            {
                result.Add(part);
                continue;
            }
            if (part.IsNegated)
            {
                // not true: nothing; not false: no constraint; otherwise distributed later.
                if (el.ValueKind == JsonValueKind.True)
                {
                    unsat = true;
                    return result;
                }
                if (el.ValueKind != JsonValueKind.False) result.Add(part);
                continue;
            }
            if (el.ValueKind == JsonValueKind.True) continue;
            if (el.ValueKind == JsonValueKind.False)
            {
                unsat = true;
                return result;
            }
            if (el.ValueKind != JsonValueKind.Object) throw Malformed("schema", part.At, "an object or a boolean");
            var pending = new List<Part>();
            if (el.TryGetProperty("$ref", out var r))
            {
                if (r.ValueKind != JsonValueKind.String) throw Malformed("$ref", part.At, "a string");
                var target = _registry.Resolve(part.At, r.GetString()!)
                    ?? throw new UnsupportedSchemaException("$ref", _registry.Display(part.At), $"cannot resolve '{r.GetString()}' (unknown target or remote document not supplied)");
                pending.Add(new Part(target, 0));
                if (!AtLeast(JsonSchemaDraft.Draft201909))
                {
                    // Draft 4-7: keywords next to $ref are ignored.
                    foreach (var p in pending) stack.Push(p);
                    continue;
                }
            }
            foreach (var dyn in new[] { "$dynamicRef", "$recursiveRef" })
            {
                if (el.TryGetProperty(dyn, out _) && AtLeast(JsonSchemaDraft.Draft201909))
                {
                    throw new UnsupportedSchemaException(dyn, _registry.Display(part.At), "dynamic references are not supported");
                }
            }
            if ((part.Skip & SkipNot) == 0 && el.TryGetProperty("not", out var not))
            {
                // Once: the negated part is consumed by distribution, and re-expanding the owner must not bring it back.
                pending.Add(new Part(part.At.Child("not", not), Negated));
                part = part with { Skip = part.Skip | SkipNot };
            }
            if (el.TryGetProperty("allOf", out var all))
            {
                if (all.ValueKind != JsonValueKind.Array) throw Malformed("allOf", part.At, "an array of schemas");
                var at = part.At.Child("allOf", all);
                int i = 0;
                foreach (var s in all.EnumerateArray()) pending.Add(new Part(at.Child((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), s), 0));
            }
            result.Add(part);
            for (int i = pending.Count - 1; i >= 0; i--) stack.Push(pending[i]);
        }
        return result;
    }

    // Distributes the first anyOf / oneOf / if, then merges.
    private GrammarExpression? Distribute(List<Part> flat)
    {
        // A finite set of values (enum/const): every other part, complements and applicators included, is checked on
        // each value by the validator, with no distribution at all.
        if (FiniteValues(flat) is { } values) return EmitValues(values, flat[0].At, flat);
        for (int idx = 0; idx < flat.Count; idx++)
        {
            var part = flat[idx];
            var el = part.At.Element;
            if (part.Keyword is not null) continue;
            if (part.IsNegated) return Complement(flat, idx);
            if ((part.Skip & SkipDependencies) == 0 && HasDependencies(el))
            {
                return Dependencies(flat, idx);
            }
            if ((part.Skip & SkipAnyOf) == 0 && el.TryGetProperty("anyOf", out var any))
            {
                return Branches(flat, idx, SkipAnyOf, "anyOf", any, exclusive: false);
            }
            if ((part.Skip & SkipOneOf) == 0 && el.TryGetProperty("oneOf", out var one))
            {
                return Branches(flat, idx, SkipOneOf, "oneOf", one, exclusive: true);
            }
            if ((part.Skip & SkipIf) == 0 && AtLeast(JsonSchemaDraft.Draft7) && el.TryGetProperty("if", out _))
            {
                if (DiscriminatedConditionals(flat, idx) is { } grouped) return grouped.Expression;
                var ifResult = Conditional(flat, idx);
                if (ifResult.Handled) return ifResult.Expression;
            }
        }
        return Emit(flat);
    }

    // The intersection of the enum/const lists of the positive parts; null when none has one.
    private List<JsonElement>? FiniteValues(List<Part> flat)
    {
        List<JsonElement>? values = null;
        foreach (var part in flat)
        {
            if (part.Keyword is not null || part.IsNegated || part.At.Element.ValueKind != JsonValueKind.Object) continue;
            var el = part.At.Element;
            if (el.TryGetProperty("enum", out var e))
            {
                if (e.ValueKind != JsonValueKind.Array) throw Malformed("enum", part.At, "an array");
                var list = e.EnumerateArray().ToList();
                values = values is null ? list : values.Where(a => list.Any(b => JsonValues.Equal(a, b))).ToList();
            }
            if (AtLeast(JsonSchemaDraft.Draft6) && el.TryGetProperty("const", out var c))
            {
                values = values is null ? [c] : values.Where(a => JsonValues.Equal(a, c)).ToList();
            }
        }
        return values;
    }

    private GrammarExpression? Branches(List<Part> flat, int idx, int skipBit, string keyword, JsonElement list, bool exclusive)
    {
        var part = flat[idx];
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0) throw Malformed(keyword, part.At, "a non-empty array of schemas");
        var at = part.At.Child(keyword, list);
        var rest = new List<Part>(flat);
        rest[idx] = part with { Skip = part.Skip | skipBit };
        var branches = new List<Located>();
        int i = 0;
        foreach (var s in list.EnumerateArray()) branches.Add(at.Child((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), s));
        // oneOf whose branches may overlap: branch i and the complement of every other branch.
        bool complementOthers = exclusive && branches.Count > 1 && !ProvablyDisjoint(branches, rest);
        if (complementOthers && branches.Count > MaxOneOfComplements)
        {
            Refuse(keyword, part.At, $"more than {MaxOneOfComplements} oneOf branches that are not provably disjoint");
            complementOthers = false;
        }
        if (complementOthers)
        {
            // Each complement is a union of alternatives; their product per branch must stay small.
            double combinations = branches.Select(b => (double)ComplementWidth(b, 0)).Aggregate(1.0, (x, y) => x * Math.Max(1, y));
            if (combinations > MaxComplementCombinations)
            {
                Refuse(keyword, part.At, $"the complements of these overlapping oneOf branches combine into about {combinations:0} alternatives (at most {MaxComplementCombinations})");
                complementOthers = false;
            }
        }
        var choices = new List<GrammarExpression>();
        foreach (var b in branches)
        {
            var conj = new List<Part>(rest) { new(b, 0) };
            if (complementOthers)
            {
                foreach (var other in branches)
                {
                    if (other.Id != b.Id) conj.Add(new Part(other, Negated));
                }
            }
            var v = Value(conj);
            if (v is not null) choices.Add(v);
        }
        return choices.Count == 0 ? null : GrammarExpression.Choice(choices);
    }
}
