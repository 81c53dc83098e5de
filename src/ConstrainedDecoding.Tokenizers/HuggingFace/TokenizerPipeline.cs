using System.Text.Json;
using ConstrainedDecoding.Tokenizers.Text;

namespace ConstrainedDecoding.Tokenizers.HuggingFace;

/// <summary>
/// What the <c>normalizer</c>, <c>pre_tokenizer</c>, <c>decoder</c> and <c>post_processor</c>
/// sections say about how vocabulary strings spell bytes.
/// </summary>
internal sealed class TokenizerPipeline
{
    private readonly List<JsonElement> _steps = [];

    private TokenizerPipeline() { }

    /// <summary>A <c>ByteLevel</c> pre-tokenizer or decoder is present.</summary>
    public bool HasByteLevel { get; private set; }

    /// <summary>A <c>Metaspace</c>, <c>ByteFallback</c> or "▁ → space" step is present.</summary>
    public bool HasSentencePiece { get; private set; }

    /// <summary>A <c>ByteFallback</c> decoder is present (pieces <c>&lt;0xNN&gt;</c> are raw bytes).</summary>
    public bool HasByteFallback { get; private set; }

    /// <summary>The character SentencePiece steps use for a space.</summary>
    public char SpaceMarker { get; private set; } = SentencePieceText.DefaultSpaceMarker;

    /// <summary>Whether encoding puts a space (or marker) before the first word.</summary>
    public bool AddsPrefixSpace { get; private set; }

    /// <summary>Whether the post-processor's single-sequence template starts with a special token (a BOS).</summary>
    public bool TemplateStartsWithSpecialToken { get; private set; }

    public static TokenizerPipeline Inspect(TokenizerJson json)
    {
        var p = new TokenizerPipeline();
        if (json.Normalizer is { } n) p.Walk(n, Section.Normalizer);
        if (json.PreTokenizer is { } pre) p.Walk(pre, Section.PreTokenizer);
        if (json.Decoder is { } d) p.Walk(d, Section.Decoder);
        if (json.PostProcessor is { } post) p.Walk(post, Section.PostProcessor);
        return p;
    }

    private enum Section { Normalizer, PreTokenizer, Decoder, PostProcessor }

    private void Walk(JsonElement step, Section section)
    {
        if (step.ValueKind != JsonValueKind.Object) return;
        string? type = step.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "Sequence":
                foreach (var name in (ReadOnlySpan<string>)["normalizers", "pretokenizers", "decoders", "processors"])
                {
                    if (step.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var inner in list.EnumerateArray()) Walk(inner, section);
                    }
                }
                break;
            case "ByteLevel" when section is Section.PreTokenizer or Section.Decoder:
                HasByteLevel = true;
                if (section == Section.PreTokenizer && Bool(step, "add_prefix_space")) AddsPrefixSpace = true;
                break;
            case "Metaspace" when section is Section.PreTokenizer or Section.Decoder:
                HasSentencePiece = true;
                if (String(step, "replacement") is [char marker]) SpaceMarker = marker;
                if (section == Section.PreTokenizer
                    && (Bool(step, "add_prefix_space") || String(step, "prepend_scheme") is "always" or "first"))
                {
                    AddsPrefixSpace = true;
                }
                break;
            case "ByteFallback" when section == Section.Decoder:
                HasSentencePiece = true;
                HasByteFallback = true;
                break;
            case "Replace" when section is Section.Normalizer or Section.Decoder:
                // decoder: marker → " "; normalizer: " " → marker
                string? pattern = step.TryGetProperty("pattern", out var pat) && pat.ValueKind == JsonValueKind.Object ? String(pat, "String") : null;
                string? content = String(step, "content");
                string? marker1 = section == Section.Decoder ? pattern : content;
                string? space = section == Section.Decoder ? content : pattern;
                if (space == " " && marker1 is [char m] && m != ' ')
                {
                    HasSentencePiece = true;
                    SpaceMarker = m;
                }
                break;
            case "Prepend" when section == Section.Normalizer:
                if (String(step, "prepend") is { Length: > 0 }) AddsPrefixSpace = true;
                break;
            case "TemplateProcessing" when section == Section.PostProcessor:
                if (step.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array
                    && single.GetArrayLength() > 0 && single[0].ValueKind == JsonValueKind.Object
                    && single[0].TryGetProperty("SpecialToken", out _))
                {
                    TemplateStartsWithSpecialToken = true;
                }
                break;
        }
    }

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static string? String(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
