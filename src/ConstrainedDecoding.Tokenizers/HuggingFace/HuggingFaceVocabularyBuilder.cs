using System.Text;
using System.Text.Json;
using ConstrainedDecoding.Tokenizers.Text;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Tokenizers.HuggingFace;

/// <summary>Turns a parsed <c>tokenizer.json</c> and its config files into a <see cref="TokenizerInfo"/>.</summary>
internal sealed class HuggingFaceVocabularyBuilder
{
    private readonly TokenizerJson _json;
    private readonly TokenizerConfig _config;
    private readonly HuggingFaceVocabularyOptions _options;
    private readonly Dictionary<string, int> _added = new(StringComparer.Ordinal);
    private int _count;

    private HuggingFaceVocabularyBuilder(TokenizerJson json, TokenizerConfig config, HuggingFaceVocabularyOptions options)
    {
        _json = json;
        _config = config;
        _options = options;
    }

    public static TokenizerInfo Build(TokenizerJson json, TokenizerConfig config, HuggingFaceVocabularyOptions options, string defaultName)
        => new HuggingFaceVocabularyBuilder(json, config, options).Build(defaultName);

    private TokenizerInfo Build(string defaultName)
    {
        var pipeline = TokenizerPipeline.Inspect(_json);
        var kind = DetectKind(pipeline);
        foreach (var v in _json.Vocab) _count = Math.Max(_count, v.Id + 1);
        foreach (var a in _json.AddedTokens) _count = Math.Max(_count, a.Id + 1);
        if (_count == 0) throw _json.Error("unexpected empty vocabulary, expected at least one token", "$.model.vocab", 0);

        var bytes = new byte[]?[_count];
        var isAdded = new bool[_count];
        var special = new HashSet<int>();
        foreach (var a in _json.AddedTokens)
        {
            if (isAdded[a.Id] && bytes[a.Id] is { } previous && !previous.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(a.Content)))
            {
                throw _json.Error($"unexpected second added token for id {a.Id}, expected one content per id", "$.added_tokens", a.Offset);
            }
            // Added tokens are matched in the text before any byte-level mapping, so their bytes are their content.
            bytes[a.Id] = Encoding.UTF8.GetBytes(a.Content);
            isAdded[a.Id] = true;
            _added.TryAdd(a.Content, a.Id);
            if (a.Special) special.Add(a.Id);
        }

        bool byteFallback = _json.ByteFallback || pipeline.HasByteFallback;
        foreach (var v in _json.Vocab)
        {
            if (isAdded[v.Id]) continue; // the added token's content takes precedence, as in Hugging Face decoding
            if (bytes[v.Id] is not null)
            {
                throw _json.Error($"unexpected second vocab entry for id {v.Id}, expected unique ids", VocabPath(v.Token), v.Offset);
            }
            bytes[v.Id] = kind == TokenizerKind.ByteLevel
                ? ByteLevelBytes(v)
                : SentencePieceText.ToBytes(v.Token, pipeline.SpaceMarker, byteFallback);
        }

        int? bos = Resolve(_config.BosToken), eos = Resolve(_config.EosToken), unk = Resolve(_config.UnkToken), pad = Resolve(_config.PadToken);
        foreach (int id in _config.SpecialIds) AddIfInRange(special, id);
        foreach (int? id in (ReadOnlySpan<int?>)[bos, eos, unk, pad])
        {
            if (id is { } i) special.Add(i);
        }
        if (kind == TokenizerKind.SentencePiece)
        {
            // SentencePiece reserves these as control symbols: they never stand for text, whatever their added-token flag says.
            foreach (string? control in (ReadOnlySpan<string?>)[_json.UnkToken, "<unk>", "<s>", "</s>"])
            {
                if (Resolve(control) is { } i) special.Add(i);
            }
        }

        var stops = StopTokenSelection.Resolve(DetectStops(eos), _options);
        var vocabulary = TokenVocabulary.Create(bytes, stops, special, _options.LogitsWidth, _options.Name ?? defaultName);
        return new TokenizerInfo(vocabulary, kind, _added)
        {
            BosTokenId = bos,
            EosTokenId = eos ?? (_config.GenerationEosIds.Count > 0 && _config.GenerationEosIds[0] < _count ? _config.GenerationEosIds[0] : null),
            UnkTokenId = unk ?? Resolve(_json.UnkToken),
            PadTokenId = pad,
            AddBosToken = bos is not null && (_config.AddBosToken ?? pipeline.TemplateStartsWithSpecialToken),
            AddsPrefixSpace = pipeline.AddsPrefixSpace,
        };
    }

    /// <summary>
    /// generation_config's <c>eos_token_id</c>s, the configuration's <c>eos_token</c>, and added tokens
    /// named in <see cref="WellKnownStopTokens.Names"/>. Ids outside the tokenizer are dropped: they can
    /// only be logits padding, which is never allowed anyway.
    /// </summary>
    private List<int> DetectStops(int? eos)
    {
        var stops = new List<int>();
        foreach (int id in _config.GenerationEosIds) AddIfInRange(stops, id);
        if (eos is { } e) stops.Add(e);
        if (_options.IncludeWellKnownStopTokens)
        {
            foreach (var a in _json.AddedTokens)
            {
                if (WellKnownStopTokens.Contains(a.Content)) stops.Add(a.Id);
            }
        }
        return stops;
    }

    private void AddIfInRange(ICollection<int> ids, int id)
    {
        if ((uint)id < (uint)_count) ids.Add(id);
    }

    private TokenizerKind DetectKind(TokenizerPipeline pipeline)
    {
        switch (_options.Kind)
        {
            case TokenizerKind.ByteLevel or TokenizerKind.SentencePiece:
                return _options.Kind.Value;
            case { } other:
                throw new ArgumentException($"A tokenizer.json vocabulary cannot be read as {other}; use ByteLevel, SentencePiece or null to detect (HuggingFaceVocabularyOptions.Kind).");
        }
        if (pipeline.HasByteLevel) return TokenizerKind.ByteLevel;
        if (pipeline.HasSentencePiece || _json.ByteFallback) return TokenizerKind.SentencePiece;
        throw _json.Error(
            "unexpected BPE tokenizer with neither a ByteLevel step nor a Metaspace/ByteFallback/\"▁\" step, expected byte-level or SentencePiece-style BPE (set HuggingFaceVocabularyOptions.Kind to choose)",
            "$.decoder",
            0);
    }

    private byte[] ByteLevelBytes(VocabEntry v)
    {
        var result = ByteLevelAlphabet.TryDecode(v.Token, out int bad);
        if (result is not null) return result;
        int code = char.IsSurrogatePair(v.Token, bad) ? char.ConvertToUtf32(v.Token, bad) : v.Token[bad];
        throw _json.Error(
            $"unexpected character U+{code:X4} at index {bad} of token {JsonSerializer.Serialize(v.Token)} (id {v.Id}), expected a character of the GPT-2 byte-level alphabet",
            VocabPath(v.Token),
            v.Offset);
    }

    /// <summary>The id of a named token: an added token with that content, else a vocab entry with that string.</summary>
    private int? Resolve(string? name)
    {
        if (name is null) return null;
        if (_added.TryGetValue(name, out int id)) return id;
        foreach (var v in _json.Vocab)
        {
            if (v.Token == name) return v.Id;
        }
        return null;
    }

    private static string VocabPath(string token) => $"$.model.vocab[{JsonSerializer.Serialize(token)}]";
}
