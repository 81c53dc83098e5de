using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>Set operations against a membership model over sample points, and the range invariants they must keep.</summary>
public class CodepointSetTests
{
    // Points near every range end of both operands, the surrogate block's edges and the ends of the code space.
    private static int[] Probes(params CodepointSet[] sets)
    {
        var points = new SortedSet<int> { 0, 1, 0xD7FF, 0xD800, 0xDBFF, 0xDFFF, 0xE000, CodepointSet.MaxCodepoint - 1, CodepointSet.MaxCodepoint };
        foreach (var s in sets)
        {
            foreach (var (lo, hi) in s.Ranges)
            {
                foreach (int p in new[] { lo - 1, lo, lo + 1, hi - 1, hi, hi + 1 })
                {
                    if (p >= 0 && p <= CodepointSet.MaxCodepoint) points.Add(p);
                }
            }
        }
        return [.. points];
    }

    private static void AssertNormalized(CodepointSet s)
    {
        var r = s.Ranges;
        for (int i = 0; i < r.Length; i++)
        {
            Assert.True(r[i].Lo <= r[i].Hi, $"range {i} reversed");
            Assert.False(r[i].Lo <= 0xDFFF && r[i].Hi >= 0xD800, $"range {i} ({r[i].Lo:X}..{r[i].Hi:X}) holds surrogates");
            if (i > 0) Assert.True(r[i - 1].Hi + 1 < r[i].Lo, $"ranges {i - 1} and {i} overlap or touch");
        }
    }

    private static CodepointSet RandomSet(Random rng)
    {
        int n = rng.Next(0, 7);
        var ranges = new List<(int, int)>();
        for (int i = 0; i < n; i++)
        {
            // Mostly small numbers (so that ranges meet), sometimes near the surrogates or the top.
            int lo = rng.Next(4) switch { 0 => rng.Next(0, 40), 1 => 0xD7F0 + rng.Next(0, 0x820), 2 => rng.Next(0, 0x11_0000), _ => rng.Next(0, 80) };
            int hi = Math.Min(CodepointSet.MaxCodepoint, lo + rng.Next(0, rng.Next(2) == 0 ? 10 : 5000));
            ranges.Add((lo, hi));
        }
        return CodepointSet.FromRanges(ranges);
    }

    [Fact]
    public void Union_intersection_difference_and_complement_match_membership()
    {
        var rng = new Random(20261205);
        for (int round = 0; round < 2000; round++)
        {
            var a = RandomSet(rng);
            var b = RandomSet(rng);
            var union = a.Union(b);
            var inter = a.Intersect(b);
            var diff = a.Except(b);
            var comp = a.Complement();
            foreach (var s in new[] { union, inter, diff, comp }) AssertNormalized(s);
            foreach (int p in Probes(a, b, union, inter, diff, comp))
            {
                bool inA = a.Contains(p), inB = b.Contains(p), surrogate = p is >= 0xD800 and <= 0xDFFF;
                Assert.Equal(inA || inB, union.Contains(p));
                Assert.Equal(inA && inB, inter.Contains(p));
                Assert.Equal(inA && !inB, diff.Contains(p));
                Assert.Equal(!inA && !surrogate, comp.Contains(p));
            }
            Assert.Equal(a, comp.Complement());
            Assert.Equal(union, b.Union(a));
            Assert.Equal(inter, b.Intersect(a));
        }
    }

    [Fact]
    public void Complement_of_empty_is_every_scalar_value_and_back()
    {
        Assert.Equal(CodepointSet.Any, CodepointSet.Empty.Complement());
        Assert.True(CodepointSet.Any.Complement().IsEmpty);
        Assert.Equal([(0, 0xD7FF), (0xE000, CodepointSet.MaxCodepoint)], CodepointSet.Any.Ranges.ToArray());
        Assert.True(CodepointSet.Range('a', 'z').Except(CodepointSet.Range('a', 'z')).IsEmpty);
        Assert.Equal([(0x61, 0x62), (0x64, 0x7A)], CodepointSet.Range('a', 'z').Except(CodepointSet.Single('c')).Ranges.ToArray());
    }
}
