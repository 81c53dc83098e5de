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
    public void ArgMaxPerturbed_FindsTheReferenceMaximum_AtEveryLength()
    {
        var random = new Random(21);
        for (int length = 1; length <= 300; length++)
        {
            ulong key = 0x9E37_79B9_7F4A_7C15UL * (ulong)length;
            float[] logits = Enumerable.Range(0, length).Select(_ => random.NextDouble() < 0.2 ? float.NegativeInfinity : (float)(random.NextDouble() * 6 - 3)).ToArray();
            int winner = GumbelNoise.ArgMaxPerturbed(logits, 1 / 0.7f, key);
            double best = double.NegativeInfinity;
            for (int i = 0; i < length; i++) best = Math.Max(best, logits[i] / 0.7 + GumbelNoise.Sample(key, i));
            if (double.IsNegativeInfinity(best))
            {
                Assert.Equal(-1, winner);
                continue;
            }
            Assert.InRange(winner, 0, length - 1);
            double score = logits[winner] / 0.7 + GumbelNoise.Sample(key, winner);
            Assert.True(best - score <= 1e-4, $"length {length}: winner {winner} scores {score}, the best is {best}"); // vector and scalar logs may differ in the last bits
        }
        Assert.Equal(-1, GumbelNoise.ArgMaxPerturbed(new float[40].Select(_ => float.NegativeInfinity).ToArray(), 1f, 3));
    }

    [Fact]
    public void Uniforms_LookUniform()
    {
        const int N = 100_000, Bins = 20;
        var counts = new int[Bins];
        for (int i = 0; i < N; i++) counts[Math.Min(Bins - 1, (int)(GumbelNoise.Uniform(12345, i) * Bins))]++;
        double e = (double)N / Bins, chi = counts.Sum(c => (c - e) * (c - e) / e);
        Assert.True(chi < 43.8, $"chi-square {chi:F1} over {Bins} bins (p = 0.001 critical value 43.8)"); // df 19
    }
}
