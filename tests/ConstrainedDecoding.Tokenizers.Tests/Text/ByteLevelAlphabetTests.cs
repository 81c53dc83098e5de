using ConstrainedDecoding.Tokenizers.Text;

namespace ConstrainedDecoding.Tokenizers.Tests.Text;

public sealed class ByteLevelAlphabetTests
{
    [Fact]
    public void EveryByteRoundTrips()
    {
        var chars = new HashSet<char>();
        for (int b = 0; b < 256; b++)
        {
            char c = ByteLevelAlphabet.ToChar((byte)b);
            Assert.True(chars.Add(c), $"byte {b} shares its character");
            Assert.Equal(new[] { (byte)b }, ByteLevelAlphabet.TryDecode([c], out _));
        }
    }

    [Theory]
    [InlineData(' ', 'Ġ')]
    [InlineData('\n', 'Ċ')]
    [InlineData('\t', 'ĉ')]
    [InlineData('!', '!')]
    [InlineData('\u00AD', 'Ń')] // soft hyphen is not printable: the last remapped byte
    [InlineData('\u00FF', 'ÿ')]
    public void KnownCharacters(char b, char c) => Assert.Equal(c, ByteLevelAlphabet.ToChar((byte)b));

    [Fact]
    public void CharacterOutsideTheAlphabetIsReported()
    {
        Assert.Null(ByteLevelAlphabet.TryDecode("abĠ中", out int bad));
        Assert.Equal(3, bad);
        Assert.Null(ByteLevelAlphabet.TryDecode(" ", out bad)); // a raw space is spelled Ġ
        Assert.Equal(0, bad);
    }
}
