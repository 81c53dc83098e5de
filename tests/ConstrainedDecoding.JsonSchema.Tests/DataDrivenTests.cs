using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.JsonSchema.Tests;

public class DataDrivenTests
{
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON Schema Test Suite 2020-12, required cases without remotes: never accept an invalid instance.</summary>
    [RequiresDataFact]
    public void Test_suite_has_no_false_positives_on_required_cases()
    {
        string path = TestData.DataFile("json-schema-test-suite", "draft2020-12.jsonl")!;
        int cases = 0, correct = 0;
        var falsePositives = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.GetProperty("optional").GetBoolean() || root.GetProperty("requires").GetArrayLength() > 0) continue;
            cases++;
            Matching.CompiledGrammar grammar;
            try
            {
                grammar = SchemaAssert.Compile(root.GetProperty("schema").GetRawText());
            }
            catch (Exception e) when (e is UnsupportedSchemaException or GrammarDefinitionException)
            {
                continue;
            }
            string text = JsonSerializer.Serialize(root.GetProperty("data"), s_compact);
            bool accepted = SchemaAssert.Accepts(grammar, text);
            bool valid = root.GetProperty("valid").GetBoolean();
            if (accepted == valid) correct++;
            else if (accepted) falsePositives.Add($"{root.GetProperty("file")} / {root.GetProperty("case")}: {text}");
        }
        Assert.True(falsePositives.Count == 0, string.Join("\n", falsePositives));
        Assert.True(correct >= cases * 0.5, $"correct {correct} of {cases}");
    }

    /// <summary>A sample of MaskBench schemas: no invalid instance accepted, valid ones (Python separators) accepted.</summary>
    [RequiresDataFact]
    public void MaskBench_sample_is_exact()
    {
        var texts = new Dictionary<string, List<(string Text, bool Valid)>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(TestData.DataFile("jsonschemabench-tokens", "llama3", "Github_easy.jsonl")!))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            string id = r.GetProperty("id").GetString()!;
            if (!texts.TryGetValue(id, out var list)) texts[id] = list = [];
            list.Add((r.GetProperty("text").GetString()!, r.GetProperty("valid").GetBoolean()));
        }
        int schemas = 0, compiled = 0, validTotal = 0, validRejected = 0;
        var invalidAccepted = new List<string>();
        foreach (var line in File.ReadLines(TestData.DataFile("jsonschemabench", "Github_easy.jsonl")!).Where((_, i) => i % 4 == 0))
        {
            using var doc = JsonDocument.Parse(line);
            string id = doc.RootElement.GetProperty("id").GetString()!;
            if (!texts.TryGetValue(id, out var instances)) continue;
            schemas++;
            Matching.CompiledGrammar grammar;
            try
            {
                grammar = SchemaAssert.Compile(doc.RootElement.GetProperty("schema").GetRawText());
            }
            catch (Exception e) when (e is UnsupportedSchemaException or GrammarDefinitionException)
            {
                continue;
            }
            compiled++;
            foreach (var (text, valid) in instances)
            {
                bool accepted = SchemaAssert.Accepts(grammar, text);
                if (valid)
                {
                    validTotal++;
                    if (!accepted) validRejected++;
                }
                else if (accepted)
                {
                    invalidAccepted.Add(id + ": " + text);
                }
            }
        }
        Assert.True(invalidAccepted.Count == 0, string.Join("\n", invalidAccepted.Take(10)));
        Assert.True(compiled >= schemas * 0.8, $"compiled {compiled} of {schemas}");
        Assert.True(validRejected <= validTotal * 0.02, $"{validRejected} of {validTotal} valid instances rejected");
    }
}
