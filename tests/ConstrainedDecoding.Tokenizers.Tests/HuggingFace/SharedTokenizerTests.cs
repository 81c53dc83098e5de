using System.Text;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Tokenizers.HuggingFace;

namespace ConstrainedDecoding.Tokenizers.Tests.HuggingFace;

/// <summary>Counts, stop ids, special flags, kinds and widths of the six shared tokenizers.</summary>
public sealed class SharedTokenizerTests
{
    [RequiresDataTheory]
    [InlineData("gpt2", 50257, TokenizerKind.ByteLevel)]
    [InlineData("codegen-gpt2", 50295, TokenizerKind.ByteLevel)]
    [InlineData("llama3", 128256, TokenizerKind.ByteLevel)]
    [InlineData("qwen3", 151669, TokenizerKind.ByteLevel)]
    [InlineData("mistral", 32000, TokenizerKind.SentencePiece)]
    [InlineData("phi3-vision", 32045, TokenizerKind.SentencePiece)]
    public void CountAndKind(string name, int count, TokenizerKind kind)
    {
        var info = SharedTokenizers.Get(name);
        Assert.Equal(count, info.Vocabulary.Count);
        Assert.Equal(count, info.Vocabulary.LogitsWidth);
        Assert.Equal(kind, info.Kind);
        Assert.Equal(name, info.Vocabulary.Name);
    }

    [RequiresDataTheory]
    [InlineData("gpt2", new[] { 50256 })]
    [InlineData("codegen-gpt2", new[] { 50256 })]
    [InlineData("llama3", new[] { 128001, 128009 })] // <|end_of_text|> (config eos), <|eot_id|> (well-known)
    [InlineData("qwen3", new[] { 151643, 151645 })] // <|endoftext|>, <|im_end|> (config eos)
    [InlineData("mistral", new[] { 2 })] // </s>
    [InlineData("phi3-vision", new[] { 2, 32000, 32007 })] // </s>, <|endoftext|> (config eos), <|end|> (genai_config's eos)
    public void StopIds(string name, int[] expected)
    {
        Assert.Equal(expected, SharedTokenizers.Get(name).Vocabulary.StopTokenIds.Order());
    }

    [RequiresDataTheory]
    [InlineData("gpt2", 50256, true)]
    [InlineData("gpt2", 220, false)]
    [InlineData("codegen-gpt2", 50257, false)] // 31 spaces
    [InlineData("codegen-gpt2", 50294, false)] // 2 tabs
    [InlineData("llama3", 128000, true)]
    [InlineData("llama3", 128255, true)]
    [InlineData("llama3", 127999, false)]
    [InlineData("qwen3", 151644, true)] // <|im_start|>
    [InlineData("qwen3", 151667, false)] // <think>
    [InlineData("qwen3", 151657, false)] // <tool_call>
    [InlineData("mistral", 0, true)]
    [InlineData("mistral", 1, true)]
    [InlineData("mistral", 13, false)] // <0x0A>
    [InlineData("phi3-vision", 2, true)] // </s>: not flagged special in the file, but a SentencePiece control piece
    [InlineData("phi3-vision", 32044, true)] // <|image|>
    [InlineData("phi3-vision", 31999, false)]
    public void SpecialFlags(string name, int id, bool special)
    {
        Assert.Equal(special, SharedTokenizers.Get(name).Vocabulary.IsSpecial(id));
    }

    [RequiresDataTheory]
    [InlineData("gpt2", 220, " ")]
    [InlineData("gpt2", 198, "\n")]
    [InlineData("gpt2", 262, " the")]
    [InlineData("codegen-gpt2", 50257, "                               ")]
    [InlineData("codegen-gpt2", 50294, "\t\t")]
    [InlineData("qwen3", 151667, "<think>")]
    [InlineData("llama3", 128009, "<|eot_id|>")]
    [InlineData("mistral", 272, " the")]
    [InlineData("mistral", 28705, " ")]
    [InlineData("mistral", 13, "\n")]
    [InlineData("phi3-vision", 278, " the")]
    public void TokenText(string name, int id, string text)
    {
        Assert.Equal(Encoding.UTF8.GetBytes(text), SharedTokenizers.Get(name).Vocabulary.GetTokenBytes(id).ToArray());
    }

    [RequiresDataTheory]
    [InlineData("gpt2", 564, new byte[] { 0x20, 0xE2, 0x80 })] // "ĠâĢ": a space and a partial UTF-8 sequence
    [InlineData("mistral", 229, new byte[] { 0xE2 })] // <0xE2>
    public void PartialUtf8Tokens(string name, int id, byte[] bytes)
    {
        Assert.Equal(bytes, SharedTokenizers.Get(name).Vocabulary.GetTokenBytes(id).ToArray());
    }

    [RequiresDataFact]
    public void ByteFallbackPiecesCoverEveryByte()
    {
        var vocabulary = SharedTokenizers.Get("mistral").Vocabulary;
        var seen = new HashSet<byte>();
        for (int id = 0; id < vocabulary.Count; id++)
        {
            var bytes = vocabulary.GetTokenBytes(id);
            if (bytes.Length == 1 && !vocabulary.IsSpecial(id)) seen.Add(bytes[0]);
        }
        Assert.Equal(256, seen.Count);
    }

