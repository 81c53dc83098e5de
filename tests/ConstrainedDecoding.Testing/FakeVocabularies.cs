using System.Text;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Testing;

/// <summary>Small vocabularies for unit tests.</summary>
public static class FakeVocabularies
{
    /// <summary>Id of the stop token in the vocabularies built here (always the last id).</summary>
    public static int StopId(TokenVocabulary v) => v.Count - 1;

    /// <summary>All 256 single bytes (ids 0..255) plus a stop token (id 256).</summary>
    public static TokenVocabulary Bytes()
    {
        var list = new List<byte[]?>();
        for (int b = 0; b < 256; b++) list.Add([(byte)b]);
        list.Add(null);
        return TokenVocabulary.Create(list, [256], [256], name: "bytes");
    }

    /// <summary>The 256 single bytes, then <paramref name="words"/> (UTF-8), then a stop token.</summary>
    public static TokenVocabulary BytesAndWords(IEnumerable<string> words, int? logitsWidth = null)
    {
        var list = new List<byte[]?>();
        for (int b = 0; b < 256; b++) list.Add([(byte)b]);
        foreach (var w in words) list.Add(Encoding.UTF8.GetBytes(w));
        list.Add(null);
        return TokenVocabulary.Create(list, [list.Count - 1], [list.Count - 1], logitsWidth, name: "bytes+words");
    }

    /// <summary>
    /// The 256 single bytes, then <paramref name="wordCount"/> distinct words (in ordinal order) made of 1 to
    /// <paramref name="maxPieces"/> random <paramref name="pieces"/> (seeded: the same vocabulary every run), then a stop token.
    /// </summary>
    public static TokenVocabulary BytesAndRandomWords(string[] pieces, int wordCount, int maxPieces, int seed)
    {
        var rng = new Random(seed);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < wordCount)
        {
            var sb = new StringBuilder();
            int n = rng.Next(1, maxPieces + 1);
            for (int i = 0; i < n; i++) sb.Append(pieces[rng.Next(pieces.Length)]);
            words.Add(sb.ToString());
        }
        return BytesAndWords(words.Order(StringComparer.Ordinal));
    }

    /// <summary>A JSON-flavoured vocabulary: single bytes plus multi-byte tokens that cross terminal boundaries.</summary>
    public static TokenVocabulary JsonLike() => BytesAndWords(
    [
        "{\"", "\":", "\": ", "\",", "\", \"", "\"}", "\"]", "\"},", "\"}]", "\"]}", "},", "}]", "}}", "]}", "],", "[{", "[{\"", "{}", "[]",
        "true", "false", "null", "tr", "ue", "fal", "se", "nu", "ll", "12", "123", "0.", ".5", "e+", "1e", "-1", "  ", "    ", "\n", "\n  ", ", ",
        "name", "age", "\"name", "\"age\": ", "\\n", "\\\"", "\\u00", "é", "日本", "\u00e9\"", "😀", "\"x\"", ":\"", ",\"", " {\"", " [", " \"",
        "abc", "a\"", "1,", "2}", "3]", "0,", " 1", "ü", "\xff",
    ]);

    /// <summary>
    /// Edge cases in one vocabulary. Layout: the 256 single bytes (ids 0..255); <paramref name="words"/> (UTF-8);
    /// the same words again under new ids (duplicate bytes); a special token with text <c>&lt;|tool|&gt;</c>
    /// (<see cref="EdgeSpecialId"/>); a stop token with text <c>&lt;eos&gt;</c> that is not special
    /// (<see cref="EdgeTextStopId"/>); a textless stop token (<see cref="StopId"/>, the last id). The logits row
    /// has <paramref name="padding"/> ids past the count.
    /// </summary>
    public static TokenVocabulary EdgeCases(IReadOnlyList<string> words, int padding = 45)
    {
        var list = new List<byte[]?>();
        for (int b = 0; b < 256; b++) list.Add([(byte)b]);
        for (int copy = 0; copy < 2; copy++)
        {
            foreach (var w in words) list.Add(Encoding.UTF8.GetBytes(w));
        }
        int special = list.Count;
        list.Add(Encoding.UTF8.GetBytes("<|tool|>"));
        int textStop = list.Count;
        list.Add(Encoding.UTF8.GetBytes("<eos>"));
        int stop = list.Count;
        list.Add(null);
        return TokenVocabulary.Create(list, [textStop, stop], [special, stop], list.Count + padding, name: "edge-cases");
    }

    /// <summary>The special token with text in <see cref="EdgeCases"/>.</summary>
    public static int EdgeSpecialId(TokenVocabulary v) => v.Count - 3;

    /// <summary>The non-special stop token with text in <see cref="EdgeCases"/>.</summary>
    public static int EdgeTextStopId(TokenVocabulary v) => v.Count - 2;

    /// <summary>The second id of word <paramref name="index"/> in <see cref="EdgeCases"/> (same bytes as the first).</summary>
    public static int EdgeDuplicateId(int wordCount, int index) => 256 + wordCount + index;

    /// <summary>
    /// Tokens that split the UTF-8 encodings of é (C3 A9) and 日 (E6 97 A5): each byte alone, each character
    /// whole, pieces that start or end inside a character, invalid byte pairs, ASCII <c>a</c>, and a textless
    /// stop token (the last id). Find ids with <see cref="IdOf"/>.
    /// </summary>
    public static TokenVocabulary Utf8Split()
    {
        byte[][] tokens =
        [
            [0xC3], [0xA9], [0xE6], [0x97], [0xA5],          // single bytes
            [0xC3, 0xA9], [0xE6, 0x97, 0xA5],                // é, 日
            [0xE6, 0x97], [0x97, 0xA5],                      // pieces of 日
            [0xA9, 0xE6], [0xA5, 0xC3], [0xA9, 0xE6, 0x97],  // end of one character, start of the next
            [0xC3, 0xA9, 0xE6, 0x97, 0xA5],                  // é日
            [0xC3, 0xC3], [0xE6, 0xA9], [0xC3, 0x97, 0xA5],  // invalid sequences
            [(byte)'a'],
        ];
        var list = new List<byte[]?>(tokens) { null };
        return TokenVocabulary.Create(list, [list.Count - 1], [list.Count - 1], name: "utf8-split");
    }

    /// <summary>The first id whose bytes are exactly <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentException">No token has those bytes.</exception>
    public static int IdOf(TokenVocabulary v, ReadOnlySpan<byte> bytes)
    {
        for (int id = 0; id < v.Count; id++)
        {
            if (!v.IsSpecial(id) && v.GetTokenBytes(id).SequenceEqual(bytes)) return id;
        }
        throw new ArgumentException($"No token has bytes {Convert.ToHexString(bytes)}.", nameof(bytes));
    }
}
