using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ConstrainedDecoding.OnnxRuntime.Model;

/// <summary>
/// The decoder's inputs and outputs as the session metadata names them: <c>input_ids</c>, <c>attention_mask</c>,
/// optional <c>position_ids</c>, <c>past_key_values.{i}.key|value</c> → <c>logits</c>, <c>present.{i}.key|value</c>.
/// </summary>
internal sealed partial class DecoderSignature
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string PositionIds = "position_ids";
    public const string Logits = "logits";

    private DecoderSignature() { }

    public bool HasPositionIds { get; private init; }

    /// <summary>Element type of input_ids / attention_mask / position_ids (int64 or int32).</summary>
    public TensorElementType IdType { get; private init; }

    /// <summary>past_key_values.{i}.key, .value for each layer, in layer order.</summary>
    public string[] PastNames { get; private init; } = [];

    /// <summary>present.{i}.key, .value, in the same order as <see cref="PastNames"/>.</summary>
    public string[] PresentNames { get; private init; } = [];

    /// <summary>Float or Float16.</summary>
    public TensorElementType CacheType { get; private init; }

    public int KeyValueHeads { get; private init; }

    public int HeadSize { get; private init; }

    public TensorElementType LogitsType { get; private init; }

    /// <summary>The logits width from metadata, or -1 when it is symbolic.</summary>
    public int LogitsWidth { get; private init; }

    public int LayerCount => PastNames.Length / 2;

    [GeneratedRegex(@"^past_key_values\.(\d+)\.(key|value)$", RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PastPattern();

    public static DecoderSignature Read(InferenceSession session, string path, ModelConfig config)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        foreach (string required in (ReadOnlySpan<string>)[InputIds, AttentionMask])
        {
            if (!inputs.ContainsKey(required)) throw Missing(path, $"input '{required}'", inputs.Keys);
        }
        if (!outputs.ContainsKey(Logits)) throw Missing(path, $"output '{Logits}'", outputs.Keys);

        var layers = new SortedDictionary<int, (string? Key, string? Value)>();
        foreach (string name in inputs.Keys)
        {
            if (name is InputIds or AttentionMask or PositionIds) continue;
            var match = PastPattern().Match(name);
            if (!match.Success)
            {
                throw new ModelLoadException(ModelLoadError.UnsupportedSignature, path,
                    $"unexpected input '{name}', expected only {InputIds}, {AttentionMask}, {PositionIds} and past_key_values.{{i}}.key|value");
            }
            int layer = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var pair = layers.GetValueOrDefault(layer);
            layers[layer] = match.Groups[2].Value == "key" ? (name, pair.Value) : (pair.Key, name);
        }
        if (layers.Count == 0) throw Missing(path, "inputs 'past_key_values.{i}.key|value' (a KV cache)", inputs.Keys);

        var past = new List<string>();
        var present = new List<string>();
        int expectedLayer = 0;
        foreach (var (layer, pair) in layers)
        {
            if (layer != expectedLayer) throw Missing(path, $"input 'past_key_values.{expectedLayer}.key' (layers are numbered from 0 without gaps)", inputs.Keys);
            expectedLayer++;
            foreach (string? name in (ReadOnlySpan<string?>)[pair.Key, pair.Value])
            {
                if (name is null) throw Missing(path, $"input 'past_key_values.{layer}.{(pair.Key is null ? "key" : "value")}'", inputs.Keys);
                string output = "present" + name["past_key_values".Length..];
                if (!outputs.ContainsKey(output)) throw Missing(path, $"output '{output}'", outputs.Keys);
                past.Add(name);
                present.Add(output);
            }
        }

        var cacheMeta = inputs[past[0]];
        TensorElementType cacheType = cacheMeta.ElementDataType;
        if (cacheType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw Unsupported(path, $"cache element type {cacheType}, expected float or float16");
        }
        int[] dims = cacheMeta.Dimensions;
        if (dims.Length != 4) throw Unsupported(path, $"cache rank {dims.Length} for '{past[0]}', expected 4 ([batch, kv_heads, past_sequence, head_size])");
        int heads = dims[1] > 0 ? dims[1] : config.KeyValueHeads ?? throw Unsupported(path, "a symbolic kv-head count and no config file that gives it (num_key_value_heads)");
        int headSize = dims[3] > 0 ? dims[3] : config.HeadSize ?? throw Unsupported(path, "a symbolic head size and no config file that gives it (head_dim / head_size)");
        foreach (string name in past)
        {
            if (inputs[name].ElementDataType != cacheType) throw Unsupported(path, $"cache input '{name}' is {inputs[name].ElementDataType}, expected {cacheType} like '{past[0]}'");
        }

        TensorElementType idType = inputs[InputIds].ElementDataType;
        if (idType is not (TensorElementType.Int64 or TensorElementType.Int32)) throw Unsupported(path, $"'{InputIds}' element type {idType}, expected int64 or int32");
        foreach (string name in (ReadOnlySpan<string>)[AttentionMask, PositionIds])
        {
            if (inputs.TryGetValue(name, out var meta) && meta.ElementDataType != idType) throw Unsupported(path, $"'{name}' element type {meta.ElementDataType}, expected {idType} like '{InputIds}'");
        }

        var logitsMeta = outputs[Logits];
        if (logitsMeta.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw Unsupported(path, $"logits element type {logitsMeta.ElementDataType}, expected float or float16");
        }
        if (logitsMeta.Dimensions.Length != 3) throw Unsupported(path, $"logits rank {logitsMeta.Dimensions.Length}, expected 3 ([batch, sequence, vocabulary])");

        return new DecoderSignature
        {
            HasPositionIds = inputs.ContainsKey(PositionIds),
            IdType = idType,
            PastNames = [.. past],
            PresentNames = [.. present],
            CacheType = cacheType,
            KeyValueHeads = heads,
            HeadSize = headSize,
            LogitsType = logitsMeta.ElementDataType,
            LogitsWidth = logitsMeta.Dimensions[2] > 0 ? logitsMeta.Dimensions[2] : -1,
        };
    }

    private static ModelLoadException Missing(string path, string what, IEnumerable<string> present) =>
        new(ModelLoadError.MissingInputOrOutput, path, $"missing {what}; the model has [{string.Join(", ", present.Take(12))}{(present.Count() > 12 ? ", …" : "")}]");

    private static ModelLoadException Unsupported(string path, string what) =>
        new(ModelLoadError.UnsupportedSignature, path, $"unsupported {what}");
}
