using System.Diagnostics;

namespace ConstrainedDecoding.Bench.Measurement;

/// <summary>A growing list of durations in <see cref="Stopwatch"/> ticks; summarized once at the end.</summary>
internal sealed class LatencySamples
{
    private long[] _ticks = new long[1024];

    /// <summary>Number of samples.</summary>
    public int Count { get; private set; }

    /// <summary>Grows the buffer once up front so that no resize (and no large-object allocation) happens while timing.</summary>
    public void Reserve(long capacity)
    {
        if (capacity > _ticks.Length) Array.Resize(ref _ticks, (int)Math.Min(capacity, Array.MaxLength));
    }

    /// <summary>Adds one duration.</summary>
    public void Add(long ticks)
    {
        if (Count == _ticks.Length) Array.Resize(ref _ticks, _ticks.Length * 2);
        _ticks[Count++] = ticks;
    }

    /// <summary>Converts <see cref="Stopwatch"/> ticks to microseconds.</summary>
    public static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>Percentiles (nearest rank), maximum and mean in microseconds; zeros when empty.</summary>
    public LatencyStats Summarize()
    {
        if (Count == 0) return new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0);
        var sorted = _ticks.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        double sum = 0;
        foreach (long t in sorted) sum += t;
        return new LatencyStats(
            Count,
            P(sorted, 0.50),
            P(sorted, 0.90),
            P(sorted, 0.99),
            P(sorted, 0.999),
            ToMicroseconds(sorted[^1]),
            ToMicroseconds(1) * sum / Count,
            ToMicroseconds(1) * sum);
    }

    private static double P(long[] sorted, double q)
    {
        // Nearest rank: the smallest sample with at least q of the samples at or below it.
        int rank = (int)Math.Ceiling(q * sorted.Length);
        return ToMicroseconds(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)]);
    }
}

/// <summary>A latency distribution in microseconds (JSON: <c>count p50 p90 p99 p999 max mean total</c>).</summary>
internal sealed record LatencyStats(int Count, double P50, double P90, double P99, double P999, double Max, double Mean, double Total);
