using System.Text;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Bench.Reporting;

/// <summary>Readable renderings of tokens for failure reports.</summary>
internal static class TokenText
{
    /// <summary>Tokens before a failure shown as context.</summary>
    public const int ContextTokens = 12;

    /// <summary>A token's bytes as text (invalid UTF-8 as U+FFFD); "&lt;special&gt;"-style names for special and out-of-range ids.</summary>
    public static string Describe(TokenVocabulary vocab, int id)
    {
        if ((uint)id >= (uint)vocab.Count) return $"<out of range {id}>";
        if (vocab.IsStop(id)) return $"<stop {id}>";
        if (vocab.IsSpecial(id)) return $"<special {id}>";
        return Encoding.UTF8.GetString(vocab.GetTokenBytes(id));
    }

    /// <summary>A token's bytes in hex.</summary>
    public static string Hex(TokenVocabulary vocab, int id) =>
        (uint)id < (uint)vocab.Count ? Convert.ToHexStringLower(vocab.GetTokenBytes(id)) : "";

    /// <summary>The text of the tokens just before <paramref name="position"/>.</summary>
    public static string Context(TokenVocabulary vocab, int[] ids, int position)
    {
        int start = Math.Max(0, position - ContextTokens);
        var bytes = new List<byte>();
        for (int i = start; i < Math.Min(position, ids.Length); i++)
        {
            if ((uint)ids[i] < (uint)vocab.Count) bytes.AddRange(vocab.GetTokenBytes(ids[i]).ToArray());
        }
        return (start > 0 ? "…" : "") + Encoding.UTF8.GetString(bytes.ToArray());
    }
}
