using System.Text.Json;
using ConstrainedDecoding.OnnxRuntime.Model;
using Microsoft.ML.Tokenizers;
using RegularExpression = System.Text.RegularExpressions.Regex;
using RegexOptions = System.Text.RegularExpressions.RegexOptions;

namespace ConstrainedDecoding.OnnxRuntime.Text;

/// <summary>
/// Builds a Microsoft.ML.Tokenizers <see cref="BpeTokenizer"/> that encodes prompts the way a Hugging Face
/// <c>tokenizer.json</c> says: BPE vocabulary and merges, byte-level alphabet, the pre-tokenizer's split regex
/// (GPT-2's for a plain <c>ByteLevel</c> pre-tokenizer, the <c>Split</c> pattern for Llama 3 / Qwen 2 style
/// files) and the added tokens as special tokens.
/// </summary>
internal static class PromptTokenizerFactory
{
    // GPT-2's pre-tokenizer split (the ByteLevel pre-tokenizer's use_regex), as published with the tokenizer.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static Tokenizer FromTokenizerJson(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(ModelLoadError.UnreadableFile, path, $"not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(ModelLoadError.UnreadableFile, path, "unexpected tokenizer.json without a 'model' object, expected a Hugging Face tokenizer");
            }
            string? type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "BPE")
            {
                throw new ModelLoadException(ModelLoadError.UnsupportedSignature, path,
                    $"unsupported tokenizer model '{type}' for prompt encoding, expected BPE; pass ModelOptions.PromptTokenizer to encode prompts with another tokenizer");
            }

            var specials = new Dictionary<string, int>(StringComparer.Ordinal);
            if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in added.EnumerateArray())
                {
                    if (token.TryGetProperty("content", out var content) && token.TryGetProperty("id", out var id) && content.GetString() is { } text)
                    {
                        specials[text] = id.GetInt32();
                    }
                }
            }

            bool byteLevel = false;
            string? splitPattern = null;
            if (root.TryGetProperty("pre_tokenizer", out var pre)) Inspect(pre, ref byteLevel, ref splitPattern);
            if (root.TryGetProperty("decoder", out var decoder) && Contains(decoder, "ByteLevel")) byteLevel = true;
            if (!byteLevel)
            {
                throw new ModelLoadException(ModelLoadError.UnsupportedSignature, path,
                    "unsupported BPE tokenizer without a ByteLevel pre-tokenizer (SentencePiece style) for prompt encoding; pass ModelOptions.PromptTokenizer (for example LlamaTokenizer.Create on tokenizer.model)");
            }

            var vocabulary = new List<KeyValuePair<string, int>>();
            foreach (var entry in model.GetProperty("vocab").EnumerateObject()) vocabulary.Add(new(entry.Name, entry.Value.GetInt32()));
            var merges = new List<string>();
            if (model.TryGetProperty("merges", out var mergeList))
            {
                foreach (var merge in mergeList.EnumerateArray())
                {
                    // Older files write "a b", newer ones ["a", "b"].
                    merges.Add(merge.ValueKind == JsonValueKind.Array ? $"{merge[0].GetString()} {merge[1].GetString()}" : merge.GetString()!);
                }
            }
            var options = new BpeOptions(vocabulary)
            {
                Merges = merges,
                ByteLevel = true,
                SpecialTokens = specials,
                PreTokenizer = new RegexPreTokenizer(new RegularExpression(splitPattern ?? Gpt2Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant), specials),
            };
            return BpeTokenizer.Create(options);
        }
    }

    private static void Inspect(JsonElement step, ref bool byteLevel, ref string? splitPattern)
    {
        if (step.ValueKind != JsonValueKind.Object) return;
        string? type = step.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "Sequence" && step.TryGetProperty("pretokenizers", out var list))
        {
            foreach (var inner in list.EnumerateArray()) Inspect(inner, ref byteLevel, ref splitPattern);
        }
        else if (type == "ByteLevel")
        {
            byteLevel = true;
        }
        else if (type == "Split" && step.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex))
        {
            splitPattern ??= regex.GetString();
        }
    }

    private static bool Contains(JsonElement step, string type)
    {
        if (step.ValueKind != JsonValueKind.Object) return false;
        if (step.TryGetProperty("type", out var t) && t.GetString() == type) return true;
        foreach (var name in (ReadOnlySpan<string>)["decoders", "pretokenizers"])
        {
            if (step.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array && list.EnumerateArray().Any(inner => Contains(inner, type))) return true;
        }
        return false;
    }
}
