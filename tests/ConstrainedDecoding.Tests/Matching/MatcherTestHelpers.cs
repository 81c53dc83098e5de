using System.Text;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Small helpers shared by the matcher API tests.</summary>
internal static class MatcherTestHelpers
{
    /// <summary>A Lark JSON grammar written with the common library's terminals.</summary>
    public const string LarkJson = """
        ?start: value
        ?value: object | array | string | SIGNED_NUMBER | "true" | "false" | "null"
        array: "[" [value ("," value)*] "]"
        object: "{" [pair ("," pair)*] "}"
        pair: string ":" value
        string: ESCAPED_STRING
        %import common.ESCAPED_STRING
        %import common.SIGNED_NUMBER
        %import common.WS
        %ignore WS
        """;

    /// <summary>The current fast mask in a fresh array.</summary>
    public static uint[] Mask(GrammarMatcher m)
    {
        var mask = new uint[m.MaskWordCount];
        m.FillNextTokenMask(mask);
        return mask;
    }

    /// <summary>Whether token <paramref name="id"/>'s bit is set.</summary>
    public static bool IsSet(ReadOnlySpan<uint> mask, int id) => (mask[id >> 5] & (1u << (id & 31))) != 0;

    /// <summary>UTF-8 bytes.</summary>
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Asserts that the fast mask equals the brute-force reference mask now.</summary>
    public static void AssertMaskMatchesReference(GrammarMatcher m, string context)
    {
        var vocab = m.Grammar.Vocabulary;
        MatcherCrossCheckTests.AssertMasksEqual(m, new uint[m.MaskWordCount], new uint[m.MaskWordCount], vocab, context);
    }

    /// <summary>
    /// Feeds <paramref name="document"/> one byte at a time (as raw bytes, so any vocabulary works), checking the
    /// fast mask against the reference before every byte and at the end; asserts the document is accepted.
    /// </summary>
    public static void WalkAndCompare(GrammarMatcher m, string document)
    {
        foreach (byte b in Utf8(document))
        {
            AssertMaskMatchesReference(m, document);
            Assert.True(m.TryAcceptBytes([b]), $"byte {b:X2} of '{document}' rejected at {m.ConsumedByteCount}");
        }
        AssertMaskMatchesReference(m, document);
        Assert.True(m.IsAccepting, $"'{document}' is not complete");
    }

    /// <summary>Snapshot of the observable state, for "unchanged" assertions.</summary>
    public static (int Accepted, int Bytes, bool Accepting, bool Terminated, string Mask) State(GrammarMatcher m) =>
        (m.AcceptedCount, m.ConsumedByteCount, m.IsAccepting, m.IsTerminated, string.Join(",", Mask(m)));

    /// <summary>Ids whose bit is set, in order.</summary>
    public static List<int> Allowed(uint[] mask) => MatcherCrossCheckTests.Allowed(mask);

    /// <summary>Compiles Lark text against a vocabulary.</summary>
    public static CompiledGrammar Lark(string text, Vocabulary.TokenVocabulary vocab) => new GrammarCompiler(vocab).CompileLark(text);

    /// <summary>A fake vocabulary shortcut so tests read as intent.</summary>
    public static int Stop(Vocabulary.TokenVocabulary v) => FakeVocabularies.StopId(v);
}
