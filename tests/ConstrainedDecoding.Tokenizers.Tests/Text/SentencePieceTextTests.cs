using ConstrainedDecoding.Tokenizers.Text;

namespace ConstrainedDecoding.Tokenizers.Tests.Text;

public sealed class SentencePieceTextTests
{
    [Theory]
    [InlineData("<0x00>", 0x00)]
    [InlineData("<0x0A>", 0x0A)]
    [InlineData("<0xff>", 0xFF)]
    [InlineData("<0xE2>", 0xE2)]
    public void ByteFallbackPieces(string piece, int value)
    {
        Assert.True(SentencePieceText.TryParseByteFallback(piece, out byte b));
        Assert.Equal(value, b);
        Assert.Equal(new[] { (byte)value }, SentencePieceText.ToBytes(piece, '▁', byteFallback: true));
    }

    [Theory]
    [InlineData("<0x0A")]
    [InlineData("<0x0G>")]
    [InlineData("<0x0AA>")]
    [InlineData("0x0A>")]
    public void NotByteFallbackPieces(string piece) => Assert.False(SentencePieceText.TryParseByteFallback(piece, out _));

    [Fact]
    public void TextPiecesAreUtf8WithSpaces()
    {
        Assert.Equal(" the"u8.ToArray(), SentencePieceText.ToBytes("▁the", '▁', true));
        Assert.Equal("  é"u8.ToArray(), SentencePieceText.ToBytes("▁▁é", '▁', true));
        Assert.Equal("<0x0A>"u8.ToArray(), SentencePieceText.ToBytes("<0x0A>", '▁', byteFallback: false));
        Assert.Equal(" x"u8.ToArray(), SentencePieceText.ToBytes("_x", '_', true));
    }
}
