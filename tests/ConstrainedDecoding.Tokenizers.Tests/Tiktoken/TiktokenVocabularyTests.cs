using System.Text;
using System.Text.Unicode;
using ConstrainedDecoding.Tokenizers.Tiktoken;
using ConstrainedDecoding.Vocabulary;
using Microsoft.ML.Tokenizers;

namespace ConstrainedDecoding.Tokenizers.Tests.Tiktoken;

/// <summary>tiktoken vocabularies from the Microsoft.ML.Tokenizers data packages (referenced by this test project).</summary>
public sealed class TiktokenVocabularyTests
{
    private static readonly Lazy<TiktokenTokenizer> s_gpt4o = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));
    private static readonly Lazy<TokenVocabulary> s_o200k = new(() => TiktokenVocabulary.FromTokenizer(s_gpt4o.Value));
    private static readonly Lazy<TiktokenTokenizer> s_gpt4 = new(() => TiktokenTokenizer.CreateForModel("gpt-4"));
    private static readonly Lazy<TokenVocabulary> s_cl100k = new(() => TiktokenVocabulary.CreateForEncoding("cl100k_base"));

    public static TheoryData<string> Texts() =>
    [
        "Hello, world!",
        "{\"name\": \"John\", \"age\": 30, \"tags\": [true, false, null]}",
        "Zürich 東京都 naïve café 🐉💩 — “quotes” ①②③ ﷽",
        "    indented\n\t\ttabs\r\n\n\n   trailing   ",
        "0.000123 -45e+10 1234567890123",
        "\\u00e9 \\\" \\n escapes",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈 Ⅻ ᚠᛇᚻ",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void O200kTokenBytesConcatenateToTheText(string text) => AssertRoundTrip(s_gpt4o.Value, s_o200k.Value, text);

    [Theory]
    [MemberData(nameof(Texts))]
    public void Cl100kTokenBytesConcatenateToTheText(string text) => AssertRoundTrip(s_gpt4.Value, s_cl100k.Value, text);

    private static void AssertRoundTrip(TiktokenTokenizer tokenizer, TokenVocabulary vocabulary, string text)
    {
        var ids = tokenizer.EncodeToIds(text);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            Assert.False(vocabulary.IsSpecial(id));
            bytes.AddRange(vocabulary.GetTokenBytes(id).ToArray());
        }
        Assert.Equal(Convert.ToHexString(Encoding.UTF8.GetBytes(text)), Convert.ToHexString([.. bytes]));
    }

    [Fact]
    public void PartialUtf8TokensKeepTheirBytes()
    {
        // Rare characters split into tokens that are not UTF-8 on their own; strings cannot hold them.
        var ids = s_gpt4o.Value.EncodeToIds("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷽ ᚠᛇᚻ");
        Assert.Contains(ids, id => !Utf8.IsValid(s_o200k.Value.GetTokenBytes(id)));
    }

    [Fact]
    public void O200kShape()
    {
        var v = s_o200k.Value;
        Assert.Equal(200019, v.Count); // ranks 0..199997, <|endoftext|> 199999, <|endofprompt|> 200018
        Assert.Equal([199999], v.StopTokenIds.Order());
        Assert.True(v.IsSpecial(199999));
        Assert.True(v.IsSpecial(200018));
        Assert.True(v.IsSpecial(199998)); // gap: no bytes
        Assert.Equal(0, v.GetTokenBytes(199998).Length);
        Assert.False(v.IsSpecial(199997));
        Assert.Equal("<|endofprompt|>"u8.ToArray(), v.GetTokenBytes(200018).ToArray());
        Assert.Equal("o200k_base", v.Name);
    }

    [Fact]
    public void CreateForModelMatchesFromTokenizer()
    {
        var v = TiktokenVocabulary.CreateForModel("gpt-4o");
        Assert.Equal(s_o200k.Value.Fingerprint, v.Fingerprint);
        Assert.Equal("gpt-4o", v.Name);
        Assert.Equal(TiktokenVocabulary.FromTokenizer(s_gpt4.Value).Fingerprint, s_cl100k.Value.Fingerprint);
    }

    [Fact]
    public void Cl100kShape()
    {
        var v = s_cl100k.Value;
        Assert.Equal(100277, v.Count); // <|endofprompt|> = 100276
        Assert.Equal([100257], v.StopTokenIds.Order());
        Assert.Equal(" world"u8.ToArray(), v.GetTokenBytes(1917).ToArray());
    }

    [Fact]
    public void LogitsWidthAndStopOptions()
    {
        var padded = TiktokenVocabulary.CreateForEncoding("o200k_base", new TiktokenVocabularyOptions { LogitsWidth = 200064, AdditionalStopTokenIds = [200018] });
        Assert.Equal(200064, padded.LogitsWidth);
        Assert.Equal([199999, 200018], padded.StopTokenIds.Order());
        Assert.Throws<ArgumentException>(() => TiktokenVocabulary.CreateForEncoding("o200k_base", new TiktokenVocabularyOptions { LogitsWidth = 200000 }));
    }

    [Fact]
    public void UnknownEncodingIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => TiktokenVocabulary.CreateForEncoding("p99k_base"));
        Assert.Contains("o200k_base", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Ranks 0..7: a, b, c, ab, abc, space, and the two bytes of "é" (C3, A9) as separate tokens.</summary>
    private static string SmallRankFile()
    {
        byte[][] tokens = ["a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray(), "ab"u8.ToArray(), "abc"u8.ToArray(), " "u8.ToArray(), [0xC3], [0xA9]];
        return string.Concat(tokens.Select((bytes, rank) => $"{Convert.ToBase64String(bytes)} {rank}\n"));
    }

    [Fact]
    public void RankFileGivesExactBytesIncludingPartialUtf8()
    {
        var text = SmallRankFile();
        var vocabulary = TiktokenVocabulary.FromRankFile(new MemoryStream(Encoding.UTF8.GetBytes(text)), new Dictionary<string, int> { ["<|endoftext|>"] = 9 });
        Assert.Equal(10, vocabulary.Count);
        Assert.Equal("abc"u8.ToArray(), vocabulary.GetTokenBytes(4).ToArray());
        Assert.Equal(new byte[] { 0xC3 }, vocabulary.GetTokenBytes(6).ToArray());
        Assert.Equal(new byte[] { 0xA9 }, vocabulary.GetTokenBytes(7).ToArray());
        Assert.True(vocabulary.IsSpecial(8)); // gap
        Assert.Equal([9], vocabulary.StopTokenIds.Order());

        // the same file drives a Microsoft.ML.Tokenizers tokenizer, whose ids spell the text in our bytes
        var tokenizer = TiktokenTokenizer.Create(new MemoryStream(Encoding.UTF8.GetBytes(text)), preTokenizer: null, normalizer: null);
        var ids = tokenizer.EncodeToIds("abc ab é");
        var bytes = ids.SelectMany(id => vocabulary.GetTokenBytes(id).ToArray()).ToArray();
        Assert.Equal("abc ab é"u8.ToArray(), bytes);

        // …but it is not one of the known encodings
        Assert.Throws<ArgumentException>(() => TiktokenVocabulary.FromTokenizer(tokenizer));
    }

    [Fact]
    public void RankFileWithoutRanksUsesLineOrder()
    {
        var vocabulary = TiktokenVocabulary.FromRankFile(new MemoryStream("Capacity: 2\nYQ==\nYg==\n"u8.ToArray()));
        Assert.Equal(2, vocabulary.Count);
        Assert.Equal("b"u8.ToArray(), vocabulary.GetTokenBytes(1).ToArray());
    }

    [Theory]
    [InlineData("YQ== 0\n!!!! 1\n", 2, "base64")]
    [InlineData("YQ== 0\nYg== x\n", 2, "rank")]
    [InlineData("YQ== 0\nYg== 0\n", 2, "second token for rank 0")]
    [InlineData("YQ== 99999999\n", 1, "rank")]
    [InlineData("\n\n", 2, "empty rank file")]
    public void BadRankFiles(string content, int line, string expected)
    {
        var ex = Assert.Throws<TokenizerFormatException>(() => TiktokenVocabulary.FromRankFile(new MemoryStream(Encoding.UTF8.GetBytes(content))));
        Assert.Equal(line, ex.Line);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
