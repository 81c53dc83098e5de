using System.Globalization;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// Short stand-ins for long regex keys inside parent keys. A stand-in is a number between the control
/// characters U+0001 and U+0002 (which no key contains: bytes below 0x21 are always written escaped),
/// never reused for another key, so a parent key built from stand-ins identifies its structure exactly.
/// The table is bounded by <see cref="Limits.MaxInternedRegexKeys"/>: when full it is cleared and
/// numbering continues, which only means a key seen again gets a new stand-in (less sharing, never a
/// wrong match).
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal static class KeyInterner
{
    // Keys up to this length are embedded as they are.
    private const int InlineLength = 48;

    // Spread over shards so that no single dictionary rehashes a large table when it grows (one of 200,000 keys
    // took ~10 ms to grow inside a mask step). The shard is picked from the length and two characters: hashing a
    // long key twice would cost more than the rehash it avoids. Plain dictionaries behind a lock per shard: their
    // entries are inline, where a concurrent dictionary allocates a node per key, and the keys interned in cold mask
    // steps survive (one object less per key for the young collections during those steps to copy).
    private const int ShardCount = 16;

    private static Dictionary<string, string>[] s_tables = NewTables();
    private static long s_next;
    private static long s_tableStart;
    private static long s_chars;

    public static string Reference(string key)
    {
        if (key.Length <= InlineLength) return key;
        var tables = Volatile.Read(ref s_tables);
        int shard = (key.Length * 31 + key[key.Length >> 1] * 7 + key[^1]) & (ShardCount - 1);
        lock (tables[shard])
        {
            if (tables[shard].TryGetValue(key, out var reference)) return reference;
        }
        // Counting entries would take every lock: the stand-in numbers count additions instead.
        // Bounded by entries and by the characters the keys hold (long keys of big patterns).
        if (Interlocked.Read(ref s_next) - Interlocked.Read(ref s_tableStart) >= Limits.MaxInternedRegexKeys
            || Interlocked.Read(ref s_chars) >= Limits.MaxInternedRegexKeyChars)
        {
            if (Interlocked.CompareExchange(ref s_tables, NewTables(), tables) == tables)
            {
                Interlocked.Exchange(ref s_tableStart, Interlocked.Read(ref s_next));
                Interlocked.Exchange(ref s_chars, 0);
            }
            tables = Volatile.Read(ref s_tables);
        }
        var table = tables[shard];
        lock (table)
        {
            if (table.TryGetValue(key, out var reference)) return reference;
            Interlocked.Add(ref s_chars, key.Length);
            reference = "\u0001" + Interlocked.Increment(ref s_next).ToString(CultureInfo.InvariantCulture) + "\u0002";
            table.Add(key, reference);
            return reference;
        }
    }

    private static Dictionary<string, string>[] NewTables()
    {
        var tables = new Dictionary<string, string>[ShardCount];
        for (int i = 0; i < ShardCount; i++) tables[i] = new Dictionary<string, string>(StringComparer.Ordinal);
        return tables;
    }
}
