using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.Tests.Sampling;

/// <summary>Draw frequencies against the exact distribution for tiny vocabularies (chi-square, fixed seeds).</summary>
public class SamplerDistributionTests
{
    private const int Draws = 40_000;

    private static readonly float[] Logits = [1.0f, 2.0f, 0.5f, -1.0f, 1.5f, -3.0f];

    // Critical chi-square values at p = 0.001 by degrees of freedom: a correct sampler fails one check in 1000.
    private static readonly double[] Critical = [0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46];

    private static double[] Softmax(float[] logits, float temperature, Func<int, bool> keep)
    {
        double[] p = new double[logits.Length];
        double max = logits.Where((_, i) => keep(i)).Max();
        for (int i = 0; i < logits.Length; i++) p[i] = keep(i) ? Math.Exp((logits[i] - max) / temperature) : 0;
        double total = p.Sum();
        return p.Select(v => v / total).ToArray();
    }

    private static int[] Count(SamplingOptions options, uint[]? mask = null)
    {
        var sampler = new Sampler(options);
        var counts = new int[Logits.Length];
        var row = new float[Logits.Length];
        for (int n = 0; n < Draws; n++)
        {
            Logits.CopyTo(row, 0);
            int token = mask is null ? sampler.Sample(row) : sampler.Sample(row, mask);
            counts[token]++;
        }
        return counts;
    }

    private static void AssertFits(int[] counts, double[] expected)
    {
        double chi = 0;
        int cells = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (expected[i] == 0)
            {
                Assert.True(counts[i] == 0, $"token {i} has probability 0 but was drawn {counts[i]} times");
                continue;
            }
            double e = expected[i] * Draws;
            chi += (counts[i] - e) * (counts[i] - e) / e;
            cells++;
        }
        Assert.True(cells == 1 || chi < Critical[cells - 1], $"chi-square {chi:F2} over {cells} cells; counts [{string.Join(", ", counts)}], expected [{string.Join(", ", expected.Select(p => (p * Draws).ToString("F0")))}]");
    }

    [Theory]
    [InlineData(1.0f, 1UL)]
    [InlineData(0.5f, 2UL)]
    [InlineData(2.0f, 3UL)]
    public void Temperature_MatchesSoftmax(float temperature, ulong seed) =>
        AssertFits(Count(new SamplingOptions { Temperature = temperature, Seed = seed }), Softmax(Logits, temperature, _ => true));

    [Fact]
    public void Mask_MatchesRenormalisedSoftmax()
    {
        uint[] mask = [0b10_1101u]; // tokens 0, 2, 3, 5: the two most likely are masked
        AssertFits(Count(new SamplingOptions { Seed = 4 }, mask), Softmax(Logits, 1f, i => ((mask[0] >> i) & 1) == 1));
    }

    [Fact]
    public void TopK_KeepsTheKMostLikely()
    {
        // Order by logit: 1 (2.0), 4 (1.5), 0 (1.0), 2, 3, 5.
        AssertFits(Count(new SamplingOptions { TopK = 3, Seed = 5 }), Softmax(Logits, 1f, i => i is 1 or 4 or 0));
    }

    [Fact]
    public void TopK_AfterMask_KeepsTheKMostLikelyAllowed()
    {
        uint[] mask = [0b10_1101u];
        AssertFits(Count(new SamplingOptions { TopK = 2, Seed = 6 }, mask), Softmax(Logits, 1f, i => i is 0 or 2));
    }

    [Fact]
    public void TopP_KeepsTheSmallestNucleus()
    {
        double[] p = Softmax(Logits, 1f, _ => true);
        // By probability: 1, 4, 0, 2, 3, 5. A threshold halfway into a token's share keeps it and no more.
        AssertFits(Count(new SamplingOptions { TopP = (float)(p[1] + p[4] / 2), Seed = 7 }), Softmax(Logits, 1f, i => i is 1 or 4));
        AssertFits(Count(new SamplingOptions { TopP = (float)(p[1] + p[4] + p[0] / 2), Seed = 8 }), Softmax(Logits, 1f, i => i is 1 or 4 or 0));
        AssertFits(Count(new SamplingOptions { TopP = (float)(p[1] / 2), Seed = 9 }), Softmax(Logits, 1f, i => i is 1));
    }

    [Fact]
    public void MinP_DropsTokensBelowTheRatio()
    {
        // p_i / p_max = exp(l_i - 2): 0 → 0.37, 2 → 0.22, 4 → 0.61, 3 → 0.05.
        AssertFits(Count(new SamplingOptions { MinP = 0.3f, Seed = 9 }), Softmax(Logits, 1f, i => i is 1 or 4 or 0));
    }

    [Fact]
    public void AllTruncations_Combined()
    {
        uint[] mask = [0b11_1110u]; // token 0 masked
        // Allowed by mask: 1, 2, 3, 4, 5; min-p 0.1 drops 3 and 5; top-k 3 keeps 1, 4, 2; top-p 0.95 of those keeps all three.
        AssertFits(Count(new SamplingOptions { MinP = 0.1f, TopK = 3, TopP = 0.95f, Temperature = 1f, Seed = 10 }, mask), Softmax(Logits, 1f, i => i is 1 or 4 or 2));
    }

    [Fact]
    public void Greedy_PicksTheLargestAndTheLowestIdOnTies()
    {
        var sampler = new Sampler(SamplingOptions.Greedy);
        Assert.Equal(1, sampler.Sample((float[])Logits.Clone()));
        Assert.Equal(2, sampler.Sample(new float[] { 0, 1, 3, 3, 3 }));
        Assert.Equal(3, sampler.Sample(new float[] { 0, 1, 3, 3, 3 }, [0b11001u]));
    }

    [Fact]
    public void RepetitionPenalty_LowersRepeatedTokens()
    {
        var sampler = new Sampler(SamplingOptions.Greedy with { RepetitionPenalty = 2f });
        float[] row = [1.0f, 1.8f, -0.5f];
        // 1.8 / 2 = 0.9 < 1.0: the repeated token 1 loses to token 0; each distinct token is penalised once.
        Assert.Equal(0, sampler.Sample(row, [1, 1, 1, 2]));
        Assert.Equal([1.0f, 0.9f, -1.0f], row);

        var windowed = new Sampler(SamplingOptions.Greedy with { RepetitionPenalty = 2f, RepetitionWindow = 1 });
        Assert.Equal(1, windowed.Sample(new float[] { 1.0f, 1.8f, -0.5f }, [1, 2])); // only the last token counts
    }
}
