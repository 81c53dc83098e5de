namespace ConstrainedDecoding.Tokenizers.Text;

/// <summary>
/// The GPT-2 byte-to-unicode alphabet used by byte-level BPE vocabularies: printable Latin-1 bytes
/// (<c>!</c>..<c>~</c>, <c>¡</c>..<c>¬</c>, <c>®</c>..<c>ÿ</c>) stand for themselves; the other 68
/// bytes, in increasing order, are written as U+0100, U+0101, … (so space 0x20 is <c>Ġ</c> U+0120
/// and newline 0x0A is <c>Ċ</c> U+010A).
/// </summary>
internal static class ByteLevelAlphabet
{
    // char → byte + 1 (0 = not in the alphabet); every character of the alphabet is below U+0144.
    private static readonly ushort[] s_charToByte = BuildCharToByte(out s_byteToChar);
    private static readonly char[] s_byteToChar;

    /// <summary>The character that spells <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => s_byteToChar[b];

    /// <summary>
    /// Converts a vocabulary string to the bytes it stands for.
    /// </summary>
    /// <returns>The bytes, or <see langword="null"/> with <paramref name="badIndex"/> set to the first character outside the alphabet.</returns>
    public static byte[]? TryDecode(ReadOnlySpan<char> text, out int badIndex)
    {
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int v = c < s_charToByte.Length ? s_charToByte[c] : 0;
            if (v == 0)
            {
                badIndex = i;
                return null;
            }
            bytes[i] = (byte)(v - 1);
        }
        badIndex = -1;
        return bytes;
    }

    private static bool StandsForItself(int b) => (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);

    private static ushort[] BuildCharToByte(out char[] byteToChar)
    {
        byteToChar = new char[256];
        int next = 0x100;
        for (int b = 0; b < 256; b++)
        {
            byteToChar[b] = StandsForItself(b) ? (char)b : (char)next++;
        }
        var charToByte = new ushort[next];
        for (int b = 0; b < 256; b++) charToByte[byteToChar[b]] = (ushort)(b + 1);
        return charToByte;
    }
}
