using System.Collections.Immutable;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// An immutable set of Unicode scalar values as sorted, disjoint, non-adjacent inclusive ranges.
/// Surrogate code points (U+D800..U+DFFF) are never members: they cannot be encoded in UTF-8.
/// </summary>
public sealed class CodepointSet : IEquatable<CodepointSet>
{
    /// <summary>The highest Unicode code point.</summary>
    public const int MaxCodepoint = 0x10FFFF;

    private readonly ImmutableArray<(int Lo, int Hi)> _ranges;

    private CodepointSet(ImmutableArray<(int Lo, int Hi)> ranges) => _ranges = ranges;

    /// <summary>The empty set.</summary>
    public static CodepointSet Empty { get; } = new(ImmutableArray<(int, int)>.Empty);

    /// <summary>Every Unicode scalar value.</summary>
    public static CodepointSet Any { get; } = FromRanges([(0, MaxCodepoint)]);

    /// <summary>The sorted, disjoint ranges of the set.</summary>
    public ImmutableArray<(int Lo, int Hi)> Ranges => _ranges;

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => _ranges.IsEmpty;

    /// <summary>A set of one code point.</summary>
    public static CodepointSet Single(int cp) => Range(cp, cp);

    /// <summary>A set of one inclusive range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range lies outside 0..0x10FFFF or is reversed.</exception>
    public static CodepointSet Range(int lo, int hi)
    {
        if (lo < 0 || hi > MaxCodepoint || lo > hi) return FromRanges([(lo, hi)]); // throws
        var result = new RangeList(2);
        result.AddWithoutSurrogates(lo, hi);
        return result.ToSet();
    }

    /// <summary>Builds a set from arbitrary (possibly overlapping, unsorted) inclusive ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A range lies outside 0..0x10FFFF or is reversed.</exception>
    public static CodepointSet FromRanges(IEnumerable<(int Lo, int Hi)> ranges)
    {
        var list = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in ranges)
        {
            if (lo < 0 || hi > MaxCodepoint || lo > hi)
            {
                throw new ArgumentOutOfRangeException(nameof(ranges), $"Invalid code point range {lo:X}..{hi:X}.");
            }
            // Remove surrogates.
            if (hi < 0xD800 || lo > 0xDFFF)
            {
                list.Add((lo, hi));
            }
            else
            {
                if (lo < 0xD800) list.Add((lo, 0xD7FF));
                if (hi > 0xDFFF) list.Add((0xE000, hi));
            }
        }
        list.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        var merged = ImmutableArray.CreateBuilder<(int, int)>();
        foreach (var r in list)
        {
            if (merged.Count > 0 && r.Lo <= merged[^1].Item2 + 1)
            {
                var last = merged[^1];
                merged[^1] = (last.Item1, Math.Max(last.Item2, r.Hi));
            }
            else
            {
                merged.Add(r);
            }
        }
        return new CodepointSet(merged.ToImmutable());
    }

    /// <summary>Whether <paramref name="cp"/> is a member.</summary>
    public bool Contains(int cp)
    {
        int lo = 0, hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (cp < _ranges[mid].Lo) hi = mid - 1;
            else if (cp > _ranges[mid].Hi) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /// <summary>Set union.</summary>
    public CodepointSet Union(CodepointSet other)
    {
        if (other._ranges.IsEmpty || ReferenceEquals(this, other)) return this;
        if (_ranges.IsEmpty) return other;
        var a = _ranges.AsSpan();
        var b = other._ranges.AsSpan();
        var result = new RangeList(a.Length + b.Length);
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            result.Add(j >= b.Length || (i < a.Length && a[i].Lo <= b[j].Lo) ? a[i++] : b[j++]);
        }
        return result.ToSet();
    }

    /// <summary>Complement with respect to all Unicode scalar values.</summary>
    public CodepointSet Complement()
    {
        var result = new RangeList(_ranges.Length + 2);
        int next = 0;
        foreach (var (lo, hi) in _ranges)
        {
            if (lo > next) result.AddWithoutSurrogates(next, lo - 1);
            next = hi + 1;
        }
        if (next <= MaxCodepoint) result.AddWithoutSurrogates(next, MaxCodepoint);
        return result.ToSet();
    }

    /// <summary>Set intersection.</summary>
    public CodepointSet Intersect(CodepointSet other)
    {
        if (ReferenceEquals(this, other)) return this;
        var a = _ranges.AsSpan();
        var b = other._ranges.AsSpan();
        var result = new RangeList(a.Length + b.Length);
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            int lo = Math.Max(a[i].Lo, b[j].Lo), hi = Math.Min(a[i].Hi, b[j].Hi);
            if (lo <= hi) result.Add((lo, hi));
            if (a[i].Hi < b[j].Hi) i++;
            else j++;
        }
        return result.ToSet();
    }

    /// <summary>Set difference.</summary>
    public CodepointSet Except(CodepointSet other)
    {
        if (other._ranges.IsEmpty || _ranges.IsEmpty) return this;
        var a = _ranges.AsSpan();
        var b = other._ranges.AsSpan();
        var result = new RangeList(a.Length + b.Length);
        int j = 0;
        foreach (var (lo, hi) in a)
        {
            while (j < b.Length && b[j].Hi < lo) j++;
            int from = lo;
            for (int k = j; k < b.Length && b[k].Lo <= hi && from <= hi; k++)
            {
                if (b[k].Lo > from) result.Add((from, b[k].Lo - 1));
                from = Math.Max(from, b[k].Hi + 1);
            }
            if (from <= hi) result.Add((from, hi));
        }
        return result.ToSet();
    }

    // Ranges appended in ascending order of their low ends; overlapping and adjacent ones merge as they arrive. The
    // capacity each operation gives is its most ranges: |a| + |b| for union, intersection and difference (every range of
    // b splits at most one range of a in two), |a| + 2 for the complement (one gap more, one split at the surrogates).
    private struct RangeList(int capacity)
    {
        private readonly (int Lo, int Hi)[] _items = new (int Lo, int Hi)[Math.Max(capacity, 1)];
        private int _count;

        public void Add((int Lo, int Hi) r)
        {
            if (_count > 0 && r.Lo <= _items[_count - 1].Hi + 1)
            {
                if (r.Hi > _items[_count - 1].Hi) _items[_count - 1].Hi = r.Hi;
                return;
            }
            _items[_count++] = r;
        }

        public void AddWithoutSurrogates(int lo, int hi)
        {
            if (hi < 0xD800 || lo > 0xDFFF)
            {
                Add((lo, hi));
                return;
            }
            if (lo < 0xD800) Add((lo, 0xD7FF));
            if (hi > 0xDFFF) Add((0xE000, hi));
        }

        public readonly CodepointSet ToSet() =>
            _count == 0 ? Empty
            : new CodepointSet(_count == _items.Length ? System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(_items) : ImmutableArray.Create(_items, 0, _count));
    }

    /// <inheritdoc/>
    public bool Equals(CodepointSet? other) => other is not null && _ranges.SequenceEqual(other._ranges);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CodepointSet);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var r in _ranges) h.Add(r);
        return h.ToHashCode();
    }
}
