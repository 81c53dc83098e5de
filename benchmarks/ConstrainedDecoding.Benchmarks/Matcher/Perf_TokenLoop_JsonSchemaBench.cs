using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ConstrainedDecoding.Benchmarks.Infrastructure;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Benchmarks.Matcher;

/// <summary>
/// The decode-loop step on real data: <see cref="GrammarMatcher.FillNextTokenMask"/> +
/// <see cref="GrammarMatcher.TryAcceptToken"/> per token, replaying the first
/// <see cref="TokensPerInvoke"/> Llama 3 tokens of JSONSchemaBench instances under the JSON grammar.
/// Reported per token; the allocation column should read 0 B (steady state allocates nothing).
/// </summary>
[MemoryDiagnoser]
public class Perf_TokenLoop_JsonSchemaBench
{
    /// <summary>Tokens replayed per invocation (the reported time is per token).</summary>
    public const int TokensPerInvoke = 4096;

    private GrammarMatcher _matcher = null!;
    private uint[] _mask = [];
    private int[][] _documents = [];

    /// <summary>Token file under jsonschemabench-tokens/llama3, when present.</summary>
    [ParamsSource(nameof(Corpora))]
    public string Corpus { get; set; } = "";

    public static IEnumerable<string> Corpora() =>
        BenchmarkInputs.HasDefaultTokenizer && File.Exists(BenchmarkInputs.GrammarPath("json"))
            ? new[] { "Github_easy", "Github_hard" }.Where(c => CorpusPath(c) is not null)
            : [];

    private static string? CorpusPath(string corpus) => TestData.DataFile("jsonschemabench-tokens", BenchmarkInputs.DefaultTokenizer, corpus + ".jsonl");

    [GlobalSetup]
    public void Setup()
    {
        _documents = ReadDocuments(CorpusPath(Corpus)!, TokensPerInvoke);
        _matcher = new GrammarCompiler(BenchmarkInputs.Vocabulary(BenchmarkInputs.DefaultTokenizer)).Compile(BenchmarkInputs.Grammar("json")).CreateMatcher();
        _mask = new uint[_matcher.MaskWordCount];
        // One pass to check the replay is valid (and to warm the caches the steady state uses).
        if (Replay() != TokensPerInvoke) throw new InvalidOperationException($"the JSON grammar rejected a token of {Corpus}");
    }

    [Benchmark(OperationsPerInvoke = TokensPerInvoke)]
    public int FillAndAccept() => Replay();

    private int Replay()
    {
        int accepted = 0;
        foreach (var ids in _documents)
        {
            _matcher.Reset();
            foreach (int id in ids)
            {
                _matcher.FillNextTokenMask(_mask);
                if (!_matcher.TryAcceptToken(id)) return accepted;
                accepted++;
            }
        }
        return accepted;
    }

    /// <summary>Token ids of the first instances, cut so that exactly <paramref name="budget"/> tokens are kept.</summary>
    private static int[][] ReadDocuments(string path, int budget)
    {
        var docs = new List<int[]>();
        int left = budget;
        foreach (var line in File.ReadLines(path))
        {
            if (left == 0) break;
            using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 256 });
            var ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).Take(left).ToArray();
            docs.Add(ids);
            left -= ids.Length;
        }
        if (left > 0) throw new InvalidOperationException($"{path} holds fewer than {budget} tokens");
        return [.. docs];
    }
}
