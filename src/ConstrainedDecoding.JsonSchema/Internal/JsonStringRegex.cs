using System.Collections.Concurrent;
using System.Text;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>
/// Regexes over the JSON-encoded text of decoded string content: every code point may be written raw (when JSON
/// allows it raw) or escaped (<c>\"</c>, <c>\\</c>, <c>\/</c>, <c>\b\f\n\r\t</c>, <c>\uXXXX</c> in any hex case, and
/// astral code points as surrogate-pair escapes). Lone surrogate escapes are never produced.
/// </summary>
internal static class JsonStringRegex
{
    private static readonly ConcurrentDictionary<CodepointSet, RegexNode> s_charCache = new();

    /// <summary>Code points JSON allows unescaped inside a string.</summary>
    private static readonly CodepointSet s_raw = CodepointSet.Range(0x20, CodepointSet.MaxCodepoint)
        .Except(CodepointSet.Single('"')).Except(CodepointSet.Single('\\')).Except(CodepointSet.Range(0xD800, 0xDFFF));

    private static readonly (int Codepoint, char Escape)[] s_shortEscapes =
        [('"', '"'), ('\\', '\\'), ('/', '/'), ('\b', 'b'), ('\f', 'f'), ('\n', 'n'), ('\r', 'r'), ('\t', 't')];

    /// <summary>Any one encoded character.</summary>
    public static RegexNode AnyChar { get; } = Char(CodepointSet.Any);

    /// <summary>Any string content (without quotes); one shared node, so its automaton is built once.</summary>
    public static RegexNode AnyContent { get; } = RegexNode.Star(AnyChar);

    /// <summary>An unconstrained string including its quotes.</summary>
    public static RegexNode AnyString { get; } = Quoted(AnyContent);

    /// <summary>Wraps string content in quotes.</summary>
    public static RegexNode Quoted(RegexNode content) => RegexNode.Concat(RegexNode.Literal("\""), content, RegexNode.Literal("\""));

    /// <summary>All encodings of one code point from <paramref name="set"/>; cached per set.</summary>
    public static RegexNode Char(CodepointSet set)
    {
        if (s_charCache.TryGetValue(set, out var n)) return n;
        // Bounded: cleared when full (sets recur across schemas: the cache keeps working after it fills).
        if (Interlocked.Increment(ref s_charCacheAdds) % MaxCachedCharSets == 0) s_charCache.Clear();
        return s_charCache.GetOrAdd(set, Build);
    }

    private const int MaxCachedCharSets = 10_000;
    private static int s_charCacheAdds;

    /// <summary>All encodings of exactly the decoded text <paramref name="text"/> (without quotes).</summary>
    public static RegexNode Literal(string text)
    {
        var parts = new List<RegexNode>();
        foreach (var rune in text.EnumerateRunes()) parts.Add(Char(CodepointSet.Single(rune.Value)));
        return RegexNode.Concat(parts);
    }

    /// <summary>The UTF-8 bytes of the canonical encoding of <paramref name="text"/> without its quotes (for membership tests).</summary>
    public static byte[] EncodeContent(string text)
    {
        string quoted = Encode(text);
        return Encoding.UTF8.GetBytes(quoted[1..^1]);
    }

    /// <summary>Decoded strings of length in [min, max] code points (max may be <see cref="RegexNode.Unbounded"/>) over a character set.</summary>
    public static RegexNode Repeat(CodepointSet set, int min, int max) => RegexNode.Repeat(Char(set), min, max);

    /// <summary>
    /// Every decoded string except the ones in <paramref name="excluded"/> (a complement of a finite set, built over
    /// a trie of the excluded strings), encoded; without quotes.
    /// </summary>
    public static RegexNode AnyExcept(IEnumerable<string> excluded)
    {
        var root = new TrieNode();
        foreach (var s in excluded)
        {
            var node = root;
            foreach (var r in s.EnumerateRunes())
            {
                if (!node.Children.TryGetValue(r.Value, out var next)) node.Children[r.Value] = next = new TrieNode();
                node = next;
            }
            node.IsEnd = true;
        }
        return Complement(root, 0);
    }

    private sealed class TrieNode
    {
        public SortedDictionary<int, TrieNode> Children { get; } = [];

        public bool IsEnd { get; set; }
    }

    // Strings s such that prefix·s is not an excluded string, for the trie node of prefix.
    private static RegexNode Complement(TrieNode node, int depth)
    {
        if (depth > 10_000) throw new InvalidOperationException("Excluded string too long");
        var branches = new List<RegexNode>();
        if (!node.IsEnd) branches.Add(RegexNode.Empty);
        var others = CodepointSet.Any;
        foreach (var (cp, child) in node.Children)
        {
            others = others.Except(CodepointSet.Single(cp));
            branches.Add(RegexNode.Concat(Char(CodepointSet.Single(cp)), Complement(child, depth + 1)));
        }
        if (!others.IsEmpty) branches.Add(RegexNode.Concat(Char(others), AnyContent));
        return RegexNode.Alternate(branches);
    }

