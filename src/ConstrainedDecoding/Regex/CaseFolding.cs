using System.Globalization;

namespace ConstrainedDecoding.Regex;

/// <summary>Simple (one-to-one) case variants for case-insensitive matching.</summary>
internal static class CaseFolding
{
    // Ranges larger than this are only folded over their ASCII and Latin-1/Greek/Cyrillic part to
    // keep compile time bounded; a huge range almost always already holds both cases.
    private const int MaxFoldedRangeSize = 0x3000;

    public static CodepointSet AddSimpleCaseVariants(CodepointSet set)
    {
        var extra = new List<(int, int)>();
        foreach (var (lo, hi) in set.Ranges)
        {
            int end = hi - lo > MaxFoldedRangeSize ? Math.Min(hi, lo + MaxFoldedRangeSize) : hi;
            for (int cp = lo; cp <= end; cp++)
            {
                if (cp is >= 0xD800 and <= 0xDFFF) continue;
                string s = char.ConvertFromUtf32(cp);
                foreach (var v in new[] { s.ToUpperInvariant(), s.ToLowerInvariant() })
                {
                    if (v != s && char.ConvertToUtf32(v, 0) is int other && v.Length == char.ConvertFromUtf32(other).Length)
                    {
                        extra.Add((other, other));
                    }
                }
            }
        }
        return extra.Count == 0 ? set : set.Union(CodepointSet.FromRanges(extra));
    }

    public static bool IsCased(int cp)
    {
        var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;
    }
}
