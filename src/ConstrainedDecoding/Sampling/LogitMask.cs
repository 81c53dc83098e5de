using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConstrainedDecoding.Sampling;

/// <summary>
/// Applies a token bitmask to a row of logits in place: disallowed tokens get negative infinity, so
/// neither argmax nor any sampler can choose them.
/// </summary>
/// <remarks>
/// <para>Mask layout (the one <see cref="Matching.GrammarMatcher.FillNextTokenMask"/> writes): bit <c>i &amp; 31</c>
/// of word <c>i &gt;&gt; 5</c> set = token <c>i</c> allowed. Logits past the mask's width (<c>mask.Length * 32</c>)
/// are disallowed.</para>
/// <para>Vectorised as a Vector512 → Vector256 → Vector128 → scalar cascade. Whole words are handled 32 logits
/// at a time: an all-ones word is skipped, an all-zeros word is stored without being read, and a mixed word
/// expands its bits into lane masks and blends with negative infinity. The ragged end is done with one
/// overlapping vector (applying the mask twice to a logit is harmless).</para>
/// </remarks>
public static class LogitMask
{
    private const ushort HalfNegativeInfinityBits = 0xFC00;

    /// <summary>Sets every logit whose token is not allowed by <paramref name="mask"/> to <see cref="float.NegativeInfinity"/>.</summary>
    /// <param name="logits">One row of logits, indexed by token id.</param>
    /// <param name="mask">The allowed-token bitmask; ids past <c>mask.Length * 32</c> count as disallowed.</param>
    public static void Apply(Span<float> logits, ReadOnlySpan<uint> mask)
    {
        int covered = CoveredLength(logits.Length, mask.Length);
        logits[covered..].Fill(float.NegativeInfinity);
        logits = logits[..covered];
        if (Vector512.IsHardwareAccelerated && logits.Length >= Vector512<float>.Count) ApplyVector512(logits, mask);
        else if (Vector256.IsHardwareAccelerated && logits.Length >= Vector256<float>.Count) ApplyVector256(logits, mask);
        else if (Vector128.IsHardwareAccelerated && logits.Length >= Vector128<float>.Count) ApplyVector128(logits, mask);
        else ApplyScalar(logits, mask);
    }

    /// <summary>Sets every logit whose token is not allowed by <paramref name="mask"/> to negative infinity (half precision).</summary>
    /// <param name="logits">One row of half-precision logits, indexed by token id.</param>
    /// <param name="mask">The allowed-token bitmask; ids past <c>mask.Length * 32</c> count as disallowed.</param>
    public static void Apply(Span<Half> logits, ReadOnlySpan<uint> mask)
    {
        int covered = CoveredLength(logits.Length, mask.Length);
        Span<ushort> bits = MemoryMarshal.Cast<Half, ushort>(logits);
        bits[covered..].Fill(HalfNegativeInfinityBits);
        bits = bits[..covered];
        if (Vector512.IsHardwareAccelerated && bits.Length >= Vector512<ushort>.Count) ApplyHalfVector512(bits, mask);
        else if (Vector256.IsHardwareAccelerated && bits.Length >= Vector256<ushort>.Count) ApplyHalfVector256(bits, mask);
        else if (Vector128.IsHardwareAccelerated && bits.Length >= Vector128<ushort>.Count) ApplyHalfVector128(bits, mask);
        else ApplyHalfScalar(bits, mask);
    }

    /// <summary>Whether <paramref name="tokenId"/>'s bit is set in <paramref name="mask"/> (false past its width or for negative ids).</summary>
    /// <param name="mask">The allowed-token bitmask.</param>
    /// <param name="tokenId">A token id.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAllowed(ReadOnlySpan<uint> mask, int tokenId) =>
        (uint)(tokenId >> 5) < (uint)mask.Length && tokenId >= 0 && (mask[tokenId >> 5] & (1u << (tokenId & 31))) != 0;

    /// <summary>Number of set bits in the first <paramref name="width"/> ids of <paramref name="mask"/>.</summary>
    /// <param name="mask">The allowed-token bitmask.</param>
    /// <param name="width">Ids to count (the logits width); ids past the mask count as disallowed.</param>
    public static int CountAllowed(ReadOnlySpan<uint> mask, int width)
    {
        int covered = CoveredLength(width, mask.Length);
        int full = covered >> 5, count = 0;
        for (int w = 0; w < full; w++) count += System.Numerics.BitOperations.PopCount(mask[w]);
        if ((covered & 31) != 0) count += System.Numerics.BitOperations.PopCount(mask[full] & ((1u << (covered & 31)) - 1));
        return count;
    }

    private static int CoveredLength(int logits, int maskWords) => (int)Math.Min(logits, (long)maskWords * 32);

    // Bits for the `count` logits starting at `index`, in the low bits of the result (count <= 32).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BitsAt(ReadOnlySpan<uint> mask, int index, int count)
    {
        int word = index >> 5, shift = index & 31;
        uint bits = mask[word] >> shift;
        if (shift + count > 32) bits |= mask[word + 1] << (32 - shift);
        return bits;
    }

