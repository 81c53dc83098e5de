using Microsoft.ML.OnnxRuntime;

namespace QuickStart;

/// <summary>
/// A decoder-only ONNX model with a KV cache, in the common export layout:
/// inputs input_ids / attention_mask / position_ids [batch, seq] int64 and past_key_values.{i}.key|value
/// [batch, kv_heads, past_seq, head_dim] float32; outputs logits [batch, seq, vocab] and present.{i}.key|value.
/// Batch size 1. Each call to <see cref="Forward"/> appends tokens to the cache and returns the last position's logits.
/// </summary>
internal sealed class OnnxDecoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _pastNames;      // past_key_values.{i}.key|value, model inputs
    private readonly string[] _outputNames;    // "logits", then present.{i}.key|value in the same order
    private readonly long[][] _emptyPastShapes; // [1, kv_heads, 0, head_dim] per cache input
    private readonly float[] _logits;
    private IDisposableReadOnlyCollection<OrtValue>? _previous; // last run's outputs: its presents are the next run's pasts
    private int _pastLength;

    public OnnxDecoder(string modelPath)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(modelPath, options); // CPU execution provider by default

        // Read the signature from the session metadata instead of hard-coding layer counts and sizes.
        _pastNames = _session.InputMetadata.Keys.Where(n => n.StartsWith("past_key_values.", StringComparison.Ordinal)).ToArray();
        _outputNames = ["logits", .. _pastNames.Select(n => n.Replace("past_key_values.", "present.", StringComparison.Ordinal))];
        _emptyPastShapes = _pastNames.Select(n =>
        {
            int[] dims = _session.InputMetadata[n].Dimensions; // [batch, kv_heads, past_seq, head_dim]; symbolic dims are -1
            return new long[] { 1, dims[1], 0, dims[3] };
        }).ToArray();
        VocabularySize = _session.OutputMetadata["logits"].Dimensions[2];
        _logits = new float[VocabularySize];
    }

    /// <summary>Width of a logits row.</summary>
    public int VocabularySize { get; }

    /// <summary>Number of cache layers × 2 (key and value), for display.</summary>
    public int CacheTensorCount => _pastNames.Length;

    /// <summary>Forgets the cache: the next <see cref="Forward"/> is a prefill.</summary>
    public void Reset()
    {
        _previous?.Dispose();
        _previous = null;
        _pastLength = 0;
    }

    /// <summary>Runs <paramref name="tokens"/> after the cached ones; returns the logits of the last token (valid until the next call).</summary>
    public float[] Forward(ReadOnlySpan<int> tokens)
    {
        int count = tokens.Length, total = _pastLength + count;
        long[] ids = new long[count], positions = new long[count], attention = new long[total];
        for (int i = 0; i < count; i++)
        {
            ids[i] = tokens[i];
            positions[i] = _pastLength + i;
        }
        Array.Fill(attention, 1L);

        // Native values we create here are disposed after the run; the previous outputs after that.
        var owned = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(ids, [1, count]),
            OrtValue.CreateTensorValueFromMemory(attention, [1, total]),
            OrtValue.CreateTensorValueFromMemory(positions, [1, count]),
        };
        var inputs = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = owned[0],
            ["attention_mask"] = owned[1],
            ["position_ids"] = owned[2],
        };
        for (int i = 0; i < _pastNames.Length; i++)
        {
            if (_previous is null)
            {
                // Prefill: an empty cache, past_seq = 0.
                var empty = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), _emptyPastShapes[i]);
                owned.Add(empty);
                inputs[_pastNames[i]] = empty;
            }
            else
            {
                inputs[_pastNames[i]] = _previous[i + 1]; // present.{i} of the last run, still on the native side
            }
        }

        IDisposableReadOnlyCollection<OrtValue> outputs;
        using (var runOptions = new RunOptions())
        {
            outputs = _session.Run(runOptions, inputs, _outputNames);
        }
        foreach (var value in owned)
        {
            value.Dispose();
        }
        _previous?.Dispose();
        _previous = outputs;
        _pastLength = total;

        // logits is [1, count, vocab]: copy the last row so the caller may edit it.
        ReadOnlySpan<float> all = outputs[0].GetTensorDataAsSpan<float>();
        all.Slice((count - 1) * VocabularySize, VocabularySize).CopyTo(_logits);
        return _logits;
    }

    public void Dispose()
    {
        _previous?.Dispose();
        _session.Dispose();
    }
}
