namespace ConstrainedDecoding.Tokenizers.Tests.HuggingFace;

/// <summary>Tiny <c>tokenizer.json</c> documents written by hand for tests that need no data folder.</summary>
internal static class SmallTokenizerJson
{
    public const string ByteLevel = """
        {
          "version": "1.0",
          "added_tokens": [
            { "id": 5, "content": "<|endoftext|>", "special": true },
            { "id": 6, "content": "  ", "special": false },
            { "id": 7, "content": "<|im_start|>", "special": true }
          ],
          "normalizer": null,
          "pre_tokenizer": { "type": "ByteLevel", "add_prefix_space": false },
          "decoder": { "type": "ByteLevel" },
          "model": {
            "type": "BPE",
            "vocab": { "Ġ": 0, "Ċ": 1, "a": 2, "Ġhello": 3, "ĠâĢ": 4, "<|endoftext|>": 5, "é": 9 },
            "merges": ["Ġ h", "e l", ["l", "o"]]
          }
        }
        """;

    public const string SentencePiece = """
        {
          "added_tokens": [
            { "id": 0, "content": "<unk>", "special": true },
            { "id": 1, "content": "<s>", "special": true },
            { "id": 2, "content": "</s>", "special": false }
          ],
          "normalizer": { "type": "Sequence", "normalizers": [
            { "type": "Prepend", "prepend": "▁" },
            { "type": "Replace", "pattern": { "String": " " }, "content": "▁" } ] },
          "pre_tokenizer": null,
          "post_processor": { "type": "TemplateProcessing", "single": [ { "SpecialToken": { "id": "<s>", "type_id": 0 } }, { "Sequence": { "id": "A", "type_id": 0 } } ] },
          "decoder": { "type": "Sequence", "decoders": [
            { "type": "Replace", "pattern": { "String": "▁" }, "content": " " },
            { "type": "ByteFallback" }, { "type": "Fuse" } ] },
          "model": {
            "type": "BPE", "unk_token": "<unk>", "byte_fallback": true,
            "vocab": { "<unk>": 0, "<s>": 1, "</s>": 2, "<0x0A>": 3, "<0xE2>": 4, "▁the": 5, "▁": 6, "é": 7, "<0x4": 8 },
            "merges": ["▁ t", "h e"]
          }
        }
        """;

    /// <summary>A BPE model whose vocab is <paramref name="vocab"/> (a JSON object), with a ByteLevel decoder.</summary>
    public static string ByteLevelWithVocab(string vocab) =>
        "{\n  \"decoder\": { \"type\": \"ByteLevel\" },\n  \"model\": {\n    \"type\": \"BPE\",\n    \"vocab\": " + vocab + "\n  }\n}\n";
}
