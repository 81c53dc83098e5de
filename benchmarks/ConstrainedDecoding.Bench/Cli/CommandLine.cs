using System.Globalization;

namespace ConstrainedDecoding.Bench.Cli;

/// <summary>Parses the bench command line (<c>maskbench</c> | <c>crosscheck</c> followed by <c>--name value</c> options).</summary>
internal static class CommandLine
{
    public const string Usage = """
        usage:
          ConstrainedDecoding.Bench maskbench  --tokenizer <tokenizer.json> --tokens <file.jsonl|folder>
                                               (--grammar <file.lark|.gbnf|.regex|.txt> | --schemas <file.jsonl|folder>)
                                               [--limit N] [--json <out.json>] [--failures N] [--strict]
                                               [--collect-after-compile] [--no-warmup]
          ConstrainedDecoding.Bench crosscheck --tokenizer <tokenizer.json> --tokens <file.jsonl|folder>
                                               (--grammar <file> | --schemas <file.jsonl|folder>) --samples N
                                               [--seed S] [--limit N] [--json <out.json>] [--failures N] [--strict]
                                               [--no-warmup]

          --tokens     token JSONL lines {id, test, valid, text, ids}; a folder means every *.jsonl under it
          --schemas    schema JSONL lines {id, schema, tests}; instances are paired with schemas by id
          --grammar    one grammar for every instance (all instances are then expected to be accepted)
          --limit      replay at most N instances (file order)
          --json       write the summary JSON there
          --samples    crosscheck: number of matcher states compared with the brute-force reference
          --seed       crosscheck: seed of the state sampler (default 1)
          --failures   how many failures to list in the summary (default 20)
          --strict     exit with code 3 when any validation, invalidation or mask error (or, with
                       --grammar, a compile error) is counted
          --collect-after-compile
                       a gen1 garbage collection after each compile, outside every timing (its pauses
                       are reported as collect_after_compile_pause_ms): token steps then pay only for
                       collections their own allocation triggers, not for the compile's garbage
          --no-warmup  skip the warm-up (built-in schemas compiled and driven on a second load of the
                       tokenizer, before any timing) that keeps first-call JIT compilation out of the timings

          ConstrainedDecoding.Bench testsuite  --suite <draft.jsonl> --tokenizer <tokenizer.json> [--json <out.json>]
                                               [--whitespace compact|flexible|any]

        """ + Asap.AsapCommand.Usage + """

        """ + Generation.GenerateCommand.Usage + """


        exit codes: 0 run completed, 2 bad command line or missing input, 3 errors counted with --strict
        """;

    /// <summary>Whether the arguments ask for help.</summary>
    public static bool IsHelp(string[] args) => args.Length == 0 || args.Any(a => a is "-h" or "--help" or "help");

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="UsageException">Unknown command or option, missing or malformed value.</exception>
    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0) throw new UsageException("missing command: expected maskbench or crosscheck");
        var command = args[0] switch
        {
            "maskbench" => BenchCommand.MaskBench,
            "crosscheck" => BenchCommand.CrossCheck,
            _ => throw new UsageException($"unknown command '{args[0]}', expected maskbench or crosscheck"),
        };

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool strict = false, collectAfterCompile = false, noWarmup = false;
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{arg}', expected an option --name");
            string name = arg[2..];
            string? value = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (name is "strict" or "collect-after-compile" or "no-warmup")
            {
                if (value is not null) throw new UsageException($"option --{name} takes no value");
                if (name == "strict") strict = true;
                else if (name == "no-warmup") noWarmup = true;
                else collectAfterCompile = true;
                continue;
            }
            if (!IsValueOption(name)) throw new UsageException($"unknown option '--{name}'");
            if (value is null)
            {
                if (i + 1 >= args.Length) throw new UsageException($"option --{name} needs a value");
                value = args[++i];
            }
            if (!values.TryAdd(name, value)) throw new UsageException($"option --{name} given twice");
        }

        string tokenizer = Required(values, "tokenizer");
        string tokens = Required(values, "tokens");
        values.TryGetValue("grammar", out var grammar);
        values.TryGetValue("schemas", out var schemas);
        if ((grammar is null) == (schemas is null)) throw new UsageException("expected exactly one of --grammar and --schemas");

        int? samples = OptionalInt(values, "samples", min: 1);
        if (command == BenchCommand.CrossCheck && samples is null) throw new UsageException("crosscheck needs --samples N");
        if (command == BenchCommand.MaskBench && (samples is not null || values.ContainsKey("seed")))
        {
            throw new UsageException("--samples and --seed belong to crosscheck, not maskbench");
        }

        return new BenchOptions
        {
            Command = command,
            TokenizerPath = tokenizer,
            TokensPath = tokens,
            GrammarPath = grammar,
            SchemasPath = schemas,
            Limit = OptionalInt(values, "limit", min: 0),
            JsonPath = values.GetValueOrDefault("json"),
            Samples = samples ?? 0,
            Seed = OptionalInt(values, "seed", min: int.MinValue) ?? 1,
            MaxFailures = OptionalInt(values, "failures", min: 0) ?? BenchOptions.DefaultMaxFailures,
            Strict = strict,
            CollectAfterCompile = collectAfterCompile,
            NoWarmup = noWarmup,
        };
    }

    private static bool IsValueOption(string name) =>
        name is "tokenizer" or "tokens" or "grammar" or "schemas" or "limit" or "json" or "samples" or "seed" or "failures";

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new UsageException($"missing required option --{name}");

    private static int? OptionalInt(Dictionary<string, string> values, string name, int min)
    {
        if (!values.TryGetValue(name, out var text)) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
        {
            string expected = min == int.MinValue ? "an integer" : $"an integer ≥ {min}";
            throw new UsageException($"unexpected value '{text}' for --{name}, expected {expected}");
        }
        return v;
    }
}
