using System.Diagnostics;
using ConstrainedDecoding.Bench.Data;
using ConstrainedDecoding.Bench.Measurement;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>
/// Replays token instances through a target's matcher, MaskBench style: each step times
/// <c>FillNextTokenMask</c> + <c>TryAcceptToken</c> as one token-bitmask sample; the first mask of a
/// compiled grammar is instead a time-to-first-mask sample (compile + matcher creation + fill).
/// </summary>
internal sealed class InstanceReplayer
{
    private readonly TokenVocabulary _vocab;
    private readonly int[] _stopIds;
    private readonly uint[] _mask;
    private readonly IStateProbe? _probe;
    private long _stateIndex;

    public InstanceReplayer(TokenVocabulary vocab, IStateProbe? probe = null)
    {
        _vocab = vocab;
        _stopIds = [.. vocab.StopTokenIds.Order()];
        _mask = new uint[vocab.MaskWordCount];
        _probe = probe;
    }

    /// <summary>Token-bitmask samples (fill + accept; fill only for the final mask).</summary>
    public LatencySamples TokenMask { get; } = new();

    /// <summary>Time-to-first-mask samples, one per compiled grammar.</summary>
    public LatencySamples FirstMask { get; } = new();

    /// <summary>Token steps replayed (accepted or not).</summary>
    public long Tokens { get; private set; }