    [RequiresDataTheory]
    [InlineData("llama3", 128000, 128001, TokenizerKind.ByteLevel, false, false)]
    [InlineData("qwen3", null, 151645, TokenizerKind.ByteLevel, false, false)]
    [InlineData("mistral", 1, 2, TokenizerKind.SentencePiece, true, true)]
    [InlineData("phi3-vision", 1, 32000, TokenizerKind.SentencePiece, true, true)]
    public void Metadata(string name, int? bos, int? eos, TokenizerKind kind, bool addBos, bool prefixSpace)
    {
        var info = SharedTokenizers.Get(name);
        Assert.Equal(bos, info.BosTokenId);
        Assert.Equal(eos, info.EosTokenId);
        Assert.Equal(kind, info.Kind);
        Assert.Equal(addBos, info.AddBosToken);
        Assert.Equal(prefixSpace, info.AddsPrefixSpace);
    }

    [RequiresDataFact]
    public void AddedTokensByContent()
    {
        var info = SharedTokenizers.Get("qwen3");
        Assert.Equal(151667, info.AddedTokens["<think>"]);
        Assert.Equal(151645, info.AddedTokens["<|im_end|>"]);
        Assert.Equal(26, info.AddedTokens.Count);
    }

    [RequiresDataFact]
    public void LogitsWidthPadsPastTheVocabulary()
    {
        var vocabulary = HuggingFaceVocabulary.Load(SharedTokenizers.PathOf("phi3-vision"), new HuggingFaceVocabularyOptions { LogitsWidth = 32064 });
        Assert.Equal(32045, vocabulary.Count);
        Assert.Equal(32064, vocabulary.LogitsWidth);
        Assert.Equal(1002, vocabulary.MaskWordCount);
    }

    [RequiresDataFact]
    public void LogitsWidthBelowTheVocabularyIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            HuggingFaceVocabulary.Load(SharedTokenizers.PathOf("phi3-vision"), new HuggingFaceVocabularyOptions { LogitsWidth = 32000 }));
        Assert.Contains("32045", ex.Message, StringComparison.Ordinal);
    }

    [RequiresDataFact]
    public void StopIdsCanBeReplacedOrExtended()
    {
        var path = SharedTokenizers.PathOf("qwen3");
        var replaced = HuggingFaceVocabulary.Load(path, new HuggingFaceVocabularyOptions { StopTokenIds = [151645] });
        Assert.Equal([151645], replaced.StopTokenIds.Order());
        var extended = HuggingFaceVocabulary.Load(path, new HuggingFaceVocabularyOptions { AdditionalStopTokenIds = [151668] });
        Assert.Equal([151643, 151645, 151668], extended.StopTokenIds.Order());
        var configOnly = HuggingFaceVocabulary.Load(SharedTokenizers.PathOf("llama3"), new HuggingFaceVocabularyOptions { IncludeWellKnownStopTokens = false });
        Assert.Equal([128001], configOnly.StopTokenIds.Order());
    }

    [RequiresDataFact]
    public void StopIdOutsideTheVocabularyIsRejected()
    {
        Assert.Throws<ArgumentException>(() =>
            HuggingFaceVocabulary.Load(SharedTokenizers.PathOf("gpt2"), new HuggingFaceVocabularyOptions { AdditionalStopTokenIds = [50257] }));
    }

    [RequiresDataFact]
    public void StreamWithoutConfigUsesWellKnownStopTokens()
    {
        using var stream = File.OpenRead(SharedTokenizers.PathOf("phi3-vision"));
        var vocabulary = HuggingFaceVocabulary.Load(stream);
        Assert.Equal([2, 32000, 32007], vocabulary.StopTokenIds.Order());
        Assert.Equal(SharedTokenizers.Get("phi3-vision").Vocabulary.Fingerprint, vocabulary.Fingerprint);
    }

    [RequiresDataFact]
    public void StreamWithConfigReadsEosAndBos()
    {
        var path = SharedTokenizers.PathOf("llama3");
        using var json = File.OpenRead(path);
        using var config = File.OpenRead(Path.Combine(Path.GetDirectoryName(path)!, "tokenizer_config.json"));
        var info = HuggingFaceVocabulary.LoadWithInfo(json, config);
        Assert.Equal(128000, info.BosTokenId);
        Assert.Equal(128001, info.EosTokenId);
    }

    [RequiresDataFact]
    public void FolderPathLoadsItsTokenizerJson()
    {
        var folder = Path.GetDirectoryName(SharedTokenizers.PathOf("mistral"))!;
        Assert.Equal(SharedTokenizers.Get("mistral").Vocabulary.Fingerprint, HuggingFaceVocabulary.Load(folder).Fingerprint);
    }

    [RequiresDataFact]
    public void ForcingTheWrongKindFailsWithAPosition()
    {
        // SentencePiece pieces such as "▁the" are not in the byte-level alphabet.
        var ex = Assert.Throws<TokenizerFormatException>(() =>
            HuggingFaceVocabulary.Load(SharedTokenizers.PathOf("mistral"), new HuggingFaceVocabularyOptions { Kind = TokenizerKind.ByteLevel }));
        Assert.StartsWith("$.model.vocab[", ex.JsonPath, StringComparison.Ordinal);
        Assert.NotNull(ex.Line);
        Assert.Contains("byte-level alphabet", ex.Message, StringComparison.Ordinal);
    }
}
