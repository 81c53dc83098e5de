namespace ConstrainedDecoding;

/// <summary>A 64-bit hash of an int sequence for hash-keyed caches (the caller still compares contents on a hit).</summary>
internal static class SpanHash
{
    public static ulong Of(ReadOnlySpan<int> items)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (int x in items)
        {
            h ^= (uint)x;
            h *= 0x100000001b3UL;
            h ^= h >> 29;
        }
        return h ^ (ulong)items.Length;
    }

    public static ulong Of(ReadOnlySpan<char> chars)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (char c in chars)
        {
            h ^= c;
            h *= 0x100000001b3UL;
            h ^= h >> 29;
        }
        return h ^ (ulong)chars.Length;
    }
}
