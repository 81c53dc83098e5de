using System.Globalization;
using System.Text;

namespace ConstrainedDecoding.Regex;

/// <summary>Simple (one-to-one) case variants for case-insensitive matching.</summary>
/// <remarks>
/// Two code points are case variants when they are linked by a chain of invariant simple
/// upper/lower mappings (<see cref="Rune.ToUpperInvariant(Rune)"/>, <see cref="Rune.ToLowerInvariant(Rune)"/>),
/// so the relation is symmetric: <c>k</c>, <c>K</c> and the Kelvin sign U+212A form one class.
/// The classes are computed once over all code points; a set is folded by visiting only the
/// (few thousand) cased code points inside its ranges, so huge ranges cost no more than small ones.
/// </remarks>
internal static class CaseFolding
{
    private static readonly Lazy<FoldTable> s_table = new(BuildTable);

    public static CodepointSet AddSimpleCaseVariants(CodepointSet set)
    {
        var table = s_table.Value;
        var extra = new List<(int, int)>();
        foreach (var (lo, hi) in set.Ranges)
        {
            int i = Array.BinarySearch(table.Cased, lo);
            if (i < 0) i = ~i;
            for (; i < table.Cased.Length && table.Cased[i] <= hi; i++)
            {
                foreach (int v in table.Variants[i]) extra.Add((v, v));
            }
        }
        return extra.Count == 0 ? set : set.Union(CodepointSet.FromRanges(extra));
    }

    public static bool IsCased(int cp)
    {
        var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;
    }

    // Cased: sorted code points that have at least one variant; Variants[i]: the other members of Cased[i]'s class.
    private sealed record FoldTable(int[] Cased, int[][] Variants);

    private static FoldTable BuildTable()
    {
        // Union-find over the code points that take part in some mapping.
        var parent = new Dictionary<int, int>();
        int Find(int x)
        {
            while (parent.TryGetValue(x, out int p) && p != x)
            {
                int gp = parent.GetValueOrDefault(p, p);
                parent[x] = gp;
                x = gp;
            }
            return x;
        }
        void Link(int a, int b)
        {
            parent.TryAdd(a, a);
            parent.TryAdd(b, b);
            int ra = Find(a), rb = Find(b);
            if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        for (int cp = 0; cp <= CodepointSet.MaxCodepoint; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF) continue;
            var r = new Rune(cp);
            int up = Rune.ToUpperInvariant(r).Value, low = Rune.ToLowerInvariant(r).Value;
            if (up != cp) Link(cp, up);
            if (low != cp) Link(cp, low);
        }
        var classes = new Dictionary<int, List<int>>();
        foreach (int cp in parent.Keys)
        {
            int root = Find(cp);
            if (!classes.TryGetValue(root, out var members)) classes[root] = members = [];
            members.Add(cp);
        }
        var cased = parent.Keys.Order().ToArray();
        var variants = new int[cased.Length][];
        for (int i = 0; i < cased.Length; i++)
        {
            variants[i] = classes[Find(cased[i])].Where(v => v != cased[i]).Order().ToArray();
        }
        return new FoldTable(cased, variants);
    }
}
