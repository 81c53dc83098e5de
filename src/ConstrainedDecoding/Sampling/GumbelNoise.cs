using System.Numerics;
using System.Numerics.Tensors;
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

    /// <summary>A uniform in (0, 1) with 23 random bits, never 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(ulong key, int index) => UniformFromHash(Hash(key, (uint)index));

    /// <summary>Maps a 32-bit hash to a uniform in (0, 1) (its top 23 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float UniformFromHash(uint hash) => ((hash >> (32 - RandomBits)) + 0.5f) * UnitScale;

    /// <summary>Gumbel(0, 1) noise of one token: <c>-log(-log(u))</c>.</summary>
    public static float Sample(ulong key, int index) => -MathF.Log(-MathF.Log(Uniform(key, index)));

    /// <summary>Writes the noise of tokens <c>0 .. destination.Length-1</c>.</summary>
    public static void Fill(Span<float> destination, ulong key)
    {
        FillUniform(destination, key);
        TensorPrimitives.Log(destination, destination);
        TensorPrimitives.Negate(destination, destination);
        TensorPrimitives.Log(destination, destination);
        TensorPrimitives.Negate(destination, destination);
    }

    // Same bits as Uniform, a vector of indices at a time.
    private static void FillUniform(Span<float> destination, ulong key)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<uint>.Count)
        {
            Span<uint> lanes = stackalloc uint[Vector<uint>.Count];
            for (int k = 0; k < lanes.Length; k++) lanes[k] = (uint)k;
            var index = new Vector<uint>(lanes);
            var step = new Vector<uint>((uint)Vector<uint>.Count);
            var half = new Vector<float>(0.5f);
            var scale = new Vector<float>(UnitScale);
            ref float start = ref MemoryMarshal.GetReference(destination);
            for (; i <= destination.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                Vector<uint> h = Hash(key, index) >> (32 - RandomBits);
                Vector<float> u = (Vector.ConvertToSingle(h.As<uint, int>()) + half) * scale;
                u.StoreUnsafe(ref start, (nuint)i);
                index += step;
            }
        }
        for (; i < destination.Length; i++) destination[i] = Uniform(key, i);
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