    /// <summary>Replays one instance; the target's matcher is created on first use and reset otherwise.</summary>
    public ReplayOutcome Replay(GrammarTarget target, TokenInstance instance)
    {
        var compiled = target.Compiled ?? throw new InvalidOperationException($"target {target.Name} did not compile");
        long statesBefore = _stateIndex;
        _stateIndex += instance.Ids.Length + 1L;
        try
        {
            long createTicks = 0;
            var matcher = target.Matcher;
            if (matcher is null)
            {
                long c0 = Stopwatch.GetTimestamp();
                matcher = compiled.CreateMatcher();
                createTicks = Stopwatch.GetTimestamp() - c0;
                target.Matcher = matcher;
            }
            else
            {
                matcher.Reset();
            }
            return Run(target, matcher, instance, statesBefore, createTicks);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            target.Matcher = null; // its state is unknown now: start the next instance from a fresh one
            return new ReplayOutcome(ReplayEnd.MatcherError, -1, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private ReplayOutcome Run(GrammarTarget target, GrammarMatcher matcher, TokenInstance instance, long firstState, long createTicks)
    {
        var mask = _mask.AsSpan();
        var ids = instance.Ids;
        for (int pos = 0; pos < ids.Length; pos++)
        {
            int id = ids[pos];
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            int g0 = GC.CollectionCount(0);
            var pause0 = GC.GetTotalPauseDuration();
            long cpu0 = ThreadCpu.NowNs();
            long t0 = Stopwatch.GetTimestamp();
            matcher.FillNextTokenMask(mask);
            long t1 = Stopwatch.GetTimestamp();
            long probeAllocated = 0;
            if (_probe is not null && _probe.Wants(firstState + pos))
            {
                long p0 = GC.GetAllocatedBytesForCurrentThread();
                _probe.Inspect(matcher, mask, instance, pos);
                probeAllocated = GC.GetAllocatedBytesForCurrentThread() - p0; // the reference probe is not the library
            }
            long t2 = Stopwatch.GetTimestamp();
            bool accepted = matcher.TryAcceptToken(id);
            long t3 = Stopwatch.GetTimestamp();
            Tokens++;
            bool first = target.FirstMaskPending;
            Record(target, createTicks, t1 - t0, (t1 - t0) + (t3 - t2));
            if (!first)
            {
                int collections = GC.CollectionCount(0) - g0;
                CountStep(GC.GetAllocatedBytesForCurrentThread() - a0 - probeAllocated, collections != 0);
                long stepTicks = (t1 - t0) + (t3 - t2);
                if (stepTicks > SlowestTicks)
                {
                    SlowestTicks = stepTicks;
                    SlowestAt = StepName(instance, pos);
                }
                if (collections == 0 && stepTicks > SlowestWithoutCollectionTicks) SlowestWithoutCollectionTicks = stepTicks;
                if (_slowest.Count < SlowestKept || stepTicks > _slowest.Peek().Ticks)
                {
                    if (_slowest.Count == SlowestKept) _slowest.Dequeue();
                    var pause = GC.GetTotalPauseDuration() - pause0;
                    long cpu = ThreadCpu.NowNs() - cpu0;
                    var step = new SlowStep(StepName(instance, pos), stepTicks, collections, pause.TotalMicroseconds, cpu0 < 0 ? null : cpu / 1000.0);
                    _slowest.Enqueue(step, stepTicks);
                }
            }

            bool allowed = IsSet(mask, id);
            if (allowed != accepted)
            {
                return new ReplayOutcome(ReplayEnd.MaskAcceptMismatch, pos,
                    accepted ? "token not in the mask was accepted" : "token in the mask was rejected");
            }
            if (!accepted) return new ReplayOutcome(ReplayEnd.TokenRejected, pos);
        }

        long f0 = Stopwatch.GetTimestamp();
        matcher.FillNextTokenMask(mask);
        long f1 = Stopwatch.GetTimestamp();
        if (_probe is not null && _probe.Wants(firstState + ids.Length)) _probe.Inspect(matcher, mask, instance, ids.Length);
        Record(target, createTicks, f1 - f0, f1 - f0);
        return CheckStop(matcher, mask, ids.Length);
    }

    private ReplayOutcome CheckStop(GrammarMatcher matcher, ReadOnlySpan<uint> mask, int position)
    {
        bool accepting = matcher.IsAccepting;
        if (_stopIds.Length == 0) return accepting ? new(ReplayEnd.Accepted, position) : new(ReplayEnd.StopNotAllowed, position);
        bool anyStopBit = false, allStopBits = true;
        foreach (int s in _stopIds)
        {
            bool set = IsSet(mask, s);
            anyStopBit |= set;
            allStopBits &= set;
        }
        if (accepting != anyStopBit || anyStopBit != allStopBits)
        {
            return new ReplayOutcome(ReplayEnd.StopMismatch, position,
                $"IsAccepting={accepting} but stop bits {(allStopBits ? "all set" : anyStopBit ? "partly set" : "clear")}");
        }
        if (!accepting) return new ReplayOutcome(ReplayEnd.StopNotAllowed, position);
        if (!matcher.TryAcceptToken(_stopIds[0]) || !matcher.IsTerminated)
        {
            return new ReplayOutcome(ReplayEnd.StopMismatch, position, "stop token allowed by the mask but not accepted, or IsTerminated false after it");
        }
        return new ReplayOutcome(ReplayEnd.Accepted, position);
    }

    /// <summary>Bytes allocated by the current thread inside timed token steps (fill + accept, first masks excluded).</summary>
    public long StepAllocatedBytes { get; private set; }

    /// <summary>Timed token steps (first masks excluded) during which the runtime ran at least one garbage collection.</summary>
    public long StepsWithCollection { get; private set; }

    /// <summary>Timed token steps (first masks excluded) that allocated anything.</summary>
    public long AllocatingSteps { get; private set; }

    private void CountStep(long allocated, bool collected)
    {
        StepAllocatedBytes += allocated;
        if (allocated > 0) AllocatingSteps++;
        if (collected) StepsWithCollection++;
    }

    /// <summary>Longest single fill + accept, and where it happened (schema id, test, token position).</summary>
    public long SlowestTicks { get; private set; }

    /// <summary>Where <see cref="SlowestTicks"/> was measured.</summary>
    public string? SlowestAt { get; private set; }

    /// <summary>Longest single fill + accept during which no garbage collection ran.</summary>
    public long SlowestWithoutCollectionTicks { get; private set; }

    /// <summary>How many of the slowest timed steps <see cref="Slowest"/> keeps.</summary>
    public const int SlowestKept = 10;

    private readonly PriorityQueue<SlowStep, long> _slowest = new(SlowestKept + 1);

    /// <summary>The <see cref="SlowestKept"/> slowest timed steps, slowest first, each with the collections that ran inside it.</summary>
    public IReadOnlyList<SlowStep> Slowest => [.. _slowest.UnorderedItems.Select(e => e.Element).OrderByDescending(s => s.Ticks)];

    // Where a timed step is, as the summary names it: schema id, test, token position.
    private static string StepName(TokenInstance instance, int pos) => $"{instance.SchemaId}#{instance.Test}@{pos}";

    private void Record(GrammarTarget target, long createTicks, long fillTicks, long stepTicks)
    {
        if (target.FirstMaskPending)
        {
            target.FirstMaskPending = false;
            FirstMask.Add(target.CompileTicks + createTicks + fillTicks);
        }
        else
        {
            TokenMask.Add(stepTicks);
        }
    }

    /// <summary>Whether bit <paramref name="id"/> is set (bit id &amp; 31 of word id &gt;&gt; 5).</summary>
    public static bool IsSet(ReadOnlySpan<uint> mask, int id) => (uint)(id >> 5) < (uint)mask.Length && (mask[id >> 5] & (1u << (id & 31))) != 0;

    /// <summary>The vocabulary replayed against.</summary>
    public TokenVocabulary Vocabulary => _vocab;
}

/// <summary>One slow timed step: where (schema id, test, token position), how long, and the collections inside it.</summary>
internal sealed record SlowStep(string At, long Ticks, int Collections, double GcPauseUs, double? ThreadCpuUs);

/// <summary>
/// The replay thread's own CPU time (Linux: <c>CLOCK_THREAD_CPUTIME_ID</c>; elsewhere unavailable, -1), to tell a slow
/// step that computed from one whose thread was not running (another thread of the process, or the machine, had the core).
/// </summary>
internal static partial class ThreadCpu
{
    private static readonly bool s_available = OperatingSystem.IsLinux();

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec value);

    /// <summary>Nanoseconds of CPU time the calling thread has used, or -1 where that is not available.</summary>
    public static long NowNs()
    {
        const int ThreadCpuTimeClock = 3;
        if (!s_available || ClockGetTime(ThreadCpuTimeClock, out var t) != 0) return -1;
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }
}
