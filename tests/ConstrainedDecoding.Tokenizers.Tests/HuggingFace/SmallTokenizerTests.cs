using System.Text;
using ConstrainedDecoding.Tokenizers.HuggingFace;

namespace ConstrainedDecoding.Tokenizers.Tests.HuggingFace;

/// <summary>Byte mapping, special flags and stop ids on hand-written tokenizer.json files.</summary>
public sealed class SmallTokenizerTests
{
    private static TokenizerInfo Load(string json, HuggingFaceVocabularyOptions? options = null, string? config = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        using var configStream = config is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(config));
        return HuggingFaceVocabulary.LoadWithInfo(stream, configStream, options);
    }

    private static string Text(TokenizerInfo info, int id) => Encoding.UTF8.GetString(info.Vocabulary.GetTokenBytes(id));

    [Fact]
    public void ByteLevelStringsMapBackToBytes()
    {
        var info = Load(SmallTokenizerJson.ByteLevel);
        Assert.Equal(TokenizerKind.ByteLevel, info.Kind);
        Assert.Equal(10, info.Vocabulary.Count);
        Assert.Equal(" ", Text(info, 0));
        Assert.Equal("\n", Text(info, 1));
        Assert.Equal(" hello", Text(info, 3));
        Assert.Equal(new byte[] { 0x20, 0xE2, 0x80 }, info.Vocabulary.GetTokenBytes(4).ToArray());
        Assert.Equal(new byte[] { 0xE9 }, info.Vocabulary.GetTokenBytes(9).ToArray()); // é is byte 0xE9 in the alphabet
    }

    [Fact]
    public void AddedTokensAreTheirContent()
    {
        var info = Load(SmallTokenizerJson.ByteLevel);
        Assert.Equal("  ", Text(info, 6)); // non-special added token: raw spaces, not "ĠĠ"
        Assert.False(info.Vocabulary.IsSpecial(6));
        Assert.True(info.Vocabulary.IsSpecial(5));
        Assert.True(info.Vocabulary.IsSpecial(7));
        Assert.Equal("<|im_start|>", Text(info, 7));
        Assert.Equal(7, info.AddedTokens["<|im_start|>"]);
    }

    [Fact]
    public void IdsWithoutEntryHaveNoBytesAndAreSpecial()
    {
        var info = Load(SmallTokenizerJson.ByteLevel);
        Assert.True(info.Vocabulary.IsSpecial(8));
        Assert.Equal(0, info.Vocabulary.GetTokenBytes(8).Length);
    }

    [Fact]
    public void WellKnownStopTokenIsTheDefaultStop()
    {
        var info = Load(SmallTokenizerJson.ByteLevel);
        Assert.Equal([5], info.Vocabulary.StopTokenIds.Order());
        Assert.Null(info.EosTokenId);
        var none = Load(SmallTokenizerJson.ByteLevel, new HuggingFaceVocabularyOptions { IncludeWellKnownStopTokens = false });
        Assert.Empty(none.Vocabulary.StopTokenIds);
    }

    [Fact]
    public void ConfigEosIsAStopAndSpecial()
    {
        var info = Load(SmallTokenizerJson.ByteLevel, config: """{ "eos_token": { "content": "<|im_start|>" }, "bos_token": "a" }""");
        Assert.Equal([5, 7], info.Vocabulary.StopTokenIds.Order());
        Assert.Equal(7, info.EosTokenId);
        Assert.Equal(2, info.BosTokenId);
        Assert.True(info.Vocabulary.IsSpecial(2)); // a token the config names as BOS is special
    }

    [Fact]
    public void SentencePiecePiecesMapToBytes()
    {
        var info = Load(SmallTokenizerJson.SentencePiece);
        Assert.Equal(TokenizerKind.SentencePiece, info.Kind);
        Assert.Equal("\n", Text(info, 3));
        Assert.Equal(new byte[] { 0xE2 }, info.Vocabulary.GetTokenBytes(4).ToArray());
        Assert.Equal(" the", Text(info, 5));
        Assert.Equal(" ", Text(info, 6));
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, info.Vocabulary.GetTokenBytes(7).ToArray()); // é as UTF-8
        Assert.Equal("<0x4", Text(info, 8)); // not a byte-fallback piece
    }

    [Fact]
    public void SentencePieceControlPiecesAreSpecial()
    {
        var info = Load(SmallTokenizerJson.SentencePiece);
        Assert.True(info.Vocabulary.IsSpecial(0));
        Assert.True(info.Vocabulary.IsSpecial(1));
        Assert.True(info.Vocabulary.IsSpecial(2)); // flagged non-special, but </s> is a control piece
        Assert.Equal([2], info.Vocabulary.StopTokenIds.Order());
        Assert.Equal(0, info.UnkTokenId);
        Assert.True(info.AddsPrefixSpace);
    }

    [Fact]
    public void AddBosComesFromTheTemplateOrTheConfig()
    {
        Assert.False(Load(SmallTokenizerJson.SentencePiece).AddBosToken); // no BOS named
        Assert.True(Load(SmallTokenizerJson.SentencePiece, config: """{ "bos_token": "<s>" }""").AddBosToken);
        Assert.False(Load(SmallTokenizerJson.SentencePiece, config: """{ "bos_token": "<s>", "add_bos_token": false }""").AddBosToken);
    }

    [Fact]
    public void NameCanBeSet()
    {
        Assert.Equal("tokenizer.json", Load(SmallTokenizerJson.ByteLevel).Vocabulary.Name);
        Assert.Equal("tiny", Load(SmallTokenizerJson.ByteLevel, new HuggingFaceVocabularyOptions { Name = "tiny" }).Vocabulary.Name);
    }

    [Fact]
    public void KindCanBeForced()
    {
        const string json = """{ "model": { "type": "BPE", "vocab": { "a": 0, "▁b": 1 } } }""";
        Assert.Throws<TokenizerFormatException>(() => Load(json));
        var info = Load(json, new HuggingFaceVocabularyOptions { Kind = TokenizerKind.SentencePiece });
        Assert.Equal(" b", Text(info, 1));
        Assert.Throws<ArgumentException>(() => Load(json, new HuggingFaceVocabularyOptions { Kind = TokenizerKind.Tiktoken }));
    }

    [Fact]
    public void PathLoadingReadsConfigFilesBesideTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.Write("tokenizer.json", SmallTokenizerJson.ByteLevel);
        folder.Write("tokenizer_config.json", """{ "eos_token": "<|im_start|>", "added_tokens_decoder": { "2": { "content": "a", "special": true } } }""");
        folder.Write("generation_config.json", """{ "eos_token_id": [3, 99999] }""");
        var info = HuggingFaceVocabulary.LoadWithInfo(path);
        Assert.Equal([3, 5, 7], info.Vocabulary.StopTokenIds.Order()); // 99999 is outside the tokenizer and dropped
        Assert.True(info.Vocabulary.IsSpecial(2));
        Assert.Equal(Path.GetFileName(folder.Path), info.Vocabulary.Name);

        var ignored = HuggingFaceVocabulary.LoadWithInfo(path, new HuggingFaceVocabularyOptions { ReadConfigFiles = false });
        Assert.Equal([5], ignored.Vocabulary.StopTokenIds.Order());
    }
}
