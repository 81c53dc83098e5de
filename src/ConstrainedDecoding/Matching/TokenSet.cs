using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// An immutable set of token ids stored as a sorted id list when small and as a bitmask when large,
/// whichever is cheaper to OR into a mask; or as another set's bitmask plus a few added and removed ids,
/// so that similar large sets share one bitmask.
/// </summary>
internal sealed class TokenSet
{
    // Lists longer than words/8 cost more to scatter than a dense OR.
    private const int ListToBitmaskDivisor = 8;

    public static readonly TokenSet Empty = new([], null, 0);

    private readonly int[]? _ids;
    private readonly uint[]? _bits;
    private readonly int[] _added = [];
    private readonly int[] _removed = [];

    private TokenSet(int[]? ids, uint[]? bits, int count)
    {
        _ids = ids;
        _bits = bits;
        Count = count;
    }

    private TokenSet(uint[] bits, int[] added, int[] removed, int count)
    {
        _bits = bits;
        _added = added;
        _removed = removed;
        Count = count;
    }

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    /// <summary>Whether the set is stored as a bitmask (then <see cref="Ids"/> is not available).</summary>
    public bool IsDense => _ids is null;

    /// <summary>Token ids in ascending order (sparse sets only).</summary>
    public ReadOnlySpan<int> Ids => _ids ?? throw new InvalidOperationException("A dense token set has no id list.");

    /// <summary>
    /// Allocates a long-lived cache array. An ordinary array: the pinned object heap kept these out of the young
    /// collections, but every allocation there takes a lock that a background collection holds, and mask steps
    /// waited on it (5 ms sleeps).
    /// </summary>
    public static T[] AllocateCacheArray<T>(int length) => length == 0 ? [] : new T[length];

    /// <summary>Copies a span into a cache array (see <see cref="AllocateCacheArray{T}"/>).</summary>
    public static T[] ToCacheArray<T>(ReadOnlySpan<T> items)
    {
        var arr = AllocateCacheArray<T>(items.Length);
        items.CopyTo(arr);
        return arr;
    }

    /// <summary>
    /// The set <c>(dense - removed) + added</c>, sharing <paramref name="dense"/>'s bitmask. Both lists
    /// must be sorted, <paramref name="removed"/> a subset of <paramref name="dense"/> and
    /// <paramref name="added"/> disjoint from it.
    /// </summary>
    public static TokenSet Difference(TokenSet dense, int[] added, int[] removed)
    {
        if (dense._bits is null || dense._added.Length != 0 || dense._removed.Length != 0) throw new ArgumentException("The base of a difference set must be a plain bitmask set.", nameof(dense));
        if (added.Length == 0 && removed.Length == 0) return dense;
        return new TokenSet(dense._bits, ToCacheArray<int>(added), ToCacheArray<int>(removed), dense.Count + added.Length - removed.Length);
    }

    /// <summary>Whether the set is a plain bitmask (a valid base for <see cref="Difference"/>).</summary>
    public bool IsPlainBitmask => _bits is not null && _added.Length == 0 && _removed.Length == 0;

    /// <summary>A set from a bitmask (copied) with <paramref name="count"/> members, kept as a bitmask.</summary>
    public static TokenSet FromBitmask(ReadOnlySpan<uint> bits, int count) =>
        // Dense sets keep only the bitmask: an id list of a 128k vocabulary would be a large-object allocation.
        FromBits(bits, count, denseAbove: bits.Length);

    /// <summary>
    /// The set of the <paramref name="count"/> ids whose bits are set in <paramref name="bits"/> (a mask-sized scratch the
    /// caller keeps; copied), in the same representation <see cref="Create(List{int}, int)"/> picks for that many ids.
    /// </summary>
    public static TokenSet CreateFromBits(ReadOnlySpan<uint> bits, int count) => FromBits(bits, count, denseAbove: bits.Length / ListToBitmaskDivisor * 8);

    // A copy of the bitmask above `denseAbove` ids, else the sorted id list.
    private static TokenSet FromBits(ReadOnlySpan<uint> bits, int count, int denseAbove)
    {
        if (count == 0) return Empty;
        if (count > denseAbove) return new TokenSet(null, ToCacheArray(bits), count);
        var ids = AllocateCacheArray<int>(count);
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
        return new TokenSet(ids, null, count);
    }

    public static TokenSet Create(List<int> ids, int maskWords)
    {
        if (ids.Count == 0) return Empty;
        if (ids.Count > maskWords / ListToBitmaskDivisor * 8)
        {
            // Large: a bitmask straight from the list (no sorted copy needed).
            var bits = AllocateCacheArray<uint>(maskWords);
            foreach (int id in ids) bits[id >> 5] |= 1u << (id & 31);
            return new TokenSet(null, bits, ids.Count);
        }
        var arr = AllocateCacheArray<int>(ids.Count);
        ids.CopyTo(arr);
        Array.Sort(arr);
        return new TokenSet(arr, null, arr.Length);
    }

    /// <summary>ORs the set into <paramref name="mask"/>.</summary>
    public void OrInto(Span<uint> mask)
    {
        if (_bits is not null)
        {
            if (_removed.Length == 0)
            {
                OrBits(mask, _bits);
            }
            else
            {
                OrBitsExcept(mask, _bits, _removed);
            }
            foreach (int id in _added) mask[id >> 5] |= 1u << (id & 31);
            return;
        }
        foreach (int id in _ids!)
        {
            mask[id >> 5] |= 1u << (id & 31);
        }
    }

    public bool Contains(int id)
    {
        if (_bits is not null)
        {
            if (_added.Length != 0 && Array.BinarySearch(_added, id) >= 0) return true;
            if (_removed.Length != 0 && Array.BinarySearch(_removed, id) >= 0) return false;
            return (uint)(id >> 5) < (uint)_bits.Length && (_bits[id >> 5] & (1u << (id & 31))) != 0;
        }
        return Array.BinarySearch(_ids!, id) >= 0;
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

    // ORs src into dest except the removed ids: those bits keep the value dest had before (another
    // set may have put them there). Saves the words they live in, ORs, then restores those bits.
    private static void OrBitsExcept(Span<uint> dest, ReadOnlySpan<uint> src, int[] removed)
    {
        // Difference sets are built with at most this many removed ids; a longer list is still handled.
        const int StackWords = Limits.MaxInsideDifferenceRemoved;
        Span<uint> saved = removed.Length <= StackWords ? stackalloc uint[removed.Length] : new uint[removed.Length];
        for (int k = 0; k < removed.Length; k++) saved[k] = dest[removed[k] >> 5];
        OrBits(dest, src);
        for (int k = 0; k < removed.Length; k++)
        {
            int id = removed[k];
            uint bit = 1u << (id & 31);
            dest[id >> 5] = (dest[id >> 5] & ~bit) | (saved[k] & bit);
        }
    }

    public static int PopCount(ReadOnlySpan<uint> mask)
    {
        int c = 0;
        foreach (uint w in mask) c += BitOperations.PopCount(w);
        return c;
    }
}
