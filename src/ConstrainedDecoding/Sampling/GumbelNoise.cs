using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConstrainedDecoding.Sampling;

/// <summary>
/// Counter-based Gumbel noise: the noise of token <c>i</c> at a step is a hash of <c>(key, i)</c>, so it does not
/// depend on which other tokens are looked at. That is what makes sampling by Gumbel-max
/// (<c>argmax(logit/T + g)</c>) exactly the same whether the mask is applied before the draw or only after it
/// picked a disallowed token.
/// </summary>
internal static class GumbelNoise
{
    // 23 random bits: (2^23 - 1) + 0.5 is still exact in a float, so u never rounds to 1 (which would make the
    // noise infinite and the score NaN).
    private const int RandomBits = 23;
    private const float UnitScale = 1f / (1 << RandomBits);

    // Bounds of -log(-log(u)) for u in [0.5, 2^23 - 0.5] / 2^23, widened a little for rounding in the vector logs.
    private const float MinNoise = -2.82f;
    private const float MaxNoise = 16.65f;

    /// <summary>A uniform in (0, 1) with 23 random bits, never 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(ulong key, int index) => UniformFromHash(Hash(key, (uint)index));

    /// <summary>Maps a 32-bit hash to a uniform in (0, 1) (its top 23 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float UniformFromHash(uint hash) => ((hash >> (32 - RandomBits)) + 0.5f) * UnitScale;

    /// <summary>Gumbel(0, 1) noise of one token: <c>-log(-log(u))</c>.</summary>
    public static float Sample(ulong key, int index) => -MathF.Log(-MathF.Log(Uniform(key, index)));

    /// <summary>
    /// <c>argmax_i(logits[i] * inverseTemperature + g_i)</c> in one vectorised pass (noise, logs and the running
    /// maximum stay in registers): the Gumbel-max draw. Ties go to the lowest index; -1 when every logit is
    /// negative infinity (or NaN). Deterministic for a given length and key, so masking before or after gives the
    /// same winner among allowed tokens.
    /// </summary>
    public static int ArgMaxPerturbed(ReadOnlySpan<float> logits, float inverseTemperature, ulong key)
    {
        int best = -1;
        float bestScore = float.NegativeInfinity;
        int i = 0;
        if (Vector.IsHardwareAccelerated && logits.Length >= Vector<float>.Count)
        {
            Span<int> lanes = stackalloc int[Vector<int>.Count];
            for (int k = 0; k < lanes.Length; k++) lanes[k] = k;
            var index = new Vector<int>(lanes);
            var step = new Vector<int>(Vector<int>.Count);
            var bestValues = new Vector<float>(float.NegativeInfinity);
            var bestIndices = new Vector<int>(-1);
            var scale = new Vector<float>(inverseTemperature);
            var half = new Vector<float>(0.5f);
            var unit = new Vector<float>(UnitScale);
            ref float start = ref MemoryMarshal.GetReference(logits);
            // Exact pruning: noise lies in [MinNoise, MaxNoise], so a token more than MaxNoise - MinNoise below the
            // largest scaled logit can never win, and its vector skips the logs.
            var floor = new Vector<float>(System.Numerics.Tensors.TensorPrimitives.Max(logits) * inverseTemperature - (MaxNoise - MinNoise));
            for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> scaled = Vector.LoadUnsafe(ref start, (nuint)i) * scale;
                if (!Vector.GreaterThanOrEqualAny(scaled, floor))
                {
                    index += step;
                    continue;
                }
                Vector<uint> h = Hash(key, index.As<int, uint>()) >> (32 - RandomBits);
                Vector<float> u = (Vector.ConvertToSingle(h.As<uint, int>()) + half) * unit;
                Vector<float> score = scaled - Vector.Log(-Vector.Log(u));
                Vector<int> better = Vector.GreaterThan(score, bestValues);
                bestValues = Vector.ConditionalSelect(better.As<int, float>(), score, bestValues);
                bestIndices = Vector.ConditionalSelect(better, index, bestIndices);
                index += step;
            }
            // Lanes hold disjoint indices; the first index wins among equal scores.
            for (int k = 0; k < Vector<float>.Count; k++)
            {
                float value = bestValues[k];
                int at = bestIndices[k];
                if (at >= 0 && (value > bestScore || (value == bestScore && at < best)))
                {
                    best = at;
                    bestScore = value;
                }
            }
        }
        for (; i < logits.Length; i++)
        {
            float score = logits[i] * inverseTemperature + Sample(key, i);
            if (score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    // murmur3's finalizer twice, with the two halves of the key mixed in between.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ulong key, uint index)
    {
        uint h = Mix(index ^ (uint)key);
        return Mix(h + (uint)(key >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Hash(ulong key, Vector<uint> index)
    {
        Vector<uint> h = Mix(index ^ new Vector<uint>((uint)key));
        return Mix(h + new Vector<uint>((uint)(key >> 32)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Mix(Vector<uint> h)
    {
        h ^= h >> 16;
        h *= new Vector<uint>(0x85EBCA6B);
        h ^= h >> 13;
        h *= new Vector<uint>(0xC2B2AE35);
        return h ^ (h >> 16);
    }
}
