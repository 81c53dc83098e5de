using System.Runtime.Intrinsics;
using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.Tests.Sampling;

public class LogitMaskTests
{
    private delegate void FloatKernel(Span<float> logits, ReadOnlySpan<uint> mask);
    private delegate void HalfKernel(Span<ushort> logits, ReadOnlySpan<uint> mask);

    public static TheoryData<int> LargeLengths => new() { 32 * 1024, 128 * 1024, 256 * 1024, 128 * 1024 + 17 };

    // Densities: none allowed, all allowed, ~half, sparse (grammar-like), dense with holes.
    private static readonly double[] Densities = [0, 1, 0.5, 0.01, 0.97];

    private static uint[] RandomMask(Random random, int words, double density)
    {
        var mask = new uint[words];
        for (int i = 0; i < words * 32; i++)
        {
            if (random.NextDouble() < density) mask[i >> 5] |= 1u << (i & 31);
        }
        // A few whole words of each kind so the all-ones / all-zeros shortcuts run in the middle of mixed data.
        if (words > 4)
        {
            mask[1] = uint.MaxValue;
            mask[words / 2] = 0;
        }
        return mask;
    }

    private static float[] RandomLogits(Random random, int length)
    {
        var logits = new float[length];
        for (int i = 0; i < length; i++) logits[i] = (float)(random.NextDouble() * 20 - 10);
        return logits;
    }

    private static float[] Reference(float[] logits, uint[] mask)
    {
        var expected = (float[])logits.Clone();
        for (int i = 0; i < expected.Length; i++)
        {
            bool allowed = i / 32 < mask.Length && ((mask[i / 32] >> (i % 32)) & 1) == 1;
            if (!allowed) expected[i] = float.NegativeInfinity;
        }
        return expected;
    }

    private static IEnumerable<(string Name, FloatKernel Kernel, int MinLength)> FloatKernels()
    {
        yield return ("public", LogitMask.Apply, 1);
        yield return ("scalar", LogitMask.ApplyScalar, 1);
        if (Vector128.IsHardwareAccelerated) yield return ("v128", LogitMask.ApplyVector128, 4);
        if (Vector256.IsHardwareAccelerated) yield return ("v256", LogitMask.ApplyVector256, 8);
        if (Vector512.IsHardwareAccelerated) yield return ("v512", LogitMask.ApplyVector512, 16);
    }

    private static IEnumerable<(string Name, HalfKernel Kernel, int MinLength)> HalfKernels()
    {
        yield return ("public", (l, m) => LogitMask.Apply(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, Half>(l), m), 1);
        yield return ("scalar", LogitMask.ApplyHalfScalar, 1);
        if (Vector128.IsHardwareAccelerated) yield return ("v128", LogitMask.ApplyHalfVector128, 8);
        if (Vector256.IsHardwareAccelerated) yield return ("v256", LogitMask.ApplyHalfVector256, 16);
        if (Vector512.IsHardwareAccelerated) yield return ("v512", LogitMask.ApplyHalfVector512, 32);
    }

    private static void CheckFloat(int length, int seed)
    {
        var random = new Random(seed);
        foreach (double density in Densities)
        {
            float[] logits = RandomLogits(random, length);
            uint[] mask = RandomMask(random, (length + 31) / 32, density);
            float[] expected = Reference(logits, mask);
            foreach (var (name, kernel, minLength) in FloatKernels())
            {
                if (length < minLength) continue;
                var actual = (float[])logits.Clone();
                kernel(actual, mask);
                AssertSame(expected, actual, $"{name} length {length} density {density}");
            }
        }
    }

    private static void CheckHalf(int length, int seed)
    {
        var random = new Random(seed);
        foreach (double density in Densities)
        {
            float[] source = RandomLogits(random, length);
            ushort[] logits = source.Select(v => BitConverter.HalfToUInt16Bits((Half)v)).ToArray();
            uint[] mask = RandomMask(random, (length + 31) / 32, density);
            ushort[] expected = Reference(source, mask).Select(v => BitConverter.HalfToUInt16Bits((Half)v)).ToArray();
            foreach (var (name, kernel, minLength) in HalfKernels())
            {
                if (length < minLength) continue;
                var actual = (ushort[])logits.Clone();
                kernel(actual, mask);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} length {length} density {density}: first difference at {FirstDifference(expected, actual)}");
            }
        }
    }

    private static void AssertSame(float[] expected, float[] actual, string context)
    {
        int at = FirstDifference(expected, actual);
        Assert.True(at < 0, $"{context}: index {at} expected {(at < 0 ? 0 : expected[at])} got {(at < 0 ? 0 : actual[at])}");
    }

    private static int FirstDifference<T>(T[] expected, T[] actual) where T : IEquatable<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i])) return i;
        }
        return -1;
    }

    [Fact]
    public void Float_EveryLength1To300_MatchesScalarReference()
    {
        for (int length = 1; length <= 300; length++) CheckFloat(length, seed: 1000 + length);
    }

    [Fact]
    public void Half_EveryLength1To300_MatchesScalarReference()
    {
        for (int length = 1; length <= 300; length++) CheckHalf(length, seed: 2000 + length);
    }

    [Theory]
    [MemberData(nameof(LargeLengths))]
    public void Float_LargeVocabularies_MatchScalarReference(int length) => CheckFloat(length, seed: length);

    [Theory]
    [MemberData(nameof(LargeLengths))]
    public void Half_LargeVocabularies_MatchScalarReference(int length) => CheckHalf(length, seed: length);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(100, 1)]
    [InlineData(100, 2)]
    [InlineData(50257, 1500)]
    public void LogitsWiderThanMask_PastTheMaskAreDisallowed(int length, int words)
    {
        var random = new Random(7);
        float[] logits = RandomLogits(random, length);
        uint[] mask = RandomMask(random, words, 0.5);
        float[] expected = Reference(logits, mask);
        float[] actual = (float[])logits.Clone();
        LogitMask.Apply(actual, mask);
        AssertSame(expected, actual, $"float length {length} words {words}");

        Half[] halves = logits.Select(v => (Half)v).ToArray();
        LogitMask.Apply(halves, mask);
        for (int i = 0; i < length; i++) Assert.Equal((Half)expected[i], halves[i]);
    }

    [Fact]
    public void MaskWiderThanLogits_ExtraBitsAreIgnored()
    {
        float[] logits = [1, 2, 3];
        LogitMask.Apply(logits, [0b010u | 0xFFFF_FFF0u, uint.MaxValue]);
        Assert.Equal([float.NegativeInfinity, 2, float.NegativeInfinity], logits);
    }

    [Fact]
    public void IsAllowedAndCountAllowed_AgreeWithBits()
    {
        uint[] mask = [0x8000_0001u, 0x3u];
        Assert.True(LogitMask.IsAllowed(mask, 0));
        Assert.True(LogitMask.IsAllowed(mask, 31));
        Assert.True(LogitMask.IsAllowed(mask, 33));
        Assert.False(LogitMask.IsAllowed(mask, 1));
        Assert.False(LogitMask.IsAllowed(mask, 64));
        Assert.False(LogitMask.IsAllowed(mask, -1));
        Assert.Equal(4, LogitMask.CountAllowed(mask, 64));
        Assert.Equal(3, LogitMask.CountAllowed(mask, 33));
        Assert.Equal(4, LogitMask.CountAllowed(mask, 1000));
    }
}
