namespace ConstrainedDecoding.Bench.Cli;

/// <summary>Which protocol to run.</summary>
internal enum BenchCommand
{
    /// <summary>Replay every instance, timing each mask (MaskBench).</summary>
    MaskBench,

    /// <summary>Replay instances and compare the fast mask with a brute-force reference at sampled states.</summary>
    CrossCheck,
}

/// <summary>Parsed command line. Names are a contract (scripts read them): extend, never rename.</summary>
internal sealed record BenchOptions
{
    /// <summary>Default number of failures listed in the summary.</summary>
    public const int DefaultMaxFailures = 20;

    /// <summary>The protocol.</summary>
    public required BenchCommand Command { get; init; }

    /// <summary><c>--tokenizer</c>: a Hugging Face tokenizer.json.</summary>
    public required string TokenizerPath { get; init; }

    /// <summary><c>--tokens</c>: a token JSONL file or a folder searched recursively for *.jsonl.</summary>
    public required string TokensPath { get; init; }

    /// <summary><c>--grammar</c>: one grammar (.lark, .gbnf, .regex/.txt) used for every instance.</summary>
    public string? GrammarPath { get; init; }

    /// <summary><c>--schemas</c>: a schema JSONL file or folder; each instance uses its own schema.</summary>
    public string? SchemasPath { get; init; }

    /// <summary><c>--limit</c>: at most this many instances (file order).</summary>
    public int? Limit { get; init; }

    /// <summary><c>--json</c>: where to write the summary.</summary>
    public string? JsonPath { get; init; }

    /// <summary><c>--samples</c> (crosscheck): number of states to compare.</summary>
    public int Samples { get; init; }

    /// <summary><c>--seed</c> (crosscheck): seed of the state sampler.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>--failures</c>: how many failures to list in the summary.</summary>
    public int MaxFailures { get; init; } = DefaultMaxFailures;

    /// <summary><c>--strict</c>: exit with code 3 when any error is counted.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// <c>--collect-after-compile</c>: a gen1 collection after each compile, outside the timings, so that token steps
    /// only pay for collections their own allocation triggers (off by default: a compile's garbage then brings the
    /// next collection closer, wherever it lands).
    /// </summary>
    public bool CollectAfterCompile { get; init; }

    /// <summary><c>--no-warmup</c>: skip the JIT warm-up on built-in schemas before the timed replay.</summary>
    public bool NoWarmup { get; init; }
}