    private static RegexNode Build(CodepointSet set)
    {
        var branches = new List<RegexNode>();
        var raw = set.Intersect(s_raw);
        if (!raw.IsEmpty) branches.Add(RegexNode.Codepoints(raw));
        var escaped = new List<RegexNode>();
        var shortSet = new List<byte>();
        foreach (var (cp, e) in s_shortEscapes)
        {
            if (set.Contains(cp)) shortSet.Add((byte)e);
        }
        if (shortSet.Count > 0) escaped.Add(RegexNode.Alternate(shortSet.Select(b => RegexNode.Bytes([b]))));
        var unicode = new List<RegexNode>();
        foreach (var (lo, hi) in set.Ranges)
        {
            AddUnicodeEscapes(lo, hi, unicode);
        }
        if (unicode.Count > 0) escaped.Add(RegexNode.Concat(RegexNode.Literal("u"), RegexNode.Alternate(unicode)));
        if (escaped.Count > 0) branches.Add(RegexNode.Concat(RegexNode.Literal("\\"), RegexNode.Alternate(escaped)));
        return branches.Count == 0 ? RegexNode.Nothing : RegexNode.Alternate(branches);
    }

    // \uXXXX forms (after the 'u') for the scalar values in [lo, hi].
    private static void AddUnicodeEscapes(int lo, int hi, List<RegexNode> output)
    {
        // BMP below the surrogates, BMP above them, then astral planes as pairs.
        AddBmp(lo, Math.Min(hi, 0xD7FF), output);
        AddBmp(Math.Max(lo, 0xE000), Math.Min(hi, 0xFFFF), output);
        int alo = Math.Max(lo, 0x10000), ahi = hi;
        if (alo > ahi) return;
        int vlo = alo - 0x10000, vhi = ahi - 0x10000;
        int hlo = vlo >> 10, hhi = vhi >> 10;
        var u = RegexNode.Literal("\\u");
        if (hlo == hhi)
        {
            output.Add(Pair(hlo, hlo, vlo & 0x3FF, vhi & 0x3FF));
            return;
        }
        output.Add(Pair(hlo, hlo, vlo & 0x3FF, 0x3FF));
        if (hlo + 1 <= hhi - 1) output.Add(Pair(hlo + 1, hhi - 1, 0, 0x3FF));
        output.Add(Pair(hhi, hhi, 0, vhi & 0x3FF));

        RegexNode Pair(int h1, int h2, int l1, int l2) => RegexNode.Concat(
            HexRange(0xD800 + h1, 0xD800 + h2, 4), u, HexRange(0xDC00 + l1, 0xDC00 + l2, 4));
    }

    private static void AddBmp(int lo, int hi, List<RegexNode> output)
    {
        if (lo <= hi) output.Add(HexRange(lo, hi, 4));
    }

    /// <summary>Fixed-width hexadecimal numerals (either letter case) with values in [lo, hi].</summary>
    public static RegexNode HexRange(int lo, int hi, int width)
    {
        if (width == 0) return RegexNode.Empty;
        int unit = 1 << (4 * (width - 1));
        int dlo = lo / unit, dhi = hi / unit;
        int rlo = lo % unit, rhi = hi % unit;
        if (dlo == dhi) return RegexNode.Concat(HexDigit(dlo, dlo), HexRange(rlo, rhi, width - 1));
        if (rlo == 0 && rhi == unit - 1) return RegexNode.Concat(HexDigit(dlo, dhi), HexRange(0, unit - 1, width - 1));
        var branches = new List<RegexNode>();
        int first = dlo, last = dhi;
        if (rlo != 0)
        {
            branches.Add(RegexNode.Concat(HexDigit(dlo, dlo), HexRange(rlo, unit - 1, width - 1)));
            first++;
        }
        if (rhi != unit - 1)
        {
            branches.Add(RegexNode.Concat(HexDigit(dhi, dhi), HexRange(0, rhi, width - 1)));
            last--;
        }
        if (first <= last) branches.Add(RegexNode.Concat(HexDigit(first, last), HexRange(0, unit - 1, width - 1)));
        return RegexNode.Alternate(branches);
    }

    private static RegexNode HexDigit(int lo, int hi)
    {
        var set = ByteSet.Empty;
        for (int d = lo; d <= hi; d++)
        {
            if (d < 10) set = set.Union(ByteSet.Single((byte)('0' + d)));
            else
            {
                set = set.Union(ByteSet.Single((byte)('a' + d - 10))).Union(ByteSet.Single((byte)('A' + d - 10)));
            }
        }
        return RegexNode.ByteClass(set);
    }

    /// <summary>The compact JSON encoding of a string (quotes included), as a canonical writer would produce it.</summary>
    public static string Encode(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
