namespace ConstrainedDecoding.Regex;

/// <summary>
/// Equality of regex nodes by structure: the same kind, bounds and children, compared recursively (by reference
/// first), with leaves (byte classes, the empty string, automata) compared by key. Structurally equal nodes have
/// equal keys, so equal here means the same language; unlike comparing keys it builds no key string for a node
/// that has none yet. Hash codes are cached on composite nodes.
/// </summary>
internal sealed class StructuralComparer : IEqualityComparer<RegexNode>, IAlternateEqualityComparer<ConcatProbe, RegexNode>
{
    public static readonly StructuralComparer Instance = new();

    private StructuralComparer()
    {
    }

    public bool Equals(RegexNode? x, RegexNode? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null || x.GetType() != y.GetType()) return false;
        // Cached hashes tell most unequal composites apart at once; a leaf's would hash its key, which the comparison reads anyway.
        if (x is ConcatRegex or AlternationRegex or RepeatRegex && GetHashCode(x) != GetHashCode(y)) return false;
        switch (x)
        {
            case ConcatRegex cx:
                return SameChildren(cx.Parts.AsSpan(), ((ConcatRegex)y).Parts.AsSpan());
            case AlternationRegex ax:
                return SameChildren(ax.Branches.AsSpan(), ((AlternationRegex)y).Branches.AsSpan());
            case RepeatRegex rx:
            {
                var ry = (RepeatRegex)y;
                return rx.Min == ry.Min && rx.Max == ry.Max && Equals(rx.Body, ry.Body);
            }
            default:
                return string.Equals(x.Key, y.Key, StringComparison.Ordinal);
        }
    }

    private bool SameChildren(ReadOnlySpan<RegexNode> a, ReadOnlySpan<RegexNode> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (!Equals(a[i], b[i])) return false;
        }
        return true;
    }

    public int GetHashCode(RegexNode node)
    {
        switch (node)
        {
            case ConcatRegex or AlternationRegex or RepeatRegex:
            {
                int cached = Volatile.Read(ref node.StructuralHash);
                if (cached != 0) return cached;
                int h = Compute(node);
                if (h == 0) h = 1;
                Volatile.Write(ref node.StructuralHash, h); // racing threads store the same value
                return h;
            }
            default:
                return string.GetHashCode(node.Key, StringComparison.Ordinal);
        }
    }

    /// <summary>Whether <paramref name="other"/> is the concatenation <paramref name="probe"/> describes.</summary>
    public bool Equals(ConcatProbe probe, RegexNode other)
    {
        if (other is not ConcatRegex c) return false;
        var parts = c.Parts.AsSpan();
        if (parts.Length != probe.Head.Length + probe.Tail.Length) return false;
        // No hash check: a dictionary calls this only for entries whose hash matched the probe's (computing it again
        // here would walk the parts twice); the parts' own comparisons use their cached hashes.
        return SameChildren(probe.Head, parts[..probe.Head.Length]) && SameChildren(probe.Tail, parts[probe.Head.Length..]);
    }

    /// <summary>The hash code the concatenation <paramref name="probe"/> describes would have.</summary>
    public int GetHashCode(ConcatProbe probe)
    {
        var hash = new HashCode();
        hash.Add(1);
        foreach (var p in probe.Head) hash.Add(GetHashCode(p));
        foreach (var p in probe.Tail) hash.Add(GetHashCode(p));
        int h = hash.ToHashCode();
        return h == 0 ? 1 : h;
    }

    /// <summary>Builds the concatenation <paramref name="probe"/> describes.</summary>
    public RegexNode Create(ConcatProbe probe)
    {
        var parts = new RegexNode[probe.Head.Length + probe.Tail.Length];
        probe.Head.CopyTo(parts);
        probe.Tail.CopyTo(parts.AsSpan(probe.Head.Length));
        return RegexNode.Concat(parts, owned: true);
    }

    private int Compute(RegexNode node)
    {
        var hash = new HashCode();
        switch (node)
        {
            case ConcatRegex c:
                hash.Add(1);
                foreach (var p in c.Parts) hash.Add(GetHashCode(p));
                break;
            case AlternationRegex a:
                hash.Add(2);
                foreach (var b in a.Branches) hash.Add(GetHashCode(b));
                break;
            case RepeatRegex r:
                hash.Add(3);
                hash.Add(r.Min);
                hash.Add(r.Max);
                hash.Add(GetHashCode(r.Body));
                break;
        }
        return hash.ToHashCode();
    }
}

/// <summary>
/// A concatenation not built yet: <see cref="Head"/> then <see cref="Tail"/>, both already flat (no concatenation or
/// empty-string parts) and together at least two parts, so that <see cref="RegexNode.Concat(RegexNode[])"/> would
/// make a <see cref="ConcatRegex"/> of exactly these parts. Lets a derivative automaton find an existing state
/// without allocating the derivative.
/// </summary>
internal readonly ref struct ConcatProbe(ReadOnlySpan<RegexNode> head, ReadOnlySpan<RegexNode> tail)
{
    public ReadOnlySpan<RegexNode> Head { get; } = head;

    public ReadOnlySpan<RegexNode> Tail { get; } = tail;
}
