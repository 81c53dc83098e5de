using System.Diagnostics;
using ConstrainedDecoding.Bench.Cli;
using ConstrainedDecoding.Bench.Data;
using ConstrainedDecoding.Bench.Inputs;
using ConstrainedDecoding.Bench.Measurement;
using ConstrainedDecoding.Bench.Reporting;
using ConstrainedDecoding.Bench.Schemas;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>Runs one command end to end: check inputs, load, replay, summarize.</summary>
internal static class BenchRunner
{
    /// <summary>Seconds between progress lines on stderr.</summary>
    private const double ProgressIntervalSeconds = 10;

    /// <summary>Runs the command and returns the summary.</summary>
    /// <exception cref="UsageException">A path is missing, or an input cannot be read.</exception>
    public static BenchSummary Run(BenchOptions options)
    {
        long wallStart = Stopwatch.GetTimestamp();
        var inputs = ResolveInputs(options);

        var summary = new BenchSummary
        {
            Command = options.Command == BenchCommand.MaskBench ? "maskbench" : "crosscheck",
            Mode = options.GrammarPath is not null ? "grammar" : "schemas",
            Tokenizer = VocabularyFiles.DisplayName(options.TokenizerPath),
            TokenizerPath = Path.GetFullPath(options.TokenizerPath),
            TokensPath = Path.GetFullPath(options.TokensPath),
            GrammarPath = options.GrammarPath is null ? null : Path.GetFullPath(options.GrammarPath),
            SchemasPath = options.SchemasPath is null ? null : Path.GetFullPath(options.SchemasPath),
            Limit = options.Limit,
            StartedUtc = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };

        long v0 = Stopwatch.GetTimestamp();
        var vocab = LoadVocabulary(options.TokenizerPath);
        summary.VocabularyLoadMs = LatencySamples.ToMicroseconds(Stopwatch.GetTimestamp() - v0) / 1000;
        summary.VocabSize = vocab.Count;
        summary.LogitsWidth = vocab.LogitsWidth;
        if (!options.NoWarmup)
        {
            summary.Warmup = true;
            try
            {
                summary.WarmupMs = JitWarmup.Run(options.TokenizerPath);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The warm-up only moves JIT time out of the timings; the run itself reports whatever went wrong.
                Warn(summary, $"JIT warm-up failed ({e.GetType().Name}: {e.Message}); first-call compilation is in the timings");
            }
        }

        var groups = ReadInputs(() => TokenInstanceReader.ReadGroups(inputs.TokenFiles, options.Limit));
        CheckTokenizerMatches(summary, inputs.TokenFiles, groups, vocab);
        var compiler = new GrammarCompiler(vocab);
        TargetFactory targets;
        if (inputs.GrammarText is not null)
        {
            targets = new GrammarFileTargetFactory(compiler, options.GrammarPath!, inputs.GrammarText);
        }
        else
        {
            var wanted = groups.Select(g => g.SchemaId).ToHashSet(StringComparer.Ordinal);
            var catalog = ReadInputs(() => SchemaCatalog.Read(inputs.SchemaFiles!, wanted));
            var provider = SchemaGrammarProviders.CreateDefault();
            summary.SchemaCompiler = provider.Name;
            targets = new SchemaTargetFactory(compiler, catalog, provider);
        }

        CrossCheckProbe? probe = null;
        if (options.Command == BenchCommand.CrossCheck)
        {
            long states = groups.Sum(g => g.Instances.Sum(i => i.Ids.Length + 1L));
            probe = new CrossCheckProbe(vocab, states, options.Samples, options.Seed);
        }
        var replayer = new InstanceReplayer(vocab, probe);
        var run = new CorpusRun(vocab, targets, replayer, summary, options.MaxFailures, options.CollectAfterCompile);
        summary.CollectAfterCompile = options.CollectAfterCompile;
        // Keep the harness's own garbage out of the timings: size the sample buffers up front and start
        // from a clean heap, so that a pause charged to a token is the library's.
        replayer.TokenMask.Reserve(groups.Sum(g => g.Instances.Sum(i => i.Ids.Length + 2L)));
        replayer.FirstMask.Reserve(groups.Count + 1);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var pause0 = GC.GetTotalPauseDuration();
        run.Run(groups, grammarMode: inputs.GrammarText is not null, Progress(groups.Count));
        summary.GcCollections = new Dictionary<string, int>
        {
            ["gen0"] = GC.CollectionCount(0) - gc0,
            ["gen1"] = GC.CollectionCount(1) - gc1,
            ["gen2"] = GC.CollectionCount(2) - gc2,
        };
        summary.AllocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / 1048576.0;
        summary.GcPauseMs = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds;

        if (inputs.GrammarText is not null)
        {
            summary.TtfmWarmUs = MeasureWarmFirstMask(compiler, options.GrammarPath!, inputs.GrammarText);
        }
        summary.Tokens = replayer.Tokens;
        summary.TbmMaxAt = replayer.SlowestAt;
        summary.TbmMaxWithoutGcUs = LatencySamples.ToMicroseconds(replayer.SlowestWithoutCollectionTicks);
        summary.TbmSlowest = [.. replayer.Slowest.Select(s => new SlowStepRecord(s.At, LatencySamples.ToMicroseconds(s.Ticks), s.Collections, Math.Round(s.GcPauseUs, 1), s.ThreadCpuUs is { } c ? Math.Round(c, 1) : null))];
        summary.TbmAllocatedMb = replayer.StepAllocatedBytes / 1048576.0;
        summary.TbmAllocatingSteps = replayer.AllocatingSteps;
        summary.TbmStepsWithGc = replayer.StepsWithCollection;
        summary.TbmUs = replayer.TokenMask.Summarize();
        summary.TtfmUs = replayer.FirstMask.Summarize();
        summary.CompileUs = run.CompileTimes.Summarize();
        if (probe is not null)
        {
            summary.Crosscheck = probe.Finish();
            summary.MaskMismatches = probe.Mismatches;
        }
        summary.WallMs = LatencySamples.ToMicroseconds(Stopwatch.GetTimestamp() - wallStart) / 1000;
        return summary;
    }

