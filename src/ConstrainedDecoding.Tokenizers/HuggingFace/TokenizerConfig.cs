using System.Text.Json;

namespace ConstrainedDecoding.Tokenizers.HuggingFace;

/// <summary>
/// What the small files beside a <c>tokenizer.json</c> say about special tokens:
/// <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> (fallback for the named tokens) and
/// <c>generation_config.json</c> (the ids that end generation).
/// </summary>
internal sealed class TokenizerConfig
{
    public const string TokenizerConfigFileName = "tokenizer_config.json";
    public const string SpecialTokensMapFileName = "special_tokens_map.json";
    public const string GenerationConfigFileName = "generation_config.json";

    private static readonly JsonDocumentOptions s_options = new()
    {
        MaxDepth = TokenizerLimits.MaxJsonDepth,
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public string? BosToken { get; private set; }
    public string? EosToken { get; private set; }
    public string? UnkToken { get; private set; }
    public string? PadToken { get; private set; }
    public bool? AddBosToken { get; private set; }

    /// <summary>Ids that <c>added_tokens_decoder</c> marks <c>"special": true</c>.</summary>
    public List<int> SpecialIds { get; } = [];

    /// <summary><c>eos_token_id</c> of <c>generation_config.json</c> (a number or a list).</summary>
    public List<int> GenerationEosIds { get; } = [];

    /// <summary>Reads the config files that exist in <paramref name="directory"/>.</summary>
    /// <exception cref="TokenizerFormatException">A file exists but is malformed.</exception>
    public static TokenizerConfig ReadDirectory(string directory)
    {
        var config = new TokenizerConfig();
        var path = Path.Combine(directory, TokenizerConfigFileName);
        if (File.Exists(path)) config.ReadTokenizerConfig(ReadFile(path), TokenizerConfigFileName);
        path = Path.Combine(directory, SpecialTokensMapFileName);
        if (File.Exists(path)) config.ReadSpecialTokensMap(ReadFile(path), SpecialTokensMapFileName);
        path = Path.Combine(directory, GenerationConfigFileName);
        if (File.Exists(path)) config.ReadGenerationConfig(ReadFile(path), GenerationConfigFileName);
        return config;
    }

    /// <summary>Reads a <c>tokenizer_config.json</c> given as a stream; <see langword="null"/> gives an empty config.</summary>
    public static TokenizerConfig ReadTokenizerConfig(Stream? tokenizerConfig)
    {
        var config = new TokenizerConfig();
        if (tokenizerConfig is not null) config.ReadTokenizerConfig(SourceBytes.Read(tokenizerConfig), TokenizerConfigFileName);
        return config;
    }

    private static byte[] ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return SourceBytes.Read(stream);
    }

    private void ReadTokenizerConfig(byte[] bytes, string file)
    {
        using var doc = Parse(bytes, file);
        var root = doc.RootElement;
        BosToken = TokenName(root, "bos_token", file);
        EosToken = TokenName(root, "eos_token", file);
        UnkToken = TokenName(root, "unk_token", file);
        PadToken = TokenName(root, "pad_token", file);
        if (root.TryGetProperty("add_bos_token", out var addBos) && addBos.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            AddBosToken = addBos.GetBoolean();
        }
        if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in decoder.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
                {
                    throw new TokenizerFormatException($"unexpected key \"{entry.Name}\" in {file}, expected a token id", $"$.added_tokens_decoder[{JsonSerializer.Serialize(entry.Name)}]");
                }
                if (entry.Value.ValueKind == JsonValueKind.Object
                    && entry.Value.TryGetProperty("special", out var special)
                    && special.ValueKind == JsonValueKind.True)
                {
                    SpecialIds.Add(id);
                }
            }
        }
    }

    private void ReadSpecialTokensMap(byte[] bytes, string file)
    {
        using var doc = Parse(bytes, file);
        var root = doc.RootElement;
        BosToken ??= TokenName(root, "bos_token", file);
        EosToken ??= TokenName(root, "eos_token", file);
        UnkToken ??= TokenName(root, "unk_token", file);
        PadToken ??= TokenName(root, "pad_token", file);
    }

    private void ReadGenerationConfig(byte[] bytes, string file)
    {
        using var doc = Parse(bytes, file);
        if (!doc.RootElement.TryGetProperty("eos_token_id", out var eos)) return;
        if (eos.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in eos.EnumerateArray()) GenerationEosIds.Add(ReadId(item, $"$.eos_token_id[{i++}]", file));
        }
        else if (eos.ValueKind != JsonValueKind.Null)
        {
            GenerationEosIds.Add(ReadId(eos, "$.eos_token_id", file));
        }
    }

    private static int ReadId(JsonElement value, string path, string file) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int id)
            ? id
            : throw new TokenizerFormatException($"unexpected {value.ValueKind} in {file}, expected an integer token id", path);

    /// <summary>A named token, written either as a string or as an object with <c>"content"</c>.</summary>
    private static string? TokenName(JsonElement root, string property, string file)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(property, out var value)) return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String:
                return content.GetString();
            default:
                throw new TokenizerFormatException(
                    $"unexpected {value.ValueKind} in {file}, expected a token string or an object with \"content\"",
                    "$." + property);
        }
    }

    private static JsonDocument Parse(byte[] bytes, string file)
    {
        try
        {
            var doc = JsonDocument.Parse(bytes, s_options);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                var kind = doc.RootElement.ValueKind;
                doc.Dispose();
                throw new TokenizerFormatException($"unexpected {kind} in {file}, expected a JSON object", "$", 1, 1, 0);
            }
            return doc;
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException(
                $"unexpected malformed JSON in {file}, expected a JSON object: {ex.Message}",
                "$",
                ex.LineNumber + 1,
                ex.BytePositionInLine + 1,
                null,
                ex);
        }
    }
}