    internal static void ApplyScalar(Span<float> logits, ReadOnlySpan<uint> mask)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            if ((mask[i >> 5] & (1u << (i & 31))) == 0) logits[i] = float.NegativeInfinity;
        }
    }

    internal static void ApplyHalfScalar(Span<ushort> logits, ReadOnlySpan<uint> mask)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            if ((mask[i >> 5] & (1u << (i & 31))) == 0) logits[i] = HalfNegativeInfinityBits;
        }
    }

    internal static void ApplyVector512(Span<float> logits, ReadOnlySpan<uint> mask) => ApplyCore<float, Float512>(logits, mask);

    internal static void ApplyVector256(Span<float> logits, ReadOnlySpan<uint> mask) => ApplyCore<float, Float256>(logits, mask);

    internal static void ApplyVector128(Span<float> logits, ReadOnlySpan<uint> mask) => ApplyCore<float, Float128>(logits, mask);

    internal static void ApplyHalfVector512(Span<ushort> logits, ReadOnlySpan<uint> mask) => ApplyCore<ushort, Half512>(logits, mask);

    internal static void ApplyHalfVector256(Span<ushort> logits, ReadOnlySpan<uint> mask) => ApplyCore<ushort, Half256>(logits, mask);

    internal static void ApplyHalfVector128(Span<ushort> logits, ReadOnlySpan<uint> mask) => ApplyCore<ushort, Half128>(logits, mask);

    // One loop for every element type and width: whole words 32 elements at a time (skip all-ones, store -inf
    // for all-zeros, blend mixed ones), then the ragged end with vectors, the last one overlapping.
    // Needs logits.Length >= TBlend.Lanes.
    private static void ApplyCore<T, TBlend>(Span<T> logits, ReadOnlySpan<uint> mask)
        where T : unmanaged
        where TBlend : IMaskBlend<T>
    {
        int lanes = TBlend.Lanes;
        ref T start = ref MemoryMarshal.GetReference(logits);
        int words = logits.Length >> 5;
        for (int w = 0; w < words; w++)
        {
            uint word = mask[w];
            if (word == uint.MaxValue) continue;
            ref T at = ref Unsafe.Add(ref start, w << 5);
            if (word == 0) StoreWord<T, TBlend>(ref at);
            else BlendWord<T, TBlend>(ref at, word);
        }
        for (int i = words << 5; i < logits.Length; i += lanes)
        {
            int j = Math.Min(i, logits.Length - lanes); // the last vector may overlap the previous one
            TBlend.Blend(ref start, j, BitsAt(mask, j, lanes));
        }
    }

    // Unrolled by hand for the wide vectors (the lane count is a JIT-time constant, so the branches fold away).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWord<T, TBlend>(ref T at)
        where T : unmanaged
        where TBlend : IMaskBlend<T>
    {
        TBlend.StoreNegativeInfinity(ref at, 0);
        if (TBlend.Lanes == 32) return;
        TBlend.StoreNegativeInfinity(ref at, TBlend.Lanes);
        if (TBlend.Lanes == 16) return;
        for (int k = 2 * TBlend.Lanes; k < 32; k += TBlend.Lanes) TBlend.StoreNegativeInfinity(ref at, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendWord<T, TBlend>(ref T at, uint word)
        where T : unmanaged
        where TBlend : IMaskBlend<T>
    {
        TBlend.Blend(ref at, 0, word);
        if (TBlend.Lanes == 32) return;
        TBlend.Blend(ref at, TBlend.Lanes, word >> TBlend.Lanes);
        if (TBlend.Lanes == 16) return;
        for (int k = 2 * TBlend.Lanes; k < 32; k += TBlend.Lanes) TBlend.Blend(ref at, k, word >> k);
    }

    // A vector width and element type: how to store -inf, and how to blend -inf into the lanes whose bit is clear.
    private interface IMaskBlend<T>
    {
        static abstract int Lanes { get; }

        static abstract void StoreNegativeInfinity(ref T at, int offset);

        // Lane i is kept iff bit i of `bits` is set (bits past Lanes are ignored).
        static abstract void Blend(ref T at, int offset, uint bits);
    }

    private readonly struct Float512 : IMaskBlend<float>
    {
        public static int Lanes => Vector512<float>.Count;

        public static void StoreNegativeInfinity(ref float at, int offset) => Vector512.Create(float.NegativeInfinity).StoreUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Blend(ref float at, int offset, uint bits)
        {
            Vector512<uint> laneBits = Vector512.Create(1u, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);
            Vector512<float> allowed = Vector512.Equals(Vector512.Create(bits) & laneBits, laneBits).AsSingle();
            Vector512.ConditionalSelect(allowed, Vector512.LoadUnsafe(ref at, (nuint)offset), Vector512.Create(float.NegativeInfinity)).StoreUnsafe(ref at, (nuint)offset);
        }
    }

    private readonly struct Float256 : IMaskBlend<float>
    {
        public static int Lanes => Vector256<float>.Count;

        public static void StoreNegativeInfinity(ref float at, int offset) => Vector256.Create(float.NegativeInfinity).StoreUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Blend(ref float at, int offset, uint bits)
        {
            Vector256<uint> laneBits = Vector256.Create(1u, 2, 4, 8, 16, 32, 64, 128);
            Vector256<float> allowed = Vector256.Equals(Vector256.Create(bits) & laneBits, laneBits).AsSingle();
            Vector256.ConditionalSelect(allowed, Vector256.LoadUnsafe(ref at, (nuint)offset), Vector256.Create(float.NegativeInfinity)).StoreUnsafe(ref at, (nuint)offset);
        }
    }

    private readonly struct Float128 : IMaskBlend<float>
    {
        public static int Lanes => Vector128<float>.Count;

        public static void StoreNegativeInfinity(ref float at, int offset) => Vector128.Create(float.NegativeInfinity).StoreUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Blend(ref float at, int offset, uint bits)
        {
            Vector128<uint> laneBits = Vector128.Create(1u, 2, 4, 8);
            Vector128<float> allowed = Vector128.Equals(Vector128.Create(bits) & laneBits, laneBits).AsSingle();
            Vector128.ConditionalSelect(allowed, Vector128.LoadUnsafe(ref at, (nuint)offset), Vector128.Create(float.NegativeInfinity)).StoreUnsafe(ref at, (nuint)offset);
        }
    }

    // Half lanes are handled as pairs in 32-bit lanes: lane j holds ids 2j (low half) and 2j+1 (high half), so the
    // lane masks are built with 32-bit compares like the float ones and then merged per half.
    private readonly struct Half512 : IMaskBlend<ushort>
    {
        public static int Lanes => Vector512<ushort>.Count;

        public static void StoreNegativeInfinity(ref ushort at, int offset) => Vector512.Create(HalfNegativeInfinityBits).StoreUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Blend(ref ushort at, int offset, uint bits)
        {
            Vector512<uint> even = Vector512.Create(1u, 1u << 2, 1u << 4, 1u << 6, 1u << 8, 1u << 10, 1u << 12, 1u << 14, 1u << 16, 1u << 18, 1u << 20, 1u << 22, 1u << 24, 1u << 26, 1u << 28, 1u << 30);
            Vector512<uint> word = Vector512.Create(bits);
            Vector512<uint> keep = (Vector512.Equals(word & even, even) & Vector512.Create(0x0000_FFFFu))
                | (Vector512.Equals(word & (even << 1), even << 1) & Vector512.Create(0xFFFF_0000u));
            ref uint pair = ref Unsafe.As<ushort, uint>(ref Unsafe.Add(ref at, offset));
            Vector512.ConditionalSelect(keep, Vector512.LoadUnsafe(ref pair), Vector512.Create(0xFC00_FC00u)).StoreUnsafe(ref pair);
        }
    }

    private readonly struct Half256 : IMaskBlend<ushort>
    {
        public static int Lanes => Vector256<ushort>.Count;

        public static void StoreNegativeInfinity(ref ushort at, int offset) => Vector256.Create(HalfNegativeInfinityBits).StoreUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Blend(ref ushort at, int offset, uint bits)
        {
            Vector256<uint> even = Vector256.Create(1u, 1u << 2, 1u << 4, 1u << 6, 1u << 8, 1u << 10, 1u << 12, 1u << 14);
            Vector256<uint> word = Vector256.Create(bits);
            Vector256<uint> keep = (Vector256.Equals(word & even, even) & Vector256.Create(0x0000_FFFFu))
                | (Vector256.Equals(word & (even << 1), even << 1) & Vector256.Create(0xFFFF_0000u));
            ref uint pair = ref Unsafe.As<ushort, uint>(ref Unsafe.Add(ref at, offset));
            Vector256.ConditionalSelect(keep, Vector256.LoadUnsafe(ref pair), Vector256.Create(0xFC00_FC00u)).StoreUnsafe(ref pair);
        }
    }

    private readonly struct Half128 : IMaskBlend<ushort>
    {
        public static int Lanes => Vector128<ushort>.Count;

        public static void StoreNegativeInfinity(ref ushort at, int offset) => Vector128.Create(HalfNegativeInfinityBits).StoreUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Blend(ref ushort at, int offset, uint bits)
        {
            Vector128<uint> even = Vector128.Create(1u, 1u << 2, 1u << 4, 1u << 6);
            Vector128<uint> word = Vector128.Create(bits);
            Vector128<uint> keep = (Vector128.Equals(word & even, even) & Vector128.Create(0x0000_FFFFu))
                | (Vector128.Equals(word & (even << 1), even << 1) & Vector128.Create(0xFFFF_0000u));
            ref uint pair = ref Unsafe.As<ushort, uint>(ref Unsafe.Add(ref at, offset));
            Vector128.ConditionalSelect(keep, Vector128.LoadUnsafe(ref pair), Vector128.Create(0xFC00_FC00u)).StoreUnsafe(ref pair);
        }
    }
}
