using System.Runtime.CompilerServices;

namespace ConstrainedDecoding;

/// <summary>
/// A 64-bit hash of an int or char sequence for hash-keyed caches and filters (a cache still compares contents on a
/// hit; a filter accepts that two sequences may share a hash).
/// </summary>
internal static class SpanHash
{
    private const ulong Seed = 0xcbf29ce484222325UL;

    public static ulong Of(ReadOnlySpan<int> items)
    {
        ulong h = Seed;
        foreach (int x in items) h = Mix(h, (uint)x);
        return h ^ (ulong)items.Length;
    }

    public static ulong Of(ReadOnlySpan<char> chars)
    {
        ulong h = Seed;
        foreach (char c in chars) h = Mix(h, c);
        return h ^ (ulong)chars.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h, uint x)
    {
        h ^= x;
        h *= 0x100000001b3UL;
        return h ^ (h >> 29);
    }
}
