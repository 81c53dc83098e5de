namespace ConstrainedDecoding.Regex;

/// <summary>Turns a set of code points into a byte-level regex over their UTF-8 encodings.</summary>
internal static class Utf8Lowering
{
    public static RegexNode Lower(CodepointSet set)
    {
        var branches = new List<RegexNode>();
        foreach (var (lo, hi) in set.Ranges)
        {
            SplitByLength(lo, hi, branches);
        }
        return MergeByPrefix(branches);
    }

    private static void SplitByLength(int lo, int hi, List<RegexNode> output)
    {
        int[] limits = [0x7F, 0x7FF, 0xFFFF, 0x10FFFF];
        int start = lo;
        foreach (int limit in limits)
        {
            if (start > hi) break;
            if (start > limit) continue;
            int end = Math.Min(hi, limit);
            Split(start, end, output);
            start = end + 1;
        }
    }

    // Splits [lo, hi] (same encoded length) into ranges whose encodings form a product of byte ranges.
    private static void Split(int lo, int hi, List<RegexNode> output)
    {
        int n = EncodedLength(lo);
        for (int i = 1; i < n; i++)
        {
            int m = (1 << (6 * i)) - 1;
            if ((lo & ~m) != (hi & ~m))
            {
                if ((lo & m) != 0)
                {
                    Split(lo, lo | m, output);
                    Split((lo | m) + 1, hi, output);
                    return;
                }
                if ((hi & m) != m)
                {
                    Split(lo, (hi & ~m) - 1, output);
                    Split(hi & ~m, hi, output);
                    return;
                }
            }
        }
        Span<byte> a = stackalloc byte[4];
        Span<byte> b = stackalloc byte[4];
        Encode(lo, a);
        Encode(hi, b);
        var parts = new RegexNode[n];
        for (int k = 0; k < n; k++)
        {
            parts[k] = RegexNode.ByteClass(ByteSet.Range(a[k], b[k]));
        }
        output.Add(RegexNode.Concat(parts));
    }

    // Groups sequences sharing their first byte class so the NFA stays small for big classes.
    private static RegexNode MergeByPrefix(List<RegexNode> branches)
    {
        var groups = new Dictionary<string, (RegexNode Head, List<RegexNode> Tails)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var b in branches)
        {
            if (b is ConcatRegex c)
            {
                var head = c.Parts[0];
                var tail = RegexNode.Concat(c.Parts.Skip(1));
                if (!groups.TryGetValue(head.Key, out var g))
                {
                    g = (head, new List<RegexNode>());
                    groups[head.Key] = g;
                    order.Add(head.Key);
                }
                g.Tails.Add(tail);
            }
            else
            {
                groups[b.Key + "#single"] = (b, new List<RegexNode>());
                order.Add(b.Key + "#single");
            }
        }
        var result = new List<RegexNode>();
        foreach (var key in order)
        {
            var (head, tails) = groups[key];
            result.Add(tails.Count == 0 ? head : RegexNode.Concat(head, MergeByPrefix(tails)));
        }
        return RegexNode.Alternate(result);
    }

    public static int EncodedLength(int cp) => cp switch
    {
        <= 0x7F => 1,
        <= 0x7FF => 2,
        <= 0xFFFF => 3,
        _ => 4,
    };

    public static void Encode(int cp, Span<byte> dest)
    {
        switch (EncodedLength(cp))
        {
            case 1:
                dest[0] = (byte)cp;
                break;
            case 2:
                dest[0] = (byte)(0xC0 | (cp >> 6));
                dest[1] = (byte)(0x80 | (cp & 0x3F));
                break;
            case 3:
                dest[0] = (byte)(0xE0 | (cp >> 12));
                dest[1] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                dest[2] = (byte)(0x80 | (cp & 0x3F));
                break;
            default:
                dest[0] = (byte)(0xF0 | (cp >> 18));
                dest[1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                dest[2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                dest[3] = (byte)(0x80 | (cp & 0x3F));
                break;
        }
    }
}
