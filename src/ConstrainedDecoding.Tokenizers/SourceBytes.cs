namespace ConstrainedDecoding.Tokenizers;

/// <summary>Reads a whole tokenizer file into memory, bounded by <see cref="TokenizerLimits.MaxFileBytes"/>.</summary>
internal static class SourceBytes
{
    public static byte[] Read(Stream stream)
    {
        if (stream.CanSeek)
        {
            long length = stream.Length - stream.Position;
            if (length > TokenizerLimits.MaxFileBytes) throw TooLarge(length);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > TokenizerLimits.MaxFileBytes) throw TooLarge(buffer.Length + read);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static TokenizerFormatException TooLarge(long length) =>
        new($"unexpected file of {length} bytes or more, expected at most {TokenizerLimits.MaxFileBytes} bytes (TokenizerLimits.MaxFileBytes)");
}
