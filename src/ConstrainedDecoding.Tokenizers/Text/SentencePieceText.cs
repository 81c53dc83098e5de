using System.Text;

namespace ConstrainedDecoding.Tokenizers.Text;

/// <summary>
/// Bytes of SentencePiece pieces: the space marker (normally <c>▁</c> U+2581) stands for a space,
/// a byte-fallback piece <c>&lt;0xNN&gt;</c> stands for the single raw byte NN, and any other piece
/// is the UTF-8 of its text.
/// </summary>
internal static class SentencePieceText
{
    /// <summary>The usual space marker, U+2581 LOWER ONE EIGHTH BLOCK.</summary>
    public const char DefaultSpaceMarker = '\u2581';

    /// <summary>The bytes of a piece.</summary>
    /// <param name="piece">Piece text as stored in the vocabulary.</param>
    /// <param name="spaceMarker">Character that stands for a space.</param>
    /// <param name="byteFallback">Whether <c>&lt;0xNN&gt;</c> pieces are raw bytes.</param>
    public static byte[] ToBytes(string piece, char spaceMarker, bool byteFallback)
    {
        if (byteFallback && TryParseByteFallback(piece, out byte b)) return [b];
        return Encoding.UTF8.GetBytes(piece.Replace(spaceMarker, ' '));
    }

    /// <summary>Whether <paramref name="piece"/> is exactly <c>&lt;0xNN&gt;</c> with two hex digits.</summary>
    public static bool TryParseByteFallback(ReadOnlySpan<char> piece, out byte value)
    {
        value = 0;
        if (piece.Length != 6 || !piece.StartsWith("<0x", StringComparison.Ordinal) || piece[5] != '>') return false;
        int hi = HexValue(piece[3]), lo = HexValue(piece[4]);
        if (hi < 0 || lo < 0) return false;
        value = (byte)((hi << 4) | lo);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
