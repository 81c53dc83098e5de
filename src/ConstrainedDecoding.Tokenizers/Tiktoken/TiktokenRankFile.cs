using System.Buffers.Text;
using System.Text;

namespace ConstrainedDecoding.Tokenizers.Tiktoken;

/// <summary>
/// Reads a tiktoken rank file: one token a line, its raw bytes in base64, then a space and its rank
/// (<c>IQ== 0</c>). Also reads the variant embedded in the Microsoft.ML.Tokenizers data packages,
/// which starts with a <c>Capacity: N</c> line and leaves the rank out (rank = line index).
/// </summary>
internal static class TiktokenRankFile
{
    private const string CapacityHeader = "Capacity: ";

    /// <summary>Token bytes indexed by rank; ranks no line defines are <see langword="null"/>.</summary>
    /// <exception cref="TokenizerFormatException">A line is malformed, a rank repeats, or a rank is out of range.</exception>
    public static List<byte[]?> Read(Stream stream)
    {
        var tokens = new List<byte[]?>();
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        long lineNumber = 0;
        int implicitRank = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            if (lineNumber == 1 && line.StartsWith(CapacityHeader, StringComparison.Ordinal)) continue;
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            var base64 = space < 0 ? line.AsSpan() : line.AsSpan(0, space);
            int rank;
            if (space < 0)
            {
                rank = implicitRank;
            }
            else if (!int.TryParse(line.AsSpan(space + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out rank)
                || rank >= TokenizerLimits.MaxTokenCount)
            {
                throw Error($"unexpected rank \"{line[(space + 1)..]}\", expected an integer in 0..{TokenizerLimits.MaxTokenCount - 1}", lineNumber, space + 2);
            }
            implicitRank = rank + 1;
            var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
            if (!Convert.TryFromBase64Chars(base64, bytes, out int written) || written == 0)
            {
                throw Error($"unexpected token \"{base64}\", expected non-empty base64", lineNumber, 1);
            }
            while (tokens.Count <= rank) tokens.Add(null);
            if (tokens[rank] is not null) throw Error($"unexpected second token for rank {rank}, expected unique ranks", lineNumber, 1);
            tokens[rank] = bytes.AsSpan(0, written).ToArray();
        }
        if (tokens.Count == 0) throw Error("unexpected empty rank file, expected lines of \"<base64> <rank>\"", lineNumber, 1);
        return tokens;
    }

    private static TokenizerFormatException Error(string message, long line, long column) =>
        new(message, jsonPath: null, line, column);
}
