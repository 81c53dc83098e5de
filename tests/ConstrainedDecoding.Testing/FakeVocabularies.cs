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

    /// <summary>A JSON-flavoured vocabulary: single bytes plus multi-byte tokens that cross terminal boundaries.</summary>
    public static TokenVocabulary JsonLike() => BytesAndWords(
    [
        "{\"", "\":", "\": ", "\",", "\", \"", "\"}", "\"]", "\"},", "\"}]", "\"]}", "},", "}]", "}}", "]}", "],", "[{", "[{\"", "{}", "[]",
        "true", "false", "null", "tr", "ue", "fal", "se", "nu", "ll", "12", "123", "0.", ".5", "e+", "1e", "-1", "  ", "    ", "\n", "\n  ", ", ",
        "name", "age", "\"name", "\"age\": ", "\\n", "\\\"", "\\u00", "é", "日本", "\u00e9\"", "😀", "\"x\"", ":\"", ",\"", " {\"", " [", " \"",
        "abc", "a\"", "1,", "2}", "3]", "0,", " 1", "ü", "\xff",
    ]);
}
