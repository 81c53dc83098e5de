using System.Text.Json;

namespace ConstrainedDecoding.Tokenizers.HuggingFace;

/// <summary>One <c>model.vocab</c> entry and where its key starts in the file.</summary>
internal readonly record struct VocabEntry(string Token, int Id, long Offset);

/// <summary>One <c>added_tokens</c> entry and where it starts in the file.</summary>
internal readonly record struct AddedTokenEntry(int Id, string Content, bool Special, long Offset);

/// <summary>The parts of a <c>tokenizer.json</c> that token bytes depend on.</summary>
internal sealed class TokenizerJson
{
    public required byte[] Source { get; init; }
    public string? ModelType { get; set; }
    public long ModelTypeOffset { get; set; }
    public List<VocabEntry> Vocab { get; } = [];
    public List<AddedTokenEntry> AddedTokens { get; } = [];
    public bool ByteFallback { get; set; }
    public string? UnkToken { get; set; }
    public JsonElement? Normalizer { get; set; }
    public JsonElement? PreTokenizer { get; set; }
    public JsonElement? Decoder { get; set; }
    public JsonElement? PostProcessor { get; set; }

    /// <summary>A format error located at a byte offset of <see cref="Source"/>.</summary>
    public TokenizerFormatException Error(string message, string path, long offset) => TokenizerJsonReader.Error(Source, message, path, offset);
}

/// <summary>
/// Streams a <c>tokenizer.json</c> with <see cref="Utf8JsonReader"/>: reads <c>model.vocab</c> and
/// <c>added_tokens</c> entry by entry, keeps the small pipeline sections as <see cref="JsonElement"/>s,
/// and skips <c>merges</c> without materialising them (Llama 3 has 280k of them, and token bytes do
/// not depend on merges).
/// </summary>
internal sealed class TokenizerJsonReader
{
    private static readonly JsonReaderOptions s_options = new()
    {
        MaxDepth = TokenizerLimits.MaxJsonDepth,
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly TokenizerJson _result;
    private string _path = "$";

    private TokenizerJsonReader(byte[] source) => _result = new TokenizerJson { Source = source };

    /// <summary>Parses a whole <c>tokenizer.json</c>.</summary>
    /// <exception cref="TokenizerFormatException">The bytes are not JSON, or not a BPE tokenizer definition.</exception>
    public static TokenizerJson Parse(byte[] source)
    {
        var parser = new TokenizerJsonReader(source);
        int start = source.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var reader = new Utf8JsonReader(source.AsSpan(start), s_options);
        try
        {
            parser.ReadDocument(ref reader, start);
        }
        catch (JsonException ex)
        {
            // Utf8JsonReader reports 0-based positions; ours are 1-based.
            throw new TokenizerFormatException(
                $"unexpected malformed JSON, expected a tokenizer.json document: {ex.Message}",
                parser._path,
                ex.LineNumber + 1,
                ex.BytePositionInLine + 1,
                null,
                ex);
        }
        return parser._result;
    }

    /// <summary>A format error whose line and column are computed from a byte offset.</summary>
    public static TokenizerFormatException Error(byte[] source, string message, string path, long offset)
    {
        long line = 1, lineStart = 0;
        long end = Math.Min(offset, source.LongLength);
        for (long i = 0; i < end; i++)
        {
            if (source[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new TokenizerFormatException(message, path, line, offset - lineStart + 1, offset);
    }

    private TokenizerFormatException Error(string message, long offset) => Error(_result.Source, message, _path, offset);

    private void ReadDocument(ref Utf8JsonReader reader, int start)
    {
        if (!reader.Read()) throw Error("unexpected end of input, expected a JSON object", start);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"unexpected {Describe(reader.TokenType)}, expected a JSON object (a Hugging Face tokenizer.json)", start + reader.TokenStartIndex);
        }
        bool sawModel = false;
        while (NextProperty(ref reader, out string name))
        {
            _path = "$." + name;
            switch (name)
            {
                case "model":
                    sawModel = true;
                    ReadModel(ref reader, start);
                    break;
                case "added_tokens":
                    ReadAddedTokens(ref reader, start);
                    break;
                case "normalizer":
                    _result.Normalizer = JsonElement.ParseValue(ref reader);
                    break;
                case "pre_tokenizer":
                    _result.PreTokenizer = JsonElement.ParseValue(ref reader);
                    break;
                case "decoder":
                    _result.Decoder = JsonElement.ParseValue(ref reader);
                    break;
                case "post_processor":
                    _result.PostProcessor = JsonElement.ParseValue(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        _path = "$";
        if (reader.Read()) throw Error($"unexpected {Describe(reader.TokenType)} after the top-level object, expected end of input", start + reader.TokenStartIndex);
        if (!sawModel) throw Error("unexpected JSON object without \"model\", expected a Hugging Face tokenizer.json with model.vocab", start);
    }

    private void ReadModel(ref Utf8JsonReader reader, int start)
    {
        long modelOffset = start + reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"unexpected {Describe(reader.TokenType)}, expected the model object", modelOffset);
        }
        bool vocabIsObject = false;
        long vocabOffset = modelOffset;
        while (NextProperty(ref reader, out string name))
        {
            _path = "$.model." + name;
            long valueOffset = start + reader.TokenStartIndex;
            switch (name)
            {
                case "type":
                    _result.ModelType = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()
                        : throw Error($"unexpected {Describe(reader.TokenType)}, expected the model type as a string", valueOffset);
                    _result.ModelTypeOffset = valueOffset;
                    break;
                case "vocab":
                    vocabOffset = valueOffset;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        vocabIsObject = true;
                        ReadVocab(ref reader, start);
                    }
                    else
                    {
                        reader.Skip(); // Unigram keeps [piece, score] pairs: reported below once the type is known
                    }
                    break;
                case "byte_fallback":
                    _result.ByteFallback = reader.TokenType == JsonTokenType.True;
                    break;
                case "unk_token":
                    _result.UnkToken = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    break;
                default:
                    reader.Skip(); // merges, dropout, …: not needed for token bytes
                    break;
            }
        }
        string type = _result.ModelType ?? "BPE"; // files written before "type" was serialized are BPE
        if (type != "BPE")
        {
            _path = "$.model.type";
            throw Error(
                $"unexpected model type \"{type}\", expected \"BPE\" (byte-level or SentencePiece-style with byte fallback); WordPiece, WordLevel and Unigram vocabularies are not supported",
                _result.ModelTypeOffset);
        }
        _path = "$.model.vocab";
        if (!vocabIsObject)
        {
            throw Error("unexpected model without a vocab object, expected \"model.vocab\" mapping token strings to ids", vocabOffset);
        }
        _path = "$.model";
    }

    private void ReadVocab(ref Utf8JsonReader reader, int start)
    {
        var vocab = _result.Vocab;
        while (true)
        {
            if (!reader.Read()) throw Error("unexpected end of input, expected a vocab entry or '}'", _result.Source.Length);
            if (reader.TokenType == JsonTokenType.EndObject) return;
            long keyOffset = start + reader.TokenStartIndex;
            string token = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id))
            {
                _path = $"$.model.vocab[{JsonSerializer.Serialize(token)}]";
                throw Error($"unexpected {Describe(reader.TokenType)}, expected an integer token id", start + reader.TokenStartIndex);
            }
            CheckId(id, keyOffset, token);
            vocab.Add(new VocabEntry(token, id, keyOffset));
        }
    }

