using System.Text.Json;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>JSON instance types as bits; <see cref="Number"/> is integer or non-integer.</summary>
[Flags]
internal enum JsonTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    String = 16,
    Integer = 32,
    NonInteger = 64,
    Number = Integer | NonInteger,
    All = 127,
}

/// <summary>The merged constraints of a conjunction of schemas without pending <c>anyOf</c>/<c>oneOf</c>.</summary>
internal sealed class SchemaFacts
{
    public JsonTypes Types { get; set; } = JsonTypes.All;

    /// <summary>Allowed values (intersection of enum/const); null when unconstrained.</summary>
    public List<JsonElement>? Values { get; set; }

    /// <summary>Values excluded by <c>not</c>.</summary>
    public List<JsonElement> ExcludedValues { get; } = [];

    public int MinLength { get; set; }

    public int MaxLength { get; set; } = -1;

    public List<(string Pattern, Located At)> Patterns { get; } = [];

    public List<(string Format, Located At)> Formats { get; } = [];

    /// <summary>Patterns (or format regexes, anchored) the string must not match.</summary>
    public List<(string Source, Located At, bool IsFormat)> NegatedPatterns { get; } = [];

    public NumberBound? Minimum { get; set; }

    public NumberBound? Maximum { get; set; }

    public List<(JsonDecimal Divisor, Located At)> MultipleOf { get; } = [];

    /// <summary>Schema objects with object keywords (properties, additionalProperties, patternProperties).</summary>
    public List<Located> ObjectParts { get; } = [];

    public List<string> Required { get; } = [];

    /// <summary>More constraints on the values of named properties (complements of <c>properties</c> entries).</summary>
    public List<(string Name, SchemaCompiler.Part Schema)> PropertyConstraints { get; } = [];

    public HashSet<string> Forbidden { get; } = new(StringComparer.Ordinal);

    public List<Located> PropertyNames { get; } = [];

    public int MinProperties { get; set; }

    public int MaxProperties { get; set; } = -1;

    /// <summary>Schema objects with array keywords (items, prefixItems, additionalItems).</summary>
    public List<Located> ArrayParts { get; } = [];

    /// <summary>More constraints on items at given positions (complements of positional schemas).</summary>
    public List<(int Index, SchemaCompiler.Part Schema)> PrefixConstraints { get; } = [];

    public int MinItems { get; set; }

    public int MaxItems { get; set; } = -1;

    public Located? UniqueItems { get; set; }

    /// <summary>Schema objects with <c>contains</c> (and their minContains/maxContains).</summary>
    public List<Located> Contains { get; } = [];

    /// <summary>Schema objects with an <c>unevaluatedProperties</c> other than <c>true</c>.</summary>
    public List<Located> UnevaluatedProperties { get; } = [];

    /// <summary>Schema objects with an <c>unevaluatedItems</c> other than <c>true</c>.</summary>
    public List<Located> UnevaluatedItems { get; } = [];

    /// <summary>Ids of every subschema in the conjunction (for annotation collection by unevaluated*).</summary>
    public HashSet<string> FlatIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Tightens <see cref="Minimum"/> (lower bound) or <see cref="Maximum"/> with <paramref name="bound"/>.</summary>
    public void NarrowBound(NumberBound bound, bool isLower)
    {
        if (isLower)
        {
            var cur = Minimum;
            Narrow(ref cur, bound, isLower: true);
            Minimum = cur;
        }
        else
        {
            var cur = Maximum;
            Narrow(ref cur, bound, isLower: false);
            Maximum = cur;
        }
    }

    public static void Narrow(ref NumberBound? current, NumberBound next, bool isLower)
    {
        if (current is not { } c)
        {
            current = next;
            return;
        }
        int cmp = next.Value.CompareTo(c.Value);
        if (isLower ? cmp > 0 : cmp < 0) current = next;
        else if (cmp == 0 && !next.Inclusive) current = next;
    }
}
