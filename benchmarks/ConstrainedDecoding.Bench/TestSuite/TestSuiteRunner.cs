using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConstrainedDecoding.Bench.Cli;
using ConstrainedDecoding.Bench.Inputs;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.JsonSchema;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Bench.TestSuite;

/// <summary>
/// <c>testsuite</c>: for each JSON Schema Test Suite case, compiles the schema (remote documents from
/// <c>remotes.jsonl</c> beside the suite file), serializes the instance compactly, tokenizes it, and checks that the
/// matcher accepts it completely (stop allowed) exactly when the case is valid.
/// </summary>
internal static class TestSuiteRunner
{
    public const string Usage = "ConstrainedDecoding.Bench testsuite --suite <draft.jsonl> --tokenizer <tokenizer.json> [--json <out.json>] [--whitespace compact|flexible|any] [--formats assert|spec]";

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    public sealed class Counts
    {
        public int Cases { get; set; }

        public int Correct { get; set; }

        public int FalsePositives { get; set; }

        public int FalseNegatives { get; set; }

        public int Refused { get; set; }

        public int Untokenizable { get; set; }
    }

    public static int Run(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{args[i]}', expected an option --name");
            values[args[i][2..]] = args[i + 1];
        }
        if (!values.TryGetValue("suite", out var suite) || !values.TryGetValue("tokenizer", out var tokenizer))
        {
            throw new UsageException("expected --suite and --tokenizer\n" + Usage);
        }
        var whitespace = values.TryGetValue("whitespace", out var ws) ? ws switch
        {
            "compact" => JsonWhitespace.Compact,
            "flexible" => JsonWhitespace.Flexible,
            "any" => JsonWhitespace.Any,
            _ => throw new UsageException($"unknown --whitespace '{ws}', expected compact, flexible or any"),
        } : JsonWhitespace.Flexible;
        // assert: format asserted everywhere (the compiler's default); spec: an annotation as 2019-09+ say by default,
        // asserted only for the optional format files (the suite's tests for implementations that assert formats).
        bool specFormats = values.TryGetValue("formats", out var fm) ? fm switch
        {
            "assert" => false,
            "spec" => true,
            _ => throw new UsageException($"unknown --formats '{fm}', expected assert or spec"),
        } : false;
        var vocab = VocabularyFiles.Load(tokenizer);
        var summary = Evaluate(suite, vocab, whitespace, out var failures, specFormats);
        string json = summary.ToJsonString(s_indented);
        Console.WriteLine(json);
        if (values.TryGetValue("json", out var outPath)) File.WriteAllText(outPath, json);
        // Every false positive (a soundness bug), then the first false negatives.
        foreach (var f in failures.Where(f => f.StartsWith("FALSE", StringComparison.Ordinal))) Console.Error.WriteLine(f);
        foreach (var f in failures.Where(f => !f.StartsWith("FALSE", StringComparison.Ordinal)).Take(Environment.GetEnvironmentVariable("TESTSUITE_VERBOSE") is null ? 20 : int.MaxValue)) Console.Error.WriteLine(f);
        return 0;
    }

    /// <summary>Runs every case of a suite file and returns the summary object.</summary>
    public static JsonObject Evaluate(string suitePath, Vocabulary.TokenVocabulary vocab, JsonWhitespace whitespace, out List<string> failures, bool specFormats = false)
    {
        var remotes = LoadRemotes(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(suitePath))!, "remotes.jsonl"));
        var tokenizer = new GreedyTokenizer(vocab);
        var compiler = new GrammarCompiler(vocab);
        var options = new JsonSchemaOptions
        {
            Whitespace = whitespace,
            RemoteResolver = uri => remotes.TryGetValue(uri.ToString(), out var e) ? e : null,
        };
        var annotationOptions = new JsonSchemaOptions
        {
            Whitespace = whitespace,
            RemoteResolver = options.RemoteResolver,
            AssertFormats = false,
        };
        // The suite's schemas of older drafts mostly have no $schema: compile those in the suite's draft.
        var suiteDraft = SuiteDraft(suitePath);
        var draftOptions = new JsonSchemaOptions { Whitespace = whitespace, RemoteResolver = options.RemoteResolver, Draft = suiteDraft };
        var draftAnnotationOptions = new JsonSchemaOptions { Whitespace = whitespace, RemoteResolver = options.RemoteResolver, Draft = suiteDraft, AssertFormats = false };
        var total = new Counts();
        var required = new Counts();
        var optional = new Counts();
        var byFile = new SortedDictionary<string, Counts>(StringComparer.Ordinal);
        var refusals = new Dictionary<string, int>(StringComparer.Ordinal);
        failures = [];
        var cache = new Dictionary<string, (CompiledGrammar? Grammar, string? Error)>(StringComparer.Ordinal);
        int stop = vocab.StopTokenIds.Count > 0 ? vocab.StopTokenIds.Min() : -1;
        foreach (var line in File.ReadLines(suitePath))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 256 });
            var root = doc.RootElement;
            string file = root.GetProperty("file").GetString()!;
            bool isOptional = root.GetProperty("optional").GetBoolean();
            bool valid = root.GetProperty("valid").GetBoolean();
            var schema = root.GetProperty("schema");
            bool annotate = specFormats && !file.StartsWith("optional/format", StringComparison.Ordinal);
            string schemaText = (annotate ? "annotate:" : "") + schema.GetRawText();
            if (!cache.TryGetValue(schemaText, out var compiled))
            {
                try
                {
                    bool declared = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$schema", out _);
                    var chosen = declared || suiteDraft == JsonSchemaDraft.Auto
                        ? (annotate ? annotationOptions : options)
                        : (annotate ? draftAnnotationOptions : draftOptions);
                    compiled = (compiler.Compile(JsonSchemaCompiler.Compile(schema, chosen).Grammar), null);
                }
                catch (UnsatisfiableSchemaException)
                {
                    // The compiler proves no instance valid: every instance is rejected (not a refusal).
                    compiled = (null, null);
                }
                catch (Exception e) when (e is UnsupportedSchemaException or GrammarDefinitionException or GrammarLimitException)
                {
                    compiled = (null, e is UnsupportedSchemaException u ? u.Keyword : e.GetType().Name);
                    if (Environment.GetEnvironmentVariable("TESTSUITE_VERBOSE") is not null) failures.Add($"refused {file} | {root.GetProperty("group").GetString()} | {e.Message}");
                }
                cache[schemaText] = compiled;
            }
            var buckets = new[] { total, isOptional ? optional : required, Bucket(byFile, file) };
            foreach (var b in buckets) b.Cases++;
            bool rejectsAll = compiled.Grammar is null && compiled.Error is null;
            if (compiled.Grammar is null && !rejectsAll)
            {
                foreach (var b in buckets) b.Refused++;
                refusals[compiled.Error!] = refusals.GetValueOrDefault(compiled.Error!) + 1;
                continue;
            }
            string text = JsonSerializer.Serialize(root.GetProperty("data"), s_compact);
            var ids = tokenizer.Encode(Encoding.UTF8.GetBytes(text));
            if (ids is null)
            {
                foreach (var b in buckets) b.Untokenizable++;
                continue;
            }
            bool accepted = !rejectsAll && Accepts(compiled.Grammar!, ids, stop);
            if (accepted == valid)
            {
                foreach (var b in buckets) b.Correct++;
            }
            else
            {
                foreach (var b in buckets)
                {
                    if (accepted) b.FalsePositives++;
                    else b.FalseNegatives++;
                }
                failures.Add($"{(accepted ? "FALSE POSITIVE" : "false negative")} {file} | {root.GetProperty("group").GetString()} | {root.GetProperty("case").GetString()} | {text}");
            }
        }
        var result = new JsonObject
        {
            ["suite"] = Path.GetFullPath(suitePath),
            ["tokenizer"] = vocab.Name,
            ["whitespace"] = whitespace.ToString(),
            ["formats"] = specFormats ? "spec" : "assert",
        };
        Add(result, total);
        result["required"] = ToJson(required);
        result["optional"] = ToJson(optional);
        var files = new JsonObject();
        foreach (var (f, c) in byFile) files[f] = ToJson(c);
        result["by_file"] = files;
        var reasons = new JsonObject();
        foreach (var (k, v) in refusals.OrderByDescending(kv => kv.Value)) reasons[k] = v;
        result["refused_by_keyword"] = reasons;
        return result;
    }

    private static bool Accepts(CompiledGrammar grammar, List<int> ids, int stop)
    {
        var matcher = new GrammarMatcher(grammar);
        try
        {
            foreach (int id in ids)
            {
                if (!matcher.TryAcceptToken(id)) return false;
            }
            return stop >= 0 ? matcher.IsTokenAllowed(stop) : matcher.IsAccepting;
        }
        catch (GrammarLimitException)
        {
            return false;
        }
    }

    private static JsonSchemaDraft SuiteDraft(string suitePath) => Path.GetFileNameWithoutExtension(suitePath) switch
    {
        "draft4" => JsonSchemaDraft.Draft4,
        "draft6" => JsonSchemaDraft.Draft6,
        "draft7" => JsonSchemaDraft.Draft7,
        "draft2019-09" => JsonSchemaDraft.Draft201909,
        "draft2020-12" => JsonSchemaDraft.Draft202012,
        _ => JsonSchemaDraft.Auto,
    };

    private static Counts Bucket(SortedDictionary<string, Counts> byFile, string file)
    {
        if (!byFile.TryGetValue(file, out var c)) byFile[file] = c = new Counts();
        return c;
    }

    private static JsonObject ToJson(Counts c)
    {
        var o = new JsonObject();
        Add(o, c);
        return o;
    }

    private static void Add(JsonObject o, Counts c)
    {
        o["cases"] = c.Cases;
        o["correct"] = c.Correct;
        o["false_positives"] = c.FalsePositives;
        o["false_negatives"] = c.FalseNegatives;
        o["refused"] = c.Refused;
        o["untokenizable"] = c.Untokenizable;
    }

    private static Dictionary<string, JsonElement> LoadRemotes(string path)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            result[doc.RootElement.GetProperty("url").GetString()!] = doc.RootElement.GetProperty("schema").Clone();
        }
        return result;
    }
}
