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
        // Parts and branches that cannot start with b derive to Nothing: they are skipped without being
        // visited (a key-exclusion pattern is an alternation over every first character, each a large
        // UTF-8 and escape alternation, of which one or two branches match a given byte).
        switch (node)
        {
            case EmptyRegex:
                return RegexNode.Nothing;
            case ByteClassRegex c:
                return c.Set.Contains(b) ? RegexNode.Empty : RegexNode.Nothing;
            case AlternationRegex a:
            {
                if (!a.Lead.Contains(b)) return RegexNode.Nothing;
                RegexNode? single = null;
                List<RegexNode>? branches = null;
                foreach (var branch in a.Branches)
                {
                    if (!RegexNode.LeadBytes(branch).Contains(b)) continue;
                    var d = Derive(branch, b);
                    if (d is null) return null;
                    if (IsNothing(d)) continue;
                    Collect(d, ref single, ref branches);
                }
                return Result(single, branches);
            }
            case ConcatRegex c:
            {
                if (!c.Lead.Contains(b)) return RegexNode.Nothing;
                // d(p0 p1 … pn) = d(p0) p1 … pn  |  d(p1 … pn) when p0 is nullable, and so on.
                RegexNode? single = null;
                List<RegexNode>? branches = null;
                var parts = c.Parts;
                for (int i = 0; i < parts.Length; i++)
                {
                    if (RegexNode.LeadBytes(parts[i]).Contains(b))
                    {
                        var d = Derive(parts[i], b);
                        if (d is null) return null;
                        if (!IsNothing(d)) Collect(Prepend(d, parts.AsSpan()[(i + 1)..]), ref single, ref branches);
                    }
                    if (!parts[i].IsNullable) break;
                }
                return Result(single, branches);
            }
            case RepeatRegex r:
            {
                // d(r{m,n}) = d(r) r{m-1,n-1} (the body's own ε does not change the language).
                if (!RegexNode.LeadBytes(r.Body).Contains(b)) return RegexNode.Nothing;
                var d = Derive(r.Body, b);
                if (d is null) return null;
                if (IsNothing(d)) return RegexNode.Nothing;
                return RegexNode.Concat([d, RepeatRest(r)], owned: true);
            }
            case AutomatonRegex m:
            {
                // The automaton is deterministic: at most one edge of the start state holds the byte.
                foreach (var (bytes, target) in m.EdgesOf(m.Start))
                {
                    if (bytes.Contains(b)) return m.StartingAt(target);
                }
                return RegexNode.Nothing;
            }
            default:
                return null;
        }
    }

    /// <summary>What is left of <paramref name="r"/> after one occurrence: <c>r{m-1,n-1}</c>, and <paramref name="r"/> itself when that is the same repeat (<c>x*</c>).</summary>
    internal static RegexNode RepeatRest(RepeatRegex r)
    {
        int min = Math.Max(r.Min - 1, 0);
        int max = r.Max == RegexNode.Unbounded ? RegexNode.Unbounded : r.Max - 1;
        return min == r.Min && max == r.Max ? r : RegexNode.Repeat(r.Body, min, max);
    }

    /// <summary>
    /// <paramref name="d"/> followed by the rest of a concatenation's parts (flat: no concatenations or empty strings
    /// among them), as <see cref="RegexNode.Concat(RegexNode[])"/> would build it, with one array: building [d, rest…]
    /// first and letting Concat flatten a derivative that is ε or a concatenation copied the rest twice (most steps
    /// through a literal do).
    /// </summary>
    internal static RegexNode Prepend(RegexNode d, ReadOnlySpan<RegexNode> rest)
    {
        if (d is EmptyRegex)
        {
            return rest.Length switch
            {
                0 => RegexNode.Empty,
                1 => rest[0],
                _ => RegexNode.Concat(rest.ToArray(), owned: true),
            };
        }
        if (rest.IsEmpty) return d;
        RegexNode[] items;
        if (d is ConcatRegex dc)
        {
            items = new RegexNode[dc.Parts.Length + rest.Length];
            dc.Parts.CopyTo(items, 0);
            rest.CopyTo(items.AsSpan(dc.Parts.Length));
        }
        else
        {
            items = new RegexNode[1 + rest.Length];
            items[0] = d;
            rest.CopyTo(items.AsSpan(1));
        }
        return RegexNode.Concat(items, owned: true);
    }

    // Most derivatives have one live branch: no list for those.
    private static void Collect(RegexNode d, ref RegexNode? single, ref List<RegexNode>? branches)
    {
        if (branches is not null) branches.Add(d);
        else if (single is null) single = d;
        else branches = [single, d];
    }

    private static RegexNode Result(RegexNode? single, List<RegexNode>? branches) =>
        branches is not null ? Union(branches) : single ?? RegexNode.Nothing;

    /// <summary>
    /// A node that matches the same byte strings of length at most <paramref name="depth"/> as viable
    /// prefixes and as full matches (token tables only look that far): repeat bounds beyond the depth
    /// cannot be told apart within it, so <c>x{a,b}</c> with <c>b</c> past it becomes <c>x{a,}</c> and
    /// with <c>a</c> past it <c>x{depth+1,}</c>. Lets the states of a long bounded string share one table.
    /// Only the top structure (concatenations and alternations, not repeat bodies) is rewritten.
    /// </summary>
    public static RegexNode WithinDepth(RegexNode node, int depth)
    {
        int budget = 64;
        return WithinDepth(node, depth, ref budget);
    }

    // Visits at most `budget` nodes in all (the rest is left as it is, which is always sound).
    private static RegexNode WithinDepth(RegexNode node, int depth, ref int budget)
    {
        if (--budget < 0) return node;
        switch (node)
        {
            case RepeatRegex r:
            {
                int min = r.Min > depth ? depth + 1 : r.Min;
                int max = r.Max == RegexNode.Unbounded || r.Max > depth ? RegexNode.Unbounded : r.Max;
                if (r.Body.IsNullable) min = 0;
                return min == r.Min && max == r.Max ? r : RegexNode.Repeat(r.Body, min, max);
            }
            case ConcatRegex c:
            {
                RegexNode[]? parts = null;
                for (int i = 0; i < c.Parts.Length; i++)
                {
                    var p = WithinDepth(c.Parts[i], depth, ref budget);
                    if (!ReferenceEquals(p, c.Parts[i]))
                    {
                        parts ??= [.. c.Parts];
                        parts[i] = p;
                    }
                }
                return parts is null ? c : RegexNode.Concat(parts);
            }
            case AlternationRegex a:
            {
                RegexNode[]? branches = null;
                for (int i = 0; i < a.Branches.Length; i++)
                {
                    var b = WithinDepth(a.Branches[i], depth, ref budget);
                    if (!ReferenceEquals(b, a.Branches[i]))
                    {
                        branches ??= [.. a.Branches];
                        branches[i] = b;
                    }
                }
                return branches is null ? a : RegexNode.Alternate(branches);
            }
            default:
                return node;
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
