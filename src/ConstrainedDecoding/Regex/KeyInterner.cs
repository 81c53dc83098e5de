using System.Collections.Concurrent;
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

    private static ConcurrentDictionary<string, string> s_table = new(StringComparer.Ordinal);
    private static long s_next;
    private static long s_tableStart;
    private static long s_chars;

    public static string Reference(string key)
    {
        if (key.Length <= InlineLength) return key;
        var table = Volatile.Read(ref s_table);
        if (table.TryGetValue(key, out var reference)) return reference;
        // ConcurrentDictionary.Count takes every lock: the stand-in numbers count additions instead.
        // Bounded by entries and by the characters the keys hold (long keys of big patterns).
        if (Interlocked.Read(ref s_next) - Interlocked.Read(ref s_tableStart) >= Limits.MaxInternedRegexKeys
            || Interlocked.Read(ref s_chars) >= Limits.MaxInternedRegexKeyChars)
        {
            if (Interlocked.CompareExchange(ref s_table, new ConcurrentDictionary<string, string>(StringComparer.Ordinal), table) == table)
            {
                Interlocked.Exchange(ref s_tableStart, Interlocked.Read(ref s_next));
                Interlocked.Exchange(ref s_chars, 0);
            }
            table = Volatile.Read(ref s_table);
        }
        return table.GetOrAdd(key, static k =>
        {
            Interlocked.Add(ref s_chars, k.Length);
            return "\u0001" + Interlocked.Increment(ref s_next).ToString(CultureInfo.InvariantCulture) + "\u0002";
        });
    }
}