    private void ReadAddedTokens(ref Utf8JsonReader reader, int start)
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Error($"unexpected {Describe(reader.TokenType)}, expected an array of added tokens", start + reader.TokenStartIndex);
        }
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            _path = $"$.added_tokens[{index}]";
            long entryOffset = start + reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error($"unexpected {Describe(reader.TokenType)}, expected an added-token object", entryOffset);
            }
            int? id = null;
            string? content = null;
            bool special = false;
            while (NextProperty(ref reader, out string name))
            {
                long valueOffset = start + reader.TokenStartIndex;
                switch (name)
                {
                    case "id":
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int value))
                        {
                            throw Error($"unexpected {Describe(reader.TokenType)}, expected an integer token id", valueOffset);
                        }
                        id = value;
                        break;
                    case "content":
                        content = reader.TokenType == JsonTokenType.String
                            ? reader.GetString()
                            : throw Error($"unexpected {Describe(reader.TokenType)}, expected the token content as a string", valueOffset);
                        break;
                    case "special":
                        special = reader.TokenType == JsonTokenType.True;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (id is null || content is null)
            {
                throw Error($"unexpected added token without {(id is null ? "\"id\"" : "\"content\"")}, expected both \"id\" and \"content\"", entryOffset);
            }
            CheckId(id.Value, entryOffset, vocabKey: null);
            _result.AddedTokens.Add(new AddedTokenEntry(id.Value, content, special, entryOffset));
            index++;
        }
        _path = "$.added_tokens";
    }

    private void CheckId(int id, long offset, string? vocabKey)
    {
        if (id < 0 || id >= TokenizerLimits.MaxTokenCount)
        {
            if (vocabKey is not null) _path = $"$.model.vocab[{JsonSerializer.Serialize(vocabKey)}]";
            throw Error($"unexpected token id {id}, expected an id in 0..{TokenizerLimits.MaxTokenCount - 1} (TokenizerLimits.MaxTokenCount)", offset);
        }
    }

    /// <summary>Moves to the next property's value; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }
        name = reader.GetString()!;
        reader.Read();
        return true;
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
