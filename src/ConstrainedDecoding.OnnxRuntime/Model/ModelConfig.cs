using System.Text.Json;

namespace ConstrainedDecoding.OnnxRuntime.Model;

/// <summary>
/// What the JSON files beside the ONNX model say about stopping and cache shapes: <c>genai_config.json</c>
/// (ONNX Runtime GenAI), <c>config.json</c> and <c>generation_config.json</c> (Hugging Face), or
/// <c>model_config.json</c> (this repository's tiny model). Missing files and keys are fine; the session
/// metadata is the first source for shapes.
/// </summary>
internal sealed class ModelConfig
{
    public HashSet<int> StopTokenIds { get; } = [];

    public int? BosTokenId { get; private set; }

    public int? KeyValueHeads { get; private set; }

    public int? HeadSize { get; private set; }

    public int? ContextLength { get; private set; }

    /// <summary>The files that were read, for messages.</summary>
    public List<string> Sources { get; } = [];

    public static ModelConfig ReadFolder(string folder)
    {
        var config = new ModelConfig();
        config.Read(folder, "genai_config.json", (c, root) =>
        {
            if (!root.TryGetProperty("model", out var model)) return;
            c.AddIds(model, "eos_token_id");
            c.BosTokenId ??= Int(model, "bos_token_id");
            c.ContextLength ??= Int(model, "context_length");
            if (model.TryGetProperty("decoder", out var decoder))
            {
                c.KeyValueHeads ??= Int(decoder, "num_key_value_heads");
                c.HeadSize ??= Int(decoder, "head_size");
            }
        });
        config.Read(folder, "generation_config.json", (c, root) =>
        {
            c.AddIds(root, "eos_token_id");
            c.BosTokenId ??= Int(root, "bos_token_id");
        });
        config.Read(folder, "config.json", (c, root) =>
        {
            c.AddIds(root, "eos_token_id");
            c.BosTokenId ??= Int(root, "bos_token_id");
            c.ContextLength ??= Int(root, "max_position_embeddings");
            int? heads = Int(root, "num_attention_heads");
            c.KeyValueHeads ??= Int(root, "num_key_value_heads") ?? heads;
            c.HeadSize ??= Int(root, "head_dim") ?? (Int(root, "hidden_size") is int hidden && heads is > 0 ? hidden / heads : null);
        });
        config.Read(folder, "model_config.json", (c, root) =>
        {
            c.ContextLength ??= Int(root, "max_position");
            int? heads = Int(root, "n_heads");
            c.KeyValueHeads ??= Int(root, "n_kv_heads") ?? heads;
            c.HeadSize ??= Int(root, "d_model") is int d && heads is > 0 ? d / heads : null;
        });
        return config;
    }

    private void Read(string folder, string name, Action<ModelConfig, JsonElement> apply)
    {
        string path = System.IO.Path.Combine(folder, name);
        if (!File.Exists(path)) return;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(ModelLoadError.UnreadableFile, path, $"unexpected JSON {document.RootElement.ValueKind}, expected an object");
            }
            apply(this, document.RootElement);
            Sources.Add(name);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(ModelLoadError.UnreadableFile, path, $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ModelLoadException(ModelLoadError.UnreadableFile, path, $"cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ModelLoadException(ModelLoadError.UnreadableFile, path, $"cannot be read: {e.Message}", e);
        }
    }

    private void AddIds(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value)) return;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int id)) StopTokenIds.Add(id);
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int each)) StopTokenIds.Add(each);
            }
        }
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) ? result : null;
}
