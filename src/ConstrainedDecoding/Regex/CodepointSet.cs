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
    public static CodepointSet Single(int cp) => FromRanges([(cp, cp)]);

    /// <summary>A set of one inclusive range.</summary>
    public static CodepointSet Range(int lo, int hi) => FromRanges([(lo, hi)]);

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
    public CodepointSet Union(CodepointSet other) => FromRanges(_ranges.Concat(other._ranges));

    /// <summary>Complement with respect to all Unicode scalar values.</summary>
    public CodepointSet Complement()
    {
        var result = new List<(int, int)>();
        int next = 0;
        foreach (var (lo, hi) in _ranges)
        {
            if (lo > next) result.Add((next, lo - 1));
            next = hi + 1;
        }
        if (next <= MaxCodepoint) result.Add((next, MaxCodepoint));
        return FromRanges(result);
    }

    /// <summary>Set intersection.</summary>
    public CodepointSet Intersect(CodepointSet other) => Complement().Union(other.Complement()).Complement();

    /// <summary>Set difference.</summary>
    public CodepointSet Except(CodepointSet other) => Intersect(other.Complement());

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
