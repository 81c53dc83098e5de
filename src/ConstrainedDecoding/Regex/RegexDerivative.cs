namespace ConstrainedDecoding.Regex;

/// <summary>
/// Brzozowski derivatives on the byte-level regex AST: the derivative of <c>r</c> by byte <c>b</c>
/// matches exactly the strings <c>s</c> such that <c>r</c> matches <c>b·s</c>. Built with the node
/// factories' simplifications (flattening, dropping <see cref="RegexNode.Nothing"/> and duplicate
/// branches), so that residual languages reached in different terminals often get the same
/// <see cref="RegexNode.Key"/>: equal keys mean equal languages, which is what lets terminals share
/// token tables. Unequal keys say nothing.
/// </summary>
internal static class RegexDerivative
{
    /// <summary>The derivative of <paramref name="node"/> by <paramref name="b"/>, or null for a node kind it does not know.</summary>
    public static RegexNode? Derive(RegexNode node, byte b)
    {
        switch (node)
        {
            case EmptyRegex:
                return RegexNode.Nothing;
            case ByteClassRegex c:
                return c.Set.Contains(b) ? RegexNode.Empty : RegexNode.Nothing;
            case AlternationRegex a:
            {
                var branches = new List<RegexNode>(a.Branches.Length);
                foreach (var branch in a.Branches)
                {
                    var d = Derive(branch, b);
                    if (d is null) return null;
                    if (!IsNothing(d)) branches.Add(d);
                }
                return Union(branches);
            }
            case ConcatRegex c:
            {
                // d(p0 p1 … pn) = d(p0) p1 … pn  |  d(p1 … pn) when p0 is nullable, and so on.
                var branches = new List<RegexNode>();
                var parts = c.Parts;
                for (int i = 0; i < parts.Length; i++)
                {
                    var d = Derive(parts[i], b);
                    if (d is null) return null;
                    if (!IsNothing(d))
                    {
                        var rest = new RegexNode[parts.Length - i];
                        rest[0] = d;
                        for (int j = i + 1; j < parts.Length; j++) rest[j - i] = parts[j];
                        branches.Add(RegexNode.Concat(rest));
                    }
                    if (!parts[i].IsNullable) break;
                }
                return Union(branches);
            }
            case RepeatRegex r:
            {
                // d(r{m,n}) = d(r) r{m-1,n-1} (the body's own ε does not change the language).
                var d = Derive(r.Body, b);
                if (d is null) return null;
                if (IsNothing(d)) return RegexNode.Nothing;
                int min = Math.Max(r.Min - 1, 0);
                int max = r.Max == RegexNode.Unbounded ? RegexNode.Unbounded : r.Max - 1;
                return RegexNode.Concat(d, RegexNode.Repeat(r.Body, min, max));
            }
            default:
                return null;
        }
    }

    // The factory's union, skipping it for zero or one branch (the common case: most branches die).
    private static RegexNode Union(List<RegexNode> branches) => branches.Count switch
    {
        0 => RegexNode.Nothing,
        1 => branches[0],
        _ => RegexNode.Alternate(branches),
    };

    /// <summary>Whether the node matches nothing at all (as the factories spell it).</summary>
    public static bool IsNothing(RegexNode node) => node is ByteClassRegex { Set.IsEmpty: true };
}
