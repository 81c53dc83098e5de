using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// An immutable set of token ids stored as a sorted id list when small and as a bitmask when large,
/// whichever is cheaper to OR into a mask.
/// </summary>
internal sealed class TokenSet
{
    // Lists longer than words/8 cost more to scatter than a dense OR.
    private const int ListToBitmaskDivisor = 8;

    public static readonly TokenSet Empty = new([], null);

    private readonly int[] _ids;
    private readonly uint[]? _bits;

    private TokenSet(int[] ids, uint[]? bits)
    {
        _ids = ids;
        _bits = bits;
    }

    public int Count => _bits is null ? _ids.Length : _ids.Length;

    public bool IsEmpty => _ids.Length == 0;

    /// <summary>Token ids in ascending order.</summary>
    public ReadOnlySpan<int> Ids => _ids;

    /// <summary>Creates a set from a bitmask that the caller gives up (it may be kept as the dense form).</summary>
    public static TokenSet FromBitmask(uint[] bits, int count)
    {
        if (count == 0) return Empty;
        var ids = new int[count];
        int k = 0;
        for (int w = 0; w < bits.Length; w++)
        {
            uint x = bits[w];
            while (x != 0)
            {
                ids[k++] = (w << 5) + BitOperations.TrailingZeroCount(x);
                x &= x - 1;
            }
        }
        return new TokenSet(ids, count > bits.Length ? bits : null);
    }

    public static TokenSet Create(List<int> ids, int maskWords)
    {
        if (ids.Count == 0) return Empty;
        var arr = ids.ToArray();
        Array.Sort(arr);
        uint[]? bits = null;
        if (arr.Length > maskWords / ListToBitmaskDivisor * 8)
        {
            bits = new uint[maskWords];
            foreach (int id in arr) bits[id >> 5] |= 1u << (id & 31);
        }
        return new TokenSet(arr, bits);
    }

    /// <summary>ORs the set into <paramref name="mask"/>.</summary>
    public void OrInto(Span<uint> mask)
    {
        if (_bits is not null)
        {
            OrBits(mask, _bits);
            return;
        }
        foreach (int id in _ids)
        {
            mask[id >> 5] |= 1u << (id & 31);
        }
    }

    public bool Contains(int id)
    {
        if (_bits is not null) return (uint)(id >> 5) < (uint)_bits.Length && (_bits[id >> 5] & (1u << (id & 31))) != 0;
        return Array.BinarySearch(_ids, id) >= 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OrBits(Span<uint> dest, ReadOnlySpan<uint> src)
    {
        int n = Math.Min(dest.Length, src.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<uint>.Count)
        {
            ref uint d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dest);
            ref uint s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
            for (; i <= n - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                var v = Vector256.LoadUnsafe(ref d, (nuint)i) | Vector256.LoadUnsafe(ref s, (nuint)i);
                v.StoreUnsafe(ref d, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<uint>.Count)
        {
            ref uint d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dest);
            ref uint s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
            for (; i <= n - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                var v = Vector128.LoadUnsafe(ref d, (nuint)i) | Vector128.LoadUnsafe(ref s, (nuint)i);
                v.StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++) dest[i] |= src[i];
    }

    public static int PopCount(ReadOnlySpan<uint> mask)
    {
        int c = 0;
        foreach (uint w in mask) c += BitOperations.PopCount(w);
        return c;
    }
}
