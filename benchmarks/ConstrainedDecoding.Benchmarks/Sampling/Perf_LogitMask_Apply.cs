using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Sampling;

namespace ConstrainedDecoding.Benchmarks.Sampling;

/// <summary>
/// <see cref="LogitMask.Apply(Span{float}, ReadOnlySpan{uint})"/> on a 128k-wide row (Llama 3 size; target ≤ 15 µs)
/// and the half-precision overload. Masks: a grammar-like sparse mask (a few percent allowed, mostly zero words),
/// a random half-allowed mask (every word mixed: the worst case) and an all-allowed mask.
/// </summary>
public class Perf_LogitMask_Apply
{
    private float[] _source = [], _logits = [];
    private Half[] _halfSource = [], _halves = [];
    private uint[] _mask = [];

    [Params(128 * 1024)]
    public int Width { get; set; }

    [Params("sparse", "half", "all")]
    public string Mask { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _source = new float[Width];
        for (int i = 0; i < Width; i++) _source[i] = (float)(random.NextDouble() * 20 - 10);
        _logits = (float[])_source.Clone();
        _halfSource = _source.Select(v => (Half)v).ToArray();
        _halves = (Half[])_halfSource.Clone();
        double density = Mask switch { "sparse" => 0.03, "half" => 0.5, _ => 1.0 };
        _mask = new uint[(Width + 31) / 32];
        for (int i = 0; i < Width; i++)
        {
            // Sparse masks cluster, as grammar masks do (runs of related tokens), leaving most words empty.
            bool allowed = Mask == "sparse" ? (i / 32) % 40 == 0 && random.NextDouble() < 0.8 : random.NextDouble() < density;
            if (allowed) _mask[i >> 5] |= 1u << (i & 31);
        }
    }

    /// <summary>The copy that restores the row, alone: subtract it from the others.</summary>
    [Benchmark(Baseline = true)]
    public float CopyOnly()
    {
        _source.CopyTo(_logits, 0);
        return _logits[0];
    }

    [Benchmark]
    public float CopyAndApply()
    {
        _source.CopyTo(_logits, 0);
        LogitMask.Apply(_logits, _mask);
        return _logits[0];
    }

    /// <summary>Applying again to an already-masked row: the steady-state cost without the copy.</summary>
    [Benchmark]
    public float ApplyInPlace()
    {
        LogitMask.Apply(_logits, _mask);
        return _logits[0];
    }

    [Benchmark]
    public Half ApplyHalfInPlace()
    {
        LogitMask.Apply(_halves, _mask);
        return _halves[0];
    }
}
