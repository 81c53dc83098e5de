namespace ConstrainedDecoding.Regex;

/// <summary>
/// Equality of regex nodes by structure: the same kind, bounds and children, compared recursively (by reference
/// first), with leaves (byte classes, the empty string, automata) compared by key. Structurally equal nodes have
/// equal keys, so equal here means the same language; unlike comparing keys it builds no key string for a node
/// that has none yet. Hash codes are cached on composite nodes.
/// </summary>
internal sealed class StructuralComparer : IEqualityComparer<RegexNode>
{
    public static readonly StructuralComparer Instance = new();

    private StructuralComparer()
    {
    }

    public bool Equals(RegexNode? x, RegexNode? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null || x.GetType() != y.GetType()) return false;
        if (GetHashCode(x) != GetHashCode(y)) return false;
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