    private sealed record Inputs(IReadOnlyList<string> TokenFiles, string? GrammarText, IReadOnlyList<string>? SchemaFiles);

    /// <summary>Checks every path before any slow work, so a typo fails at once.</summary>
    private static Inputs ResolveInputs(BenchOptions options)
    {
        if (!File.Exists(options.TokenizerPath))
        {
            throw new UsageException($"--tokenizer: no such file: {options.TokenizerPath}", showUsage: false);
        }
        var tokenFiles = JsonlFiles.Resolve(options.TokensPath, "tokens");
        if (options.GrammarPath is { } grammarPath)
        {
            if (!File.Exists(grammarPath)) throw new UsageException($"--grammar: no such file: {grammarPath}", showUsage: false);
            if (!GrammarFiles.IsKnown(grammarPath))
            {
                throw new UsageException($"--grammar: unexpected extension '{Path.GetExtension(grammarPath)}', expected one of {GrammarFiles.KnownExtensions}", showUsage: false);
            }
            return new Inputs(tokenFiles, File.ReadAllText(grammarPath), null);
        }
        return new Inputs(tokenFiles, null, JsonlFiles.Resolve(options.SchemasPath!, "schemas"));
    }

    private static TokenVocabulary LoadVocabulary(string path)
    {
        TokenVocabulary vocab;
        try
        {
            vocab = VocabularyFiles.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException
                                      or Tokenizers.TokenizerFormatException or ArgumentException)
        {
            throw new UsageException($"--tokenizer: cannot load {path}: {e.Message}", showUsage: false);
        }
        // The token trie is built once per tokenizer, not per grammar: build it here so it lands in
        // vocabulary_load_ms rather than in the first grammar's time-to-first-mask.
        _ = vocab.Trie;
        return vocab;
    }

    /// <summary>
    /// Warns (stderr and <c>warnings</c>) when the token files look made with another tokenizer: a
    /// folder named after a different tokenizer, or ids past the vocabulary.
    /// </summary>
    private static void CheckTokenizerMatches(BenchSummary summary, IReadOnlyList<string> tokenFiles, List<InstanceGroup> groups, TokenVocabulary vocab)
    {
        const string TokensFolder = "jsonschemabench-tokens";
        foreach (var file in tokenFiles)
        {
            var parts = file.Split(Path.DirectorySeparatorChar);
            int at = Array.IndexOf(parts, TokensFolder);
            if (at >= 0 && at + 1 < parts.Length - 1 && parts[at + 1] != summary.Tokenizer)
            {
                Warn(summary, $"token file {file} is under {TokensFolder}/{parts[at + 1]} but the tokenizer is {summary.Tokenizer}");
                break;
            }
        }
        long outOfRange = groups.Sum(g => g.Instances.Sum(i => i.Ids.Count(id => (uint)id >= (uint)vocab.Count)));
        if (outOfRange > 0) Warn(summary, $"{outOfRange} token ids are outside the vocabulary (0..{vocab.Count - 1}): wrong tokenizer?");
    }

    private static void Warn(BenchSummary summary, string message)
    {
        summary.Warnings.Add(message);
        Console.Error.WriteLine($"warning: {message}");
    }

    private static T ReadInputs<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read input: {e.Message}", showUsage: false);
        }
    }

    private static Action<int> Progress(int totalGroups)
    {
        long start = Stopwatch.GetTimestamp();
        long next = (long)(ProgressIntervalSeconds * Stopwatch.Frequency);
        return done =>
        {
            long elapsed = Stopwatch.GetTimestamp() - start;
            if (elapsed < next) return;
            next = elapsed + (long)(ProgressIntervalSeconds * Stopwatch.Frequency);
            Console.Error.WriteLine($"[{elapsed / (double)Stopwatch.Frequency:F0} s] {done}/{totalGroups} schemas");
        };
    }

    /// <summary>
    /// Time to first mask of a newly compiled copy of the grammar once the tokenizer's terminal tables
    /// are warm (the common case of a service that compiles many grammars): parse + compile + first
    /// fill, fastest of five runs and median reported.
    /// </summary>
    private static LatencyStats MeasureWarmFirstMask(GrammarCompiler compiler, string path, string text)
    {
        var samples = new LatencySamples();
        var mask = new uint[compiler.Vocabulary.MaskWordCount];
        for (int i = 0; i < 5; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var compiled = compiler.Compile(GrammarFiles.Parse(path, text));
            compiled.CreateMatcher().FillNextTokenMask(mask);
            samples.Add(Stopwatch.GetTimestamp() - t0);
        }
        return samples.Summarize();
    }
}
