using System.Text.Json.Serialization;
using ConstrainedDecoding.Bench.Measurement;

namespace ConstrainedDecoding.Bench.Reporting;

/// <summary>
/// The summary JSON (snake_case). Field names are a contract other tools read: add fields, never
/// rename or remove. Meanings are in docs/performance.md.
/// </summary>
internal sealed class BenchSummary
{
    public string Command { get; set; } = "";
    public string Mode { get; set; } = "";
    public string Tokenizer { get; set; } = "";
    public string TokenizerPath { get; set; } = "";
    public int VocabSize { get; set; }
    public int LogitsWidth { get; set; }
    public string TokensPath { get; set; } = "";
    public string? GrammarPath { get; set; }
    public string? SchemasPath { get; set; }
    public string? SchemaCompiler { get; set; }
    public int? Limit { get; set; }

    public int Schemas { get; set; }
    public int Compiled { get; set; }
    public int CompileErrors { get; set; }
    public int Passing { get; set; }
    public int GrammarsCompiled { get; set; }
    public int UnmatchedSchemas { get; set; }

    public int Instances { get; set; }
    public int ValidInstances { get; set; }
    public int InstancesSkipped { get; set; }
    public int InstancesReplayed { get; set; }
    public int AcceptedInstances { get; set; }
    public int ValidationErrors { get; set; }
    public int InvalidationErrors { get; set; }
    public long Tokens { get; set; }

    public int MaskMismatches { get; set; }
    public int MaskAcceptMismatches { get; set; }
    public int StopMismatches { get; set; }
    public int MatcherErrors { get; set; }

    public LatencyStats TbmUs { get; set; } = null!;
    public LatencyStats TtfmUs { get; set; } = null!;

    /// <summary>Where the slowest token step happened: schema id, test index and token position.</summary>
    public string? TbmMaxAt { get; set; }

    /// <summary>Longest token step during which no garbage collection ran, in microseconds (the library's own worst step).</summary>
    public double TbmMaxWithoutGcUs { get; set; }

    /// <summary>The slowest token steps, slowest first, with the collections (gen0 count) and GC pause inside each, and the replay thread's CPU time around it (null where unavailable).</summary>
    public List<SlowStepRecord> TbmSlowest { get; set; } = [];
    public LatencyStats CompileUs { get; set; } = null!;

    /// <summary>Grammar mode: parse + compile + first mask of a fresh copy of the grammar with warm tokenizer tables (5 runs).</summary>
    public LatencyStats? TtfmWarmUs { get; set; }

    public CrossCheckSummary? Crosscheck { get; set; }

    public double VocabularyLoadMs { get; set; }

    /// <summary>Whether the JIT warm-up ran before the timed replay (off with <c>--no-warmup</c>).</summary>
    public bool Warmup { get; set; }

    /// <summary>How long the warm-up took (its own tokenizer load included), in milliseconds; 0 without it.</summary>
    public double WarmupMs { get; set; }
    public double WallMs { get; set; }

    /// <summary>Garbage collections during the replay (gen0, gen1, gen2), to tell GC pauses apart in the latency tail.</summary>
    public Dictionary<string, int>? GcCollections { get; set; }

    /// <summary>Megabytes allocated during the replay (harness and library together).</summary>
    public double AllocatedMb { get; set; }

    /// <summary>Total time the runtime was paused for garbage collection during the replay.</summary>
    public double GcPauseMs { get; set; }

    /// <summary>Megabytes allocated inside timed token-mask steps (fill + accept; first masks excluded): cache growth on first visits.</summary>
    public double TbmAllocatedMb { get; set; }

    /// <summary>Timed token-mask steps that allocated anything (first visits of states; steady-state steps allocate nothing).</summary>
    public long TbmAllocatingSteps { get; set; }

    /// <summary>Timed token-mask steps during which a garbage collection ran (their time includes its pause).</summary>
    public long TbmStepsWithGc { get; set; }

    /// <summary>Whether <c>--collect-after-compile</c> was given (a gen1 collection after each compile, outside the timings).</summary>
    public bool CollectAfterCompile { get; set; }

    /// <summary>Pause time of those collections (also part of <see cref="GcPauseMs"/>), in milliseconds; 0 without the option.</summary>
    public double CollectAfterCompilePauseMs { get; set; }
    public string StartedUtc { get; set; } = "";
    public MachineInfo Machine { get; set; } = MachineInfo.Current();

    public List<string> Warnings { get; set; } = [];
    public Dictionary<string, int> CompileErrorReasons { get; set; } = [];
    public List<FailureRecord> Failures { get; set; } = [];

    /// <summary>Whether any error that <c>--strict</c> fails on was counted.</summary>
    public bool HasErrors =>
        (Mode == "grammar" && CompileErrors > 0) ||
        ValidationErrors + InvalidationErrors + MaskMismatches + MaskAcceptMismatches + StopMismatches + MatcherErrors > 0;
}

/// <summary>Crosscheck-only fields (under <c>crosscheck</c>; <c>mask_mismatches</c> stays top level).</summary>
internal sealed class CrossCheckSummary
{
    public int SamplesRequested { get; set; }
    public int SamplesChecked { get; set; }
    public int SamplesUnreached { get; set; }
    public int Seed { get; set; }
    public long StatesTotal { get; set; }
    public long TokensDiffering { get; set; }
    public long FastOnlyTokens { get; set; }
    public long ReferenceOnlyTokens { get; set; }
    public LatencyStats ReferenceUs { get; set; } = null!;
    public List<MaskMismatchRecord> Examples { get; set; } = [];
}

/// <summary>One failed check, with enough to replay it (absent fields are left out of the JSON).</summary>
internal sealed record FailureRecord(
    string Kind,
    string SchemaId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Test,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Valid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Position,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TokenId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Context,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message);

/// <summary>One state where the fast and the reference masks differ.</summary>
internal sealed record MaskMismatchRecord(string SchemaId, int Test, int Position, string Context, List<TokenDiff> Tokens);

/// <summary>A token whose bit differs: <c>fast</c> and <c>reference</c> give each mask's bit.</summary>
internal sealed record TokenDiff(int Id, string Text, string Hex, bool Fast, bool Reference);

/// <summary>One of <see cref="BenchSummary.TbmSlowest"/>: where, how long (µs), collections and GC pause (µs) inside it.</summary>
internal sealed record SlowStepRecord(string At, double Us, int GcCollections, double GcPauseUs, double? ThreadCpuUs);
