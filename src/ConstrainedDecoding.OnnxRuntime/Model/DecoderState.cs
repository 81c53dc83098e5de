using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ConstrainedDecoding.OnnxRuntime.Model;

/// <summary>
/// The KV cache of one batch of sequences. Each <see cref="Forward"/> appends tokens to every row and gives the
/// logits of each row's last position. The cache stays in native memory: the <c>present.*</c> outputs of one run are
/// passed as the <c>past_key_values.*</c> inputs of the next and disposed after it, never copied to managed arrays.
/// </summary>
/// <remarks>Rows of different prompt lengths are left-padded: pad positions have attention 0.</remarks>
internal sealed class DecoderState : IDisposable
{
    private readonly InferenceSession _session;
    private readonly DecoderSignature _signature;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue?[] _inputValues;
    private readonly List<long> _attention = []; // [batch, past] row-major, rebuilt as rows grow
    private readonly int[] _realTokens;           // positions so far per row (non-padding tokens)
    private IDisposableReadOnlyCollection<OrtValue>? _previous;
    private float[] _convertedLogits = [];
    private int _count;

    public DecoderState(InferenceSession session, DecoderSignature signature, int batchSize, int logitsWidth)
    {
        _session = session;
        _signature = signature;
        BatchSize = batchSize;
        LogitsWidth = logitsWidth;
        _realTokens = new int[batchSize];
        var inputs = new List<string> { DecoderSignature.InputIds, DecoderSignature.AttentionMask };
        if (signature.HasPositionIds) inputs.Add(DecoderSignature.PositionIds);
        inputs.AddRange(signature.PastNames);
        _inputNames = [.. inputs];
        _inputValues = new OrtValue?[_inputNames.Length];
        _outputNames = [DecoderSignature.Logits, .. signature.PresentNames];
    }

    public int BatchSize { get; }

    public int LogitsWidth { get; }

    /// <summary>Tokens per row in the cache (padding included).</summary>
    public int PastLength { get; private set; }

    /// <summary>
    /// Runs <paramref name="count"/> new tokens per row. <paramref name="tokens"/> and <paramref name="attend"/> are
    /// <c>[batch, count]</c> row-major; a position with <paramref name="attend"/> false is padding.
    /// </summary>
    public void Forward(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> attend, int count)
    {
        ObjectDisposedException.ThrowIf(_runOptions.IsClosed, this);
        if (tokens.Length != BatchSize * count || attend.Length != tokens.Length) throw new ArgumentException("tokens and attention must be [batch, count].");
        int total = PastLength + count;
        var ids = new long[tokens.Length];
        var positions = new long[tokens.Length];
        var attention = new long[BatchSize * total];
        for (int b = 0; b < BatchSize; b++)
        {
            for (int p = 0; p < PastLength; p++) attention[b * total + p] = _attention[b * PastLength + p];
            for (int j = 0; j < count; j++)
            {
                int k = b * count + j;
                ids[k] = tokens[k];
                attention[b * total + PastLength + j] = attend[k] ? 1 : 0;
                positions[k] = attend[k] ? _realTokens[b]++ : 1; // padding positions are masked; 1 as Hugging Face does
            }
        }
        _attention.Clear();
        _attention.AddRange(attention);

        var owned = new List<OrtValue>(_inputNames.Length);
        try
        {
            int slot = 0;
            _inputValues[slot++] = Own(owned, IdTensor(ids, [BatchSize, count]));
            _inputValues[slot++] = Own(owned, IdTensor(attention, [BatchSize, total]));
            if (_signature.HasPositionIds) _inputValues[slot++] = Own(owned, IdTensor(positions, [BatchSize, count]));
            for (int i = 0; i < _signature.PastNames.Length; i++)
            {
                _inputValues[slot++] = _previous is null
                    ? Own(owned, OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _signature.CacheType, [BatchSize, _signature.KeyValueHeads, 0, _signature.HeadSize]))
                    : _previous[i + 1];
            }
            var outputs = _session.Run(_runOptions, _inputNames, _inputValues!, _outputNames);
            _previous?.Dispose();
            _previous = outputs;
        }
        finally
        {
            foreach (var value in owned) value.Dispose();
            Array.Clear(_inputValues);
        }
        PastLength = total;
        _count = count;
        if (_signature.LogitsType == TensorElementType.Float16) ConvertLogits();
    }

    /// <summary>The logits of row <paramref name="row"/>'s last position, writable, valid until the next <see cref="Forward"/>.</summary>
    public Span<float> LogitsRow(int row)
    {
        if (_previous is null) throw new InvalidOperationException("No forward pass has run yet.");
        if (_signature.LogitsType == TensorElementType.Float16) return _convertedLogits.AsSpan(row * LogitsWidth, LogitsWidth);
        Span<float> all = _previous[0].GetTensorMutableDataAsSpan<float>();
        return all.Slice(((row * _count) + _count - 1) * LogitsWidth, LogitsWidth);
    }

    /// <summary>The logits of every position of the last run (for tests comparing against a run without cache).</summary>
    internal float[] AllLogits()
    {
        if (_previous is null) throw new InvalidOperationException("No forward pass has run yet.");
        if (_signature.LogitsType == TensorElementType.Float) return _previous[0].GetTensorDataAsSpan<float>().ToArray();
        var halves = MemoryMarshal.Cast<Float16, Half>(_previous[0].GetTensorDataAsSpan<Float16>());
        var result = new float[halves.Length];
        TensorPrimitives.ConvertToSingle(halves, result);
        return result;
    }

    private void ConvertLogits()
    {
        if (_convertedLogits.Length < BatchSize * LogitsWidth) _convertedLogits = new float[BatchSize * LogitsWidth];
        var halves = MemoryMarshal.Cast<Float16, Half>(_previous![0].GetTensorDataAsSpan<Float16>());
        for (int b = 0; b < BatchSize; b++)
        {
            TensorPrimitives.ConvertToSingle(halves.Slice(((b * _count) + _count - 1) * LogitsWidth, LogitsWidth), _convertedLogits.AsSpan(b * LogitsWidth, LogitsWidth));
        }
    }

    private OrtValue IdTensor(long[] values, long[] shape) =>
        _signature.IdType == TensorElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(values, shape)
            : OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (int)v), shape);

    private static OrtValue Own(List<OrtValue> owned, OrtValue value)
    {
        owned.Add(value);
        return value;
    }

    public void Dispose()
    {
        _previous?.Dispose();
        _previous = null;
        _runOptions.Dispose();
    }
}
