using System.Numerics;

namespace ConstrainedDecoding.Regex;

/// <summary>An immutable set of byte values (a 256-bit bitmap).</summary>
public readonly struct ByteSet : IEquatable<ByteSet>
{
    private readonly ulong _w0, _w1, _w2, _w3;

    private ByteSet(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0; _w1 = w1; _w2 = w2; _w3 = w3;
    }

    /// <summary>The empty set.</summary>
    public static ByteSet Empty => default;

    /// <summary>All 256 byte values.</summary>
    public static ByteSet All => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>A set holding one byte.</summary>
    public static ByteSet Single(byte b) => Range(b, b);

    /// <summary>A set holding the inclusive range <paramref name="lo"/>..<paramref name="hi"/>.</summary>
    public static ByteSet Range(byte lo, byte hi)
    {
        Span<ulong> w = stackalloc ulong[4];
        for (int b = lo; b <= hi; b++)
        {
            w[b >> 6] |= 1UL << (b & 63);
        }
        return new ByteSet(w[0], w[1], w[2], w[3]);
    }

    /// <summary>Whether <paramref name="b"/> is in the set.</summary>
    public bool Contains(byte b) => (b >> 6) switch
    {
        0 => (_w0 >> (b & 63) & 1) != 0,
        1 => (_w1 >> (b & 63) & 1) != 0,
        2 => (_w2 >> (b & 63) & 1) != 0,
        _ => (_w3 >> (b & 63) & 1) != 0,
    };

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => (_w0 | _w1 | _w2 | _w3) == 0;

    /// <summary>Whether the set holds exactly one byte; if so, that byte.</summary>
    internal bool TryGetSingle(out byte single)
    {
        single = 0;
        if (Count != 1) return false;
        int word = _w0 != 0 ? 0 : _w1 != 0 ? 1 : _w2 != 0 ? 2 : 3;
        ulong bits = word switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
        single = (byte)(word * 64 + BitOperations.TrailingZeroCount(bits));
        return true;
    }

    /// <summary>Number of bytes in the set.</summary>
    public int Count => BitOperations.PopCount(_w0) + BitOperations.PopCount(_w1) + BitOperations.PopCount(_w2) + BitOperations.PopCount(_w3);

    /// <summary>Set union.</summary>
    public ByteSet Union(ByteSet other) => new(_w0 | other._w0, _w1 | other._w1, _w2 | other._w2, _w3 | other._w3);

    /// <summary>Set intersection.</summary>
    public ByteSet Intersect(ByteSet other) => new(_w0 & other._w0, _w1 & other._w1, _w2 & other._w2, _w3 & other._w3);

    /// <summary>Complement with respect to all 256 bytes.</summary>
    public ByteSet Complement() => new(~_w0, ~_w1, ~_w2, ~_w3);

    /// <summary>Adds one byte.</summary>
    public ByteSet With(byte b) => Union(Single(b));

    /// <summary>Enumerates the member bytes in ascending order.</summary>
    public IEnumerable<byte> Members()
    {
        for (int b = 0; b < 256; b++)
        {
            if (Contains((byte)b))
            {
                yield return (byte)b;
            }
        }
    }

    /// <inheritdoc/>
    public bool Equals(ByteSet other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ByteSet o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <summary>Equality.</summary>
    public static bool operator ==(ByteSet a, ByteSet b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ByteSet a, ByteSet b) => !a.Equals(b);

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder("[");
        int b = 0;
        while (b < 256)
        {
            if (!Contains((byte)b)) { b++; continue; }
            int e = b;
            while (e + 1 < 256 && Contains((byte)(e + 1))) e++;
            sb.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            if (e > b) sb.Append('-').Append(e.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            sb.Append(' ');
            b = e + 1;
        }
        return sb.Append(']').ToString();
    }
}
