using ConstrainedDecoding.Bench.Data;
using ConstrainedDecoding.Bench.Measurement;
using ConstrainedDecoding.Bench.Reporting;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>
/// Walks the instance groups: gets each group's target, replays its instances, and fills the
/// correctness counters of the summary. Shared by maskbench and crosscheck.
/// </summary>
/// <remarks>
/// With <c>collectAfterCompile</c>, a gen1 collection runs after each new compile, outside every timing (its pauses
/// go to <see cref="BenchSummary.CollectAfterCompilePauseMs"/>): the replay then starts with a fresh young-generation
/// budget, so a collection during a token step is one its own allocation triggered, not the compile's garbage.
/// </remarks>
internal sealed class CorpusRun(TokenVocabulary vocab, TargetFactory targets, InstanceReplayer replayer, BenchSummary summary, int maxFailures, bool collectAfterCompile = false)
{
    /// <summary>Distinct compile error messages kept in the summary (most frequent first).</summary>
    public const int MaxCompileErrorReasons = 30;

    private readonly LatencySamples _compile = new();

    /// <summary>Compile times (front end + compile) of every compile attempt.</summary>
    public LatencySamples CompileTimes => _compile;

    /// <summary>Replays every group. In <paramref name="grammarMode"/> every instance is expected to be accepted; otherwise exactly the valid ones.</summary>
    public void Run(IReadOnlyList<InstanceGroup> groups, bool grammarMode, Action<int>? progress = null)
    {
        GrammarTarget? lastTarget = null;
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var target = targets.GetTarget(group);
            if (target is null)
            {
                summary.UnmatchedSchemas++;
                summary.InstancesSkipped += group.Instances.Count;
                continue;
            }
            bool newTarget = !ReferenceEquals(target, lastTarget);
            if (newTarget)
            {
                _compile.Add(target.CompileTicks);
                lastTarget = target;
                if (collectAfterCompile && target.Compiled is not null)
                {
                    var pause = GC.GetTotalPauseDuration();
                    GC.Collect(1, GCCollectionMode.Forced, blocking: true);
                    summary.CollectAfterCompilePauseMs += (GC.GetTotalPauseDuration() - pause).TotalMilliseconds;
                }
            }
            summary.Schemas++;
            summary.Instances += group.Instances.Count;
            summary.ValidInstances += group.Instances.Count(i => i.Valid);
            if (target.Compiled is null)
            {
                summary.CompileErrors++;
                summary.InstancesSkipped += group.Instances.Count;
                string reason = target.Error ?? "unknown";
                summary.CompileErrorReasons[reason] = summary.CompileErrorReasons.GetValueOrDefault(reason) + 1;
                if (newTarget) AddFailure(new FailureRecord("compile_error", target.Name, null, null, null, null, null, null, reason));
                continue;
            }
            summary.Compiled++;
            bool allRight = true;
            foreach (var instance in group.Instances)
            {
                allRight &= ReplayOne(target, instance, grammarMode);
            }
            if (allRight) summary.Passing++;
            progress?.Invoke(g + 1);
        }
        summary.GrammarsCompiled = targets.CompileSuccesses;
        summary.CompileErrorReasons = summary.CompileErrorReasons
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxCompileErrorReasons)
            .ToDictionary();
    }

    private bool ReplayOne(GrammarTarget target, TokenInstance instance, bool grammarMode)
    {
        summary.InstancesReplayed++;
        var outcome = replayer.Replay(target, instance);
        bool expected = grammarMode || instance.Valid;
        bool right = outcome.FullyAccepted == expected && !outcome.IsMatcherFault;
        if (outcome.FullyAccepted) summary.AcceptedInstances++;

        switch (outcome.End)
        {
            case ReplayEnd.MaskAcceptMismatch:
                summary.MaskAcceptMismatches++;
                AddFailure(Describe("mask_accept_mismatch", instance, outcome));
                break;
            case ReplayEnd.StopMismatch:
                summary.StopMismatches++;
                AddFailure(Describe("stop_mismatch", instance, outcome));
                break;
            case ReplayEnd.MatcherError:
                summary.MatcherErrors++;
                AddFailure(Describe("matcher_error", instance, outcome));
                break;
        }
        if (!outcome.IsMatcherFault && outcome.FullyAccepted != expected)
        {
            if (expected)
            {
                summary.ValidationErrors++;
                AddFailure(Describe("validation_error", instance, outcome));
            }
            else
            {
                summary.InvalidationErrors++;
                AddFailure(Describe("invalidation_error", instance, outcome));
            }
        }
        else if (outcome.IsMatcherFault)
        {
            // A matcher fault on an instance that should be accepted also means the instance was not accepted.
            if (expected) summary.ValidationErrors++;
        }
        return right;
    }

    private FailureRecord Describe(string kind, TokenInstance instance, ReplayOutcome outcome)
    {
        int pos = outcome.Position;
        int? tokenId = pos >= 0 && pos < instance.Ids.Length ? instance.Ids[pos] : null;
        string? message = outcome.Message ?? outcome.End switch
        {
            ReplayEnd.TokenRejected => "token not allowed",
            ReplayEnd.StopNotAllowed => "stop token not allowed after the last token",
            ReplayEnd.Accepted => "accepted, including the stop token",
            _ => null,
        };
        return new FailureRecord(
            kind,
            instance.SchemaId,
            instance.Test,
            instance.Valid,
            pos >= 0 ? pos : null,
            tokenId,
            tokenId is int id ? TokenText.Describe(vocab, id) : null,
            pos >= 0 ? TokenText.Context(vocab, instance.Ids, pos) : null,
            message);
    }

    private void AddFailure(FailureRecord record)
    {
        if (summary.Failures.Count < maxFailures) summary.Failures.Add(record);
    }
}
