using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>One CompiledGrammar shared by several threads, each with its own matcher.</summary>
public class ConcurrentMatcherTests
{
    private static readonly string[] Documents =
    [
        "{\"name\": \"é日本😀\", \"age\": 12, \"tags\": [\"a\", \"b\"], \"ok\": true}",
        "[1, -2.5e+3, null, {\"x\": {\"y\": [[], {}]}}, \"\\u00e9\\n\"]",
        "  {\"nested\": [{\"a\": [1, {\"b\": [2, {\"c\": false}]}]}]}  ",
        "\"just a string with \\\"quotes\\\" and spaces\"",
    ];

    /// <summary>The mask before every byte and at the end, as the fast matcher computes it.</summary>
    private static List<uint[]> Trace(CompiledGrammar grammar, string document)
    {
        var m = grammar.CreateMatcher();
        var masks = new List<uint[]>();
        foreach (byte b in Utf8(document))
        {
            masks.Add(Mask(m));
            Assert.True(m.TryAcceptBytes([b]));
        }
        masks.Add(Mask(m));
        return masks;
    }

    [Fact]
    public void ParallelMatchersOnOneGrammarAgreeWithSingleThreadedResults()
    {
        // Reference: single-threaded on its own vocabulary instance, checked once against the brute force.
        var expected = new List<uint[]>[Documents.Length];
        var referenceGrammar = Lark(LarkJson, FakeVocabularies.JsonLike());
        for (int d = 0; d < Documents.Length; d++)
        {
            expected[d] = Trace(referenceGrammar, Documents[d]);
            WalkAndCompare(referenceGrammar.CreateMatcher(), Documents[d]);
        }

        for (int round = 0; round < 3; round++)
        {
            // A fresh vocabulary each round, so the lazy tables and caches are built concurrently.
            var shared = Lark(LarkJson, FakeVocabularies.JsonLike());
            var actual = new List<uint[]>[Documents.Length];
            Parallel.For(0, Documents.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, d =>
            {
                // Each thread starts at a different document and replays all of them, so every pair overlaps.
                for (int k = 0; k < Documents.Length; k++)
                {
                    int doc = (d + k) % Documents.Length;
                    var trace = Trace(shared, Documents[doc]);
                    if (k == 0) actual[doc] = trace;
                    else Assert.True(Same(expected[doc], trace), $"round {round}, thread {d}, document {doc}");
                }
            });
            for (int d = 0; d < Documents.Length; d++)
            {
                Assert.True(Same(expected[d], actual[d]), $"round {round}, document {d}");
            }
        }
    }

    private static bool Same(List<uint[]> a, List<uint[]> b) => a.Count == b.Count && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second));
}
