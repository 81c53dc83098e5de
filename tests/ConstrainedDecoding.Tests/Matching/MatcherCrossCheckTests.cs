using System.Text;
using System.Text.Json;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Tests.Matching;

public class MatcherCrossCheckTests
{
    public static TheoryData<string> GrammarNames => new() { "json", "arith", "dyck", "lex" };

    internal static Grammar ByName(string name) => name switch
    {
        "json" => TestGrammars.Json(),
        "arith" => TestGrammars.AmbiguousArithmetic(),
        "dyck" => TestGrammars.Dyck(),
        "lex" => TestGrammars.LexicallyAmbiguous(),
        _ => throw new ArgumentException(name),
    };

    private static readonly Dictionary<string, string[]> Documents = new()
    {
        ["json"] = ["{\"name\": \"é日本😀\", \"age\": 12, \"list\": [1, -2.5e+3, true, null, {}], \"s\": \"a\\\"b\\u00e9\"}", "[{\"x\":[]} , 0]", "\"x\"", "  -0.5E-2 "],
        ["arith"] = ["1+2*3", "(1 + 2) ** 3 - 44", "((7))", "1 * (2 - 3) + 4 ** 5"],
        ["dyck"] = ["(()())()", "((()))", ""],
        ["lex"] = ["abcbc!", "acxx!", "ab!", "abcc!"],
    };

    [Theory]
    [MemberData(nameof(GrammarNames))]
    public void FastMaskEqualsReferenceAlongDocuments(string name)
    {
        foreach (var vocab in new[] { FakeVocabularies.Bytes(), FakeVocabularies.JsonLike() })
        {
            var compiled = new GrammarCompiler(vocab).Compile(ByName(name));
            foreach (var doc in Documents[name])
            {
                var m = compiled.CreateMatcher();
                var fast = new uint[compiled.MaskWordCount];
                var slow = new uint[compiled.MaskWordCount];
                foreach (byte b in Encoding.UTF8.GetBytes(doc))
                {
                    AssertMasksEqual(m, fast, slow, vocab, doc);
                    Assert.True(m.TryAcceptToken(b), $"byte {b:X2} of {doc} rejected");
                }
                AssertMasksEqual(m, fast, slow, vocab, doc);
                Assert.True(m.IsAccepting, doc);
            }
        }
    }

    [Theory]
    [MemberData(nameof(GrammarNames))]
    public void RandomWalksStayInLanguageAndMatchReference(string name)
    {
        var vocab = FakeVocabularies.JsonLike();
        var compiled = new GrammarCompiler(vocab).Compile(ByName(name));
        int stop = FakeVocabularies.StopId(vocab);
        int finished = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var rng = new Random(seed);
            var m = compiled.CreateMatcher();
            var fast = new uint[compiled.MaskWordCount];
            var slow = new uint[compiled.MaskWordCount];
            var text = new List<byte>();
            for (int step = 0; step < 60; step++)
            {
                AssertMasksEqual(m, fast, slow, vocab, Encoding.UTF8.GetString(text.ToArray()));
                var allowed = Allowed(fast);
                Assert.NotEmpty(allowed); // no dead ends
                // Prefer ending late: pick stop only after 40 steps or when it is the only choice.
                int pick = allowed.Count == 1 ? allowed[0] : allowed.Where(t => t != stop || step > 40).ElementAt(rng.Next(allowed.Count(t => t != stop || step > 40)));
                Assert.True(m.TryAcceptToken(pick));
                if (pick == stop) break;
                text.AddRange(vocab.GetTokenBytes(pick).ToArray());
            }
            if (!m.IsTerminated)
            {
                continue; // capped; the prefix was checked at every step
            }
            finished++;
            // The finished text is in the language: a fresh matcher accepts it as a whole.
            var check = compiled.CreateMatcher();
            Assert.True(check.TryAcceptBytes(text.ToArray()) && check.IsAccepting, Encoding.UTF8.GetString(text.ToArray()));
            if (name == "json")
            {
                using var _ = JsonDocument.Parse(text.ToArray());
            }
        }
        Assert.True(finished > 0, "no random walk reached the stop token");
    }

    internal static List<int> Allowed(uint[] mask)
    {
        var list = new List<int>();
        for (int i = 0; i < mask.Length * 32; i++)
        {
            if ((mask[i >> 5] & (1u << (i & 31))) != 0) list.Add(i);
        }
        return list;
    }

    internal static void AssertMasksEqual(GrammarMatcher m, uint[] fast, uint[] slow, TokenVocabulary vocab, string context)
    {
        m.FillNextTokenMask(fast);
        ReferenceMasks.Fill(m, slow);
        var diff = ReferenceMasks.Differences(fast, slow);
        if (diff.Count > 0)
        {
            var desc = string.Join(", ", diff.Take(8).Select(id => $"{id}:{(id < vocab.Count ? Convert.ToHexString(vocab.GetTokenBytes(id)) : "pad")}:fast={(fast[id >> 5] >> (id & 31)) & 1}"));
            Assert.Fail($"Mask mismatch after '{context}' at byte {m.ConsumedByteCount}: {desc}");
        }
    }
}
