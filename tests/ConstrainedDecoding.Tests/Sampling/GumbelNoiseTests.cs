using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.Tests.Sampling;

public class GumbelNoiseTests
{
    [Fact]
    public void ExtremeHashes_GiveFiniteNoise()
    {
        foreach (uint hash in new[] { 0u, 1u, 255u, 256u, 511u, 512u, uint.MaxValue - 512, uint.MaxValue - 1, uint.MaxValue })
        {
            float u = GumbelNoise.UniformFromHash(hash);
            Assert.InRange(u, float.Epsilon, 1f);
            Assert.True(u < 1f, $"hash {hash:X8} maps to 1");
            Assert.True(float.IsFinite(-MathF.Log(-MathF.Log(u))), $"hash {hash:X8}: noise not finite");
        }
    }

    [Fact]
    public void VectorFill_EqualsScalar_AtEveryLength()
    {
        for (int length = 1; length <= 300; length++)
        {
            ulong key = 0x9E37_79B9_7F4A_7C15UL * (ulong)length;
            var filled = new float[length];
            GumbelNoise.Fill(filled, key);
            for (int i = 0; i < length; i++)
            {
                float expected = GumbelNoise.Sample(key, i);
                Assert.True(Math.Abs(expected - filled[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected)), $"length {length} index {i}: {expected} vs {filled[i]}");
            }
        }
    }

    [Fact]
    public void Uniforms_LookUniform()
    {
        const int N = 100_000, Bins = 20;
        var counts = new int[Bins];
        var values = new float[N];
        GumbelNoise.Fill(values, 12345);
        for (int i = 0; i < N; i++)
        {
            double u = Math.Exp(-Math.Exp(-values[i])); // back from Gumbel to uniform
            counts[Math.Min(Bins - 1, (int)(u * Bins))]++;
        }
        double e = (double)N / Bins, chi = counts.Sum(c => (c - e) * (c - e) / e);
        Assert.True(chi < 43.8, $"chi-square {chi:F1} over {Bins} bins (p = 0.001 critical value 43.8)"); // df 19
    }
}
