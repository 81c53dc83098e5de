using System.Runtime.CompilerServices;

namespace ConstrainedDecoding;

/// <summary>
/// A growable list of unmanaged values kept in chunks small enough for the small object heap. Temporary
/// structures of the automaton constructions can reach millions of entries: a <see cref="List{T}"/> would reallocate
/// them on the large object heap (collected only with generation 2, so every doubling adds to the full-collection
/// budget), while chunks below the threshold die young with the construction and are never copied when the list grows.
/// Not thread-safe.
/// </summary>
internal sealed class ChunkedList<T> where T : unmanaged
{
    // 64 KB chunks: below the 85,000-byte large object threshold for any element size.
    private static readonly int s_shift = 31 - int.LeadingZeroCount(Math.Max(1, 65_536 / Unsafe.SizeOf<T>()));
    private static readonly int s_mask = (1 << s_shift) - 1;
    private T[][] _chunks = new T[4][];
    private int _count;

    /// <summary>Number of values added.</summary>
    public int Count => _count;

    /// <summary>The value at <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    public ref T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) ThrowIndex(index);
            return ref _chunks[index >> s_shift][index & s_mask];
        }
    }

    /// <summary>Appends <paramref name="value"/>.</summary>
    public void Add(T value)
    {
        int chunk = _count >> s_shift;
        if (chunk == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2);
        var target = _chunks[chunk] ??= new T[1 << s_shift];
        target[_count & s_mask] = value;
        _count++;
    }

    private void ThrowIndex(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, $"expected an index below {_count}");
}
