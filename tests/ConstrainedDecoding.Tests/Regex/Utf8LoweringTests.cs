using System.Text;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>
/// <see cref="RegexNode.Codepoints"/> against <see cref="Encoding.UTF8"/>: a code point matches iff it
/// is in the set, and no byte string other than a member's UTF-8 encoding matches (no overlong
/// forms, no surrogates, nothing above U+10FFFF).
/// </summary>
public class Utf8LoweringTests
{
    public static TheoryData<int, int> BoundaryRanges() => new()
    {
        { 0x00, 0x00 }, { 0x00, 0x7F }, { 0x41, 0x5A }, { 0x7E, 0x81 }, { 0x7F, 0x80 }, { 0x80, 0x7FF }, { 0x7F0, 0x810 },
        { 0x7FF, 0x800 }, { 0x800, 0xFFFF }, { 0xD700, 0xE100 }, { 0xD7FF, 0xE000 }, { 0xFFF0, 0x10010 }, { 0xFFFF, 0x10000 },
        { 0x10000, 0x10FFFF }, { 0x10FFF0, 0x10FFFF }, { 0x3FF3F, 0x40040 }, { 0x1234, 0x5678 }, { 0xC0, 0xC0 }, { 0x0, 0x10FFFF },
        { 0x20, 0x10FFFF }, { 0x100, 0x13F }, { 0xFFE, 0x1001 },
    };

    [Theory]
    [MemberData(nameof(BoundaryRanges))]
    public void RangeMatchesExactlyItsMembersEncodings(int lo, int hi)
    {
        var set = CodepointSet.Range(lo, hi);
        var node = RegexNode.Codepoints(set);
        foreach (int cp in ProbeCodepoints(lo, hi))
        {
            bool expected = set.Contains(cp) && cp is < 0xD800 or > 0xDFFF;
            Assert.True(expected == ReferenceRegexMatcher.IsMatch(node, Encode(cp)), $"U+{cp:X4} in [{lo:X}-{hi:X}]: expected {expected}");
        }
    }

    [Fact]
    public void DisjointRangesAndComplementsAgreeWithMembership()
    {
        var set = CodepointSet.FromRanges([(0x30, 0x39), (0x7FF, 0x801), (0xFFFD, 0x10002), (0x10FFFE, 0x10FFFF)]);
        foreach (var s in new[] { set, set.Complement() })
        {
            var node = RegexNode.Codepoints(s);
            foreach (int cp in ProbeCodepoints(0, CodepointSet.MaxCodepoint))
            {
                Assert.Equal(s.Contains(cp), ReferenceRegexMatcher.IsMatch(node, Encode(cp)));
            }
        }
    }

    [Fact]
    public void AnyCodepointAcceptsExactlyTheValidOneAndTwoByteSequences()
    {
        var any = RegexNode.Codepoints(CodepointSet.Any);
        var bytes = new byte[2];
        for (int b0 = 0; b0 < 256; b0++)
        {
            bytes[0] = (byte)b0;
            Assert.Equal(IsSingleScalar(bytes.AsSpan(0, 1)), ReferenceRegexMatcher.IsMatch(any, bytes.AsSpan(0, 1)));
            for (int b1 = 0; b1 < 256; b1++)
            {
                bytes[1] = (byte)b1;
                Assert.Equal(IsSingleScalar(bytes), ReferenceRegexMatcher.IsMatch(any, bytes));
            }
        }
    }

    [Fact]
    public void AnyCodepointRejectsMalformedThreeAndFourByteSequences()
    {
        var any = RegexNode.Codepoints(CodepointSet.Any);
        var rng = new Random(17);
        byte[][] known =
        [
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80],
            [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xC0, 0x80], [0xC1, 0xBF],
            [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ];
        foreach (var seq in known)
        {
            Assert.Equal(IsSingleScalar(seq), ReferenceRegexMatcher.IsMatch(any, seq));
        }
        for (int i = 0; i < 20_000; i++)
        {
            var seq = new byte[rng.Next(3, 5)];
            seq[0] = (byte)rng.Next(0xE0, 0xF8);
            for (int k = 1; k < seq.Length; k++) seq[k] = (byte)(rng.Next(4) == 0 ? rng.Next(256) : rng.Next(0x80, 0xC0));
            Assert.Equal(IsSingleScalar(seq), ReferenceRegexMatcher.IsMatch(any, seq));
        }
    }

    [Fact]
    public void SurrogatesAreNeverMembers()
    {
        var set = CodepointSet.Range(0xD000, 0xE000);
        Assert.False(set.Contains(0xD800));
        Assert.Equal([(0xD000, 0xD7FF), (0xE000, 0xE000)], set.Ranges.ToArray());
    }

    private static byte[] Encode(int cp) => Encoding.UTF8.GetBytes(char.ConvertFromUtf32(cp));

    private static bool IsSingleScalar(ReadOnlySpan<byte> bytes) =>
        System.Text.Rune.DecodeFromUtf8(bytes, out _, out int consumed) == System.Buffers.OperationStatus.Done && consumed == bytes.Length;

    // Both ends, their neighbours, every encoding-length and continuation-byte boundary nearby, and a sparse sweep.
    private static IEnumerable<int> ProbeCodepoints(int lo, int hi)
    {
        var probes = new SortedSet<int>();
        int[] boundaries = [0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFF, 0x1000, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0x10FFFF, lo, hi];
        foreach (int b in boundaries)
        {
            for (int d = -70; d <= 70; d++) probes.Add(b + d);
        }
        for (int cp = 0; cp <= CodepointSet.MaxCodepoint; cp += 997) probes.Add(cp);
        for (int cp = lo; cp <= hi; cp += Math.Max(1, (hi - lo) / 500)) probes.Add(cp);
        return probes.Where(cp => cp is >= 0 and <= CodepointSet.MaxCodepoint and (< 0xD800 or > 0xDFFF));
    }
}
