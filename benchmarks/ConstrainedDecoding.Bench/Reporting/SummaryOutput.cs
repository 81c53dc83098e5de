using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConstrainedDecoding.Bench.Measurement;

namespace ConstrainedDecoding.Bench.Reporting;

/// <summary>Writes the summary as JSON and as a short human table.</summary>
internal static class SummaryOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The summary as indented JSON.</summary>
    public static string ToJson(BenchSummary summary) => JsonSerializer.Serialize(summary, JsonOptions);

    /// <summary>Writes the JSON file, creating its folder.</summary>
    public static void WriteJson(BenchSummary summary, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, ToJson(summary) + "\n", new UTF8Encoding(false));
    }

    /// <summary>A short table for the console.</summary>
    public static string ToTable(BenchSummary s)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"{s.Command} ({s.Mode}) tokenizer {s.Tokenizer} ({s.VocabSize} tokens), {s.Machine.ProcessorCount} cpus, {s.Machine.Framework}");
        sb.Append(ci, $"  schemas {s.Schemas}  compiled {s.Compiled}  compile errors {s.CompileErrors}  passing {s.Passing}");
        sb.AppendLine(s.UnmatchedSchemas > 0 ? $"  unmatched {s.UnmatchedSchemas} (no schema with that id)" : "");
        sb.AppendLine(ci, $"  instances {s.Instances} (valid {s.ValidInstances}, replayed {s.InstancesReplayed}, accepted {s.AcceptedInstances})  tokens {s.Tokens}");
        sb.AppendLine(ci, $"  validation errors {s.ValidationErrors}  invalidation errors {s.InvalidationErrors}  mask mismatches {s.MaskMismatches}");
        if (s.MaskAcceptMismatches + s.StopMismatches + s.MatcherErrors > 0)
        {
            sb.AppendLine(ci, $"  MATCHER FAULTS: mask/accept {s.MaskAcceptMismatches}  stop {s.StopMismatches}  exceptions {s.MatcherErrors}");
        }
        if (s.Crosscheck is { } c)
        {
            sb.AppendLine(ci, $"  crosscheck: {c.SamplesChecked}/{c.SamplesRequested} states checked (seed {c.Seed}, {c.SamplesUnreached} unreached), " +
                $"{c.FastOnlyTokens} tokens only in fast mask, {c.ReferenceOnlyTokens} only in reference");
        }
        sb.AppendLine();
        sb.AppendLine("  µs          count       p50       p90       p99     p99.9       max      mean");
        Row(sb, "tbm", s.TbmUs);
        Row(sb, "ttfm", s.TtfmUs);
        if (s.TtfmWarmUs is not null) Row(sb, "ttfm warm", s.TtfmWarmUs);
        Row(sb, "compile", s.CompileUs);
        if (s.Crosscheck is { } cc) Row(sb, "reference", cc.ReferenceUs);
        sb.AppendLine();
        sb.AppendLine(ci, $"  wall {s.WallMs / 1000:F1} s, vocabulary load {s.VocabularyLoadMs:F0} ms");
        foreach (var f in s.Failures.Take(5))
        {
            sb.Append(ci, $"  {f.Kind}: {f.SchemaId}");
            if (f.Test is int t) sb.Append(ci, $" test {t}");
            if (f.Position is int p) sb.Append(ci, $" at token {p}");
            if (f.Token is { } tok) sb.Append(' ').Append(Quote(tok));
            sb.AppendLine(f.Message is { } m ? $": {m}" : "");
        }
        if (s.Failures.Count > 5) sb.AppendLine(ci, $"  … {s.Failures.Count - 5} more failures listed in the JSON");
        foreach (var m in s.Crosscheck?.Examples.Take(3) ?? [])
        {
            sb.Append(ci, $"  mask_mismatch: {m.SchemaId} test {m.Test} at token {m.Position}:");
            foreach (var t in m.Tokens) sb.Append(ci, $" {t.Id} {Quote(t.Text)} ({(t.Fast ? "fast only" : "reference only")})");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string name, LatencyStats st) =>
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"  {name,-10}{st.Count,9}{st.P50,10:F1}{st.P90,10:F1}{st.P99,10:F1}{st.P999,10:F1}{st.Max,10:F1}{st.Mean,10:F1}");

    private static string Quote(string text) => JsonSerializer.Serialize(text, JsonOptions);
}
