using System.Text.Json;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.BuiltInGrammars;

/// <summary>
/// Runs real JSON documents (JSONSchemaBench instances, as MaskBench serializes them) through
/// <c>grammars/json.lark</c>; System.Text.Json's strict parser is the oracle.
/// </summary>
public sealed class JsonGrammarDataTests
{
    private const int LinesToCheck = 300;

    public static TheoryData<int> LineNumbers
    {
        get
        {
            var data = new TheoryData<int>();
            var path = DataFile();
            int count = path is null ? 1 : File.ReadLines(path).Take(LinesToCheck).Count();
            for (int i = 0; i < count; i++) data.Add(i);
            return data;
        }
    }

    [RequiresDataTheory]
    [MemberData(nameof(LineNumbers))]
    public void AcceptsInstanceTextAndAgreesWithSystemTextJsonOnItsHalfPrefix(int line)
    {
        var path = DataFile();
        Assert.True(path is not null, "jsonschemabench-tokens/llama3/Github_easy.jsonl is missing from the data folder");
        var record = File.ReadLines(path).Skip(line).First();
        using var doc = JsonDocument.Parse(record);
        var text = doc.RootElement.GetProperty("text").GetString()!;

        Assert.True(IsJson(text), $"line {line}: the data's text is not strict JSON");
        Assert.True(BuiltInGrammarHarness.Accepts("json", text), $"line {line}: json.lark rejected {Shorten(text)}");

        // A cut-off document is JSON only in rare cases (a bare number); the grammar must agree either way.
        int cut = text.Length / 2;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        var half = text[..cut];
        Assert.Equal(IsJson(half), BuiltInGrammarHarness.Accepts("json", half));
    }

    private static string? DataFile() => TestData.DataFile("jsonschemabench-tokens", "llama3", "Github_easy.jsonl");

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
