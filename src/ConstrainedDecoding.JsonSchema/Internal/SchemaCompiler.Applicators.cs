using System.Text.Json;
using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.JsonSchema.Internal;

// oneOf disjointness proofs and if/then/else.
internal sealed partial class SchemaCompiler
{
    // Sound over-approximation of the instance types a schema allows (following $ref, allOf, anyOf, oneOf).
    private JsonTypes PossibleTypes(Located at, int depth)
    {
        var el = at.Element;
        if (el.ValueKind == JsonValueKind.False) return JsonTypes.None;
        if (el.ValueKind != JsonValueKind.Object || depth > 20) return JsonTypes.All;
        var t = JsonTypes.All;
        if (el.TryGetProperty("type", out var ty))
        {
            try
            {
                t &= ParseTypes(ty, at);
            }
            catch (UnsupportedSchemaException)
            {
                return JsonTypes.All;
            }
        }
        if (el.TryGetProperty("const", out var c) && AtLeast(JsonSchemaDraft.Draft6)) t &= Widen(JsonValues.TypeOf(c));
        if (el.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array)
        {
            var et = JsonTypes.None;
            foreach (var v in e.EnumerateArray()) et |= Widen(JsonValues.TypeOf(v));
            t &= et;
        }
        if (el.TryGetProperty("$ref", out var r) && r.ValueKind == JsonValueKind.String && _registry.Resolve(at, r.GetString()!) is { } target)
        {
            t &= PossibleTypes(target, depth + 1);
        }
        if (el.TryGetProperty("allOf", out var all) && all.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var s in all.EnumerateArray()) t &= PossibleTypes(at.Child("allOf", all).Child((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), s), depth + 1);
        }
        foreach (var kw in new[] { "anyOf", "oneOf" })
        {
            if (el.TryGetProperty(kw, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var u = JsonTypes.None;
                int i = 0;
                foreach (var s in list.EnumerateArray()) u |= PossibleTypes(at.Child(kw, list).Child((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), s), depth + 1);
                t &= u;
            }
        }
        return t;
    }

    // An integer-valued number literal may also be spelled as a non-integer (1.0): treat numbers as one type here.
    private static JsonTypes Widen(JsonTypes t) => (t & JsonTypes.Number) != 0 ? t | JsonTypes.Number : t;

    private bool ProvablyDisjoint(List<Located> branches, List<Part> context)
    {
        var types = branches.Select(b => PossibleTypes(b, 0)).ToList();
        var resolved = branches.Select(b => Deref(b)).ToList();
        // The rest of the conjunction limits the types too (e.g. `type: object` next to the oneOf).
        var contextTypes = JsonTypes.All;
        foreach (var p in context)
        {
            if (p.Keyword is null && !p.IsNegated) contextTypes &= PossibleTypes(p.At, 0);
        }
        bool pairwise = true;
        for (int i = 0; i < types.Count && pairwise; i++)
        {
            for (int j = i + 1; j < types.Count; j++)
            {
                // integer vs number overlap is real: an integer is a number.
                var overlap = types[i] & types[j] & contextTypes;
                if (overlap == JsonTypes.None) continue;
                // Objects only: one requires a property the other forbids (closed, not declared, no patterns).
                if (overlap == JsonTypes.Object && resolved[i] is { } a && resolved[j] is { } b && (RequiresForbidden(a, b) || RequiresForbidden(b, a))) continue;
                pairwise = false;
                break;
            }
        }
        if (pairwise) return true;
        return DiscriminatedObjects(branches);
    }

