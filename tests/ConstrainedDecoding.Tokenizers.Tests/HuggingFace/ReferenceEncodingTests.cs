using System.Text;
using System.Text.Json;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tokenizers.Tests.HuggingFace;

/// <summary>Every reference encoding's token bytes, concatenated, spell its text exactly (after the tokenizer's prefix space, if it adds one).</summary>
public sealed class ReferenceEncodingTests
{
    private sealed record Line(string Tokenizer, string Text, int[] Ids);

    private static readonly Lazy<Line[]> s_lines = new(ReadLines);

    private static Line[] ReadLines()
    {
        var path = TestData.DataFile("tokenizers", "reference-encodings.jsonl");
        if (path is null) return [];
        var lines = new List<Line>();
        foreach (var text in File.ReadLines(path))
        {
            if (text.Length == 0) continue;
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            lines.Add(new Line(
                root.GetProperty("tokenizer").GetString()!,
                root.GetProperty("text").GetString()!,
                [.. root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())]));
        }
        return [.. lines];
    }

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        var lines = s_lines.Value;
        for (int i = 0; i < lines.Length; i++) data.Add(lines[i].Tokenizer, i + 1);
        if (lines.Length == 0) data.Add("none", 0); // skipped by RequiresDataTheory when the data is absent
        return data;
    }

    [RequiresDataFact]
    public void FileHas222LinesOverSixTokenizers()
    {
        Assert.Equal(222, s_lines.Value.Length);
        Assert.Equal(SharedTokenizers.Names.Order(), s_lines.Value.Select(l => l.Tokenizer).Distinct().Order());
    }

    [RequiresDataTheory]
    [MemberData(nameof(Cases))]
    public void ConcatenatedTokenBytesEqualUtf8Text(string tokenizer, int lineNumber)
    {
        var line = s_lines.Value[lineNumber - 1];
        Assert.Equal(tokenizer, line.Tokenizer);
        var info = SharedTokenizers.Get(tokenizer);
        var vocabulary = info.Vocabulary;
        var bytes = new List<byte>();
        foreach (int id in line.Ids)
        {
            Assert.False(vocabulary.IsSpecial(id), $"id {id} is special, but the reference encodes text without special tokens");
            bytes.AddRange(vocabulary.GetTokenBytes(id).ToArray());
        }
        // SentencePiece normalizers prepend "▁" to non-empty input, so the first token carries one extra space.
        var expected = Encoding.UTF8.GetBytes(info.AddsPrefixSpace && line.Text.Length > 0 ? " " + line.Text : line.Text);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString([.. bytes]));
    }
}