    // Whether `a` requires a property name that `b` cannot have (b closed by additionalProperties: false).
    private static bool RequiresForbidden(Located a, Located b)
    {
        var ea = a.Element;
        var eb = b.Element;
        if (ea.ValueKind != JsonValueKind.Object || eb.ValueKind != JsonValueKind.Object) return false;
        if (!eb.TryGetProperty("additionalProperties", out var ap) || ap.ValueKind != JsonValueKind.False) return false;
        if (eb.TryGetProperty("patternProperties", out var pp) && pp.ValueKind == JsonValueKind.Object && pp.EnumerateObject().Any()) return false;
        var declared = eb.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
            ? props.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];
        return ea.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            && r.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String && !declared.Contains(x.GetString()!));
    }

    // Every branch requires one common property whose const/enum values are pairwise disjoint.
    private bool DiscriminatedObjects(List<Located> branches)
    {
        var resolved = branches.Select(b => Deref(b)).ToList();
        if (resolved.Any(b => b is null || b.Value.Element.ValueKind != JsonValueKind.Object)) return false;
        var first = resolved[0]!.Value.Element;
        if (!first.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object) return false;
        foreach (var candidate in props.EnumerateObject())
        {
            var sets = new List<List<JsonElement>>();
            foreach (var b in resolved)
            {
                var el = b!.Value.Element;
                if (!Requires(el, candidate.Name)) { sets.Clear(); break; }
                if (!el.TryGetProperty("properties", out var bp) || !bp.TryGetProperty(candidate.Name, out var ps) || ps.ValueKind != JsonValueKind.Object) { sets.Clear(); break; }
                var values = ps.TryGetProperty("const", out var c) && AtLeast(JsonSchemaDraft.Draft6) ? [c]
                    : ps.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : null;
                if (values is null) { sets.Clear(); break; }
                sets.Add(values);
            }
            if (sets.Count != resolved.Count) continue;
            bool disjoint = true;
            for (int i = 0; i < sets.Count && disjoint; i++)
            {
                for (int j = i + 1; j < sets.Count && disjoint; j++)
                {
                    if (sets[i].Any(a => sets[j].Any(b => JsonValues.Equal(a, b)))) disjoint = false;
                }
            }
            if (disjoint) return true;
        }
        return false;
    }

    private static bool Requires(JsonElement el, string name) =>
        el.ValueKind == JsonValueKind.Object && el.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array && r.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String && x.GetString() == name);

    private Located? Deref(Located at)
    {
        for (int i = 0; i < 20; i++)
        {
            if (at.Element.ValueKind != JsonValueKind.Object || !at.Element.TryGetProperty("$ref", out var r) || r.ValueKind != JsonValueKind.String) return at;
            if (_registry.Resolve(at, r.GetString()!) is not { } next) return null;
            at = next;
        }
        return null;
    }

    // if/then/else: (if ∧ then) ∨ (¬if ∧ else), the complement of `if` as a negated part (refused where not expressible).
    private (bool Handled, GrammarExpression? Expression) Conditional(List<Part> flat, int idx)
    {
        var part = flat[idx];
        var el = part.At.Element;
        var rest = new List<Part>(flat);
        rest[idx] = part with { Skip = part.Skip | SkipIf };
        var cond = el.GetProperty("if");
        bool hasThen = el.TryGetProperty("then", out var then);
        bool hasElse = el.TryGetProperty("else", out var els);
        if (!hasThen && !hasElse) return (true, Value(rest));
        var condAt = part.At.Child("if", cond);
        var choices = new List<GrammarExpression>();
        var thenConj = new List<Part>(rest) { new(condAt, 0) };
        if (hasThen) thenConj.Add(new Part(part.At.Child("then", then), 0));
        if (Value(thenConj) is { } a) choices.Add(a);
        var elseConj = new List<Part>(rest) { new(condAt, Negated) };
        if (hasElse) elseConj.Add(new Part(part.At.Child("else", els), 0));
        if (Value(elseConj) is { } b) choices.Add(b);
        return (true, choices.Count == 0 ? null : GrammarExpression.Choice(choices));
    }

    // Several if/then/else in one conjunction whose conditions test one property against pairwise disjoint constants
    // (the usual discriminator pattern, e.g. allOf of if {properties: {kind: {const: "a"}}, required: [kind]}): at
    // most one condition holds, so there are k + 2 alternatives instead of 2^k: condition i (its then, every other
    // else), the property absent, or present with a value outside every constant.
    private (GrammarExpression? Expression, bool Unused)? DiscriminatedConditionals(List<Part> flat, int idx)
    {
        if (!IsDiscriminatorCondition(flat[idx], out string name, out bool required, out bool typeObject, out _)) return null;
        var group = new List<(int Index, List<JsonElement> Values, bool Required, bool TypeObject)>();
        for (int i = 0; i < flat.Count; i++)
        {
            if (IsDiscriminatorCondition(flat[i], out string n, out bool r, out bool t, out var values) && n == name) group.Add((i, values, r, t));
        }
        if (group.Count < 2 || group.Any(g => g.Required != required || g.TypeObject != typeObject)) return null;
        for (int i = 0; i < group.Count; i++)
        {
            for (int j = i + 1; j < group.Count; j++)
            {
                if (group[i].Values.Any(a => group[j].Values.Any(b => JsonValues.Equal(a, b)))) return null;
            }
        }
        var rest = new List<Part>(flat);
        foreach (var g in group) rest[g.Index] = flat[g.Index] with { Skip = flat[g.Index].Skip | SkipIf };
        List<Part> Branch(Located at, string branch) =>
            at.Element.TryGetProperty(branch, out var b) ? [new Part(at.Child(branch, b), 0)] : [];
        var choices = new List<GrammarExpression>();
        foreach (var g in group)
        {
            // The property present with one of this condition's values: the other conditions fail.
            var conj = new List<Part>(rest) { new(flat[idx].At, 0, "present:" + name) };
            foreach (var h in group)
            {
                var at = flat[h.Index].At;
                if (h.Index == g.Index) conj.AddRange([new Part(at.Child("if", at.Element.GetProperty("if")), 0), .. Branch(at, "then")]);
                else conj.AddRange(Branch(at, "else"));
            }
            if (Value(conj) is { } v) choices.Add(v);
        }
        // Absent: every condition fails when it requires the property, holds otherwise. Non-objects fail every
        // condition with `type: object`, else satisfy it (properties and required hold vacuously).
        string forAbsent = required ? "else" : "then", forNonObjects = typeObject ? "else" : "then";
        var absent = new List<Part>(rest) { new(flat[idx].At, 0, "absent:" + name) };
        if (forAbsent != forNonObjects) absent.Add(new Part(flat[idx].At, 0, "object:"));
        foreach (var h in group) absent.AddRange(Branch(flat[h.Index].At, forAbsent));
        if (Value(absent) is { } va) choices.Add(va);
        if (forAbsent != forNonObjects)
        {
            var nonObject = new List<Part>(rest) { new(flat[idx].At, 0, "nonobject:") };
            foreach (var h in group) nonObject.AddRange(Branch(flat[h.Index].At, forNonObjects));
            if (Value(nonObject) is { } vn) choices.Add(vn);
        }
        // Present with a value outside every condition's values: every condition fails.
        var other = new List<Part>(rest);
        foreach (var h in group)
        {
            var cond = flat[h.Index].At.Child("if", flat[h.Index].At.Element.GetProperty("if"));
            other.Add(new Part(cond, 0, "violates:" + name));
            other.AddRange(Branch(flat[h.Index].At, "else"));
        }
        if (Value(other) is { } vo) choices.Add(vo);
        return (choices.Count == 0 ? null : GrammarExpression.Choice(choices), false);
    }

    // if: {properties: {name: {const | enum}}, required: [name]?, type: object?} and nothing else that asserts.
    private bool IsDiscriminatorCondition(Part part, out string name, out bool required, out bool typeObject, out List<JsonElement> values)
    {
        name = "";
        required = false;
        typeObject = false;
        values = [];
        if (part.Keyword is not null || part.IsNegated || (part.Skip & SkipIf) != 0) return false;
        var el = part.At.Element;
        if (el.ValueKind != JsonValueKind.Object || !el.TryGetProperty("if", out var cond) || cond.ValueKind != JsonValueKind.Object) return false;
        if (!el.TryGetProperty("then", out _) && !el.TryGetProperty("else", out _)) return false;
        foreach (var kw in cond.EnumerateObject())
        {
            if (kw.Name is "properties" or "required") continue;
            if (kw.Name == "type" && kw.Value.ValueKind == JsonValueKind.String && kw.Value.GetString() == "object")
            {
                typeObject = true;
                continue;
            }
            if (s_annotations.Contains(kw.Name) && kw.Name is not ("$ref" or "allOf" or "anyOf" or "oneOf" or "if" or "then" or "else")) continue;
            if (!s_handled.Contains(kw.Name)) continue;
            return false;
        }
        if (!cond.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object) return false;
        var list = props.EnumerateObject().ToList();
        if (list.Count != 1 || list[0].Value.ValueKind != JsonValueKind.Object) return false;
        name = list[0].Name;
        var ps = list[0].Value;
        if (ps.EnumerateObject().Any(p => p.Name is not ("const" or "enum") && !s_annotations.Contains(p.Name) && s_handled.Contains(p.Name))) return false;
        if (ps.TryGetProperty("const", out var c) && AtLeast(JsonSchemaDraft.Draft6)) values = [c];
        else if (ps.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array) values = e.EnumerateArray().ToList();
        else return false;
        if (cond.TryGetProperty("required", out var r))
        {
            if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 1 || r[0].GetString() != name) return false;
            required = true;
        }
        return true;
    }
}
