using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Fast masks equal the brute-force reference for grammars from the GBNF and regex front ends.</summary>
public class FrontEndMaskAgreementTests
{
    private const string JsonGbnf = """
        # JSON with optional whitespace after every value and punctuation.
        root   ::= value
        value  ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( member ( "," ws member )* )? "}" ws
        member ::= string ":" ws value
        array  ::= "[" ws ( value ( "," ws value )* )? "]" ws
        string ::= "\"" ( [^"\\\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\"" ws
        number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )? ws
        ws     ::= [ \t\n]*
        """;

    private const string ListGbnf = """
        root ::= "[" ( item ( "," " "? item )* )? "]"
        item ::= [a-z]+ | [0-9]{1,3} | "\"" [^"]* "\""
        """;

    private static readonly string[] Words =
    [
        "ab", "abc", "@", "b@c", ".com", ".co", "com", "org", ".o", "m", "123", "12", "-", "3-4", "12-", "555", "-12",
        ", ", ",", "[a", "b]", "a,", "\"x\"", "[\"", "\"]", "{\"", "\": ", "true", "nu", "ll", "é", "日本",
    ];

    public static TheoryData<string, string> Cases => new()
    {
        { "json.gbnf", "{\"name\": \"é日本😀\", \"n\": [1, -2.5e+3, true, null, {}], \"s\": \"a\\\"b\\u00e9\"}" },
        { "json.gbnf", "[ {\"x\" : []} , 0 ]\n" },
        { "json.gbnf", "\"\\t\"" },
        { "json.gbnf", "-0.5E-2" },
        { "list.gbnf", "[abc, 12,\"x y\",7]" },
        { "list.gbnf", "[]" },
        { "list.gbnf", "[\"é\", 999, z]" },
        { "email", "abc@example.com" },
        { "email", "b@c.org" },
        { "phone", "555-1234" },
        { "phone", "123-4567" },
    };

    private static Grammar ByName(string name) => name switch
    {
        "json.gbnf" => Grammar.FromGbnf(JsonGbnf),
        "list.gbnf" => Grammar.FromGbnf(ListGbnf),
        "email" => Grammar.FromRegex(@"[a-z]+@[a-z]+\.(com|org)"),
        "phone" => Grammar.FromRegex(@"\d{3}-\d{4}"),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    private static IEnumerable<TokenVocabulary> Vocabularies() => [FakeVocabularies.JsonLike(), FakeVocabularies.BytesAndWords(Words)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MasksEqualReferenceAlongDocument(string grammar, string document)
    {
        foreach (var vocab in Vocabularies())
        {
            var m = new GrammarCompiler(vocab).Compile(ByName(grammar)).CreateMatcher();
            WalkAndCompare(m, document);
            Assert.True(m.TryAcceptToken(Stop(vocab)));
        }
    }

    [Theory]
    [InlineData("json.gbnf")]
    [InlineData("list.gbnf")]
    [InlineData("email")]
    [InlineData("phone")]
    public void RandomTokenWalksMatchReference(string grammar)
    {
        foreach (var vocab in Vocabularies())
        {
            var compiled = new GrammarCompiler(vocab).Compile(ByName(grammar));
            for (int seed = 0; seed < 6; seed++)
            {
                var rng = new Random(seed);
                var m = compiled.CreateMatcher();
                for (int step = 0; step < 40 && !m.IsTerminated; step++)
                {
                    AssertMaskMatchesReference(m, $"{grammar} seed {seed} step {step}");
                    var allowed = Allowed(Mask(m));
                    Assert.NotEmpty(allowed);
                    Assert.True(m.TryAcceptToken(allowed[rng.Next(allowed.Count)]));
                }
            }
        }
    }

    [Theory]
    [InlineData("email", "abc@example.net")]
    [InlineData("email", "abc@@")]
    [InlineData("phone", "12-3456")]
    [InlineData("phone", "555-12345")]
    [InlineData("list.gbnf", "[a,,b]")]
    [InlineData("json.gbnf", "{\"a\" 1}")]
    public void InvalidDocumentsAreRejectedAtTheFirstBadByte(string grammar, string document)
    {
        var m = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(ByName(grammar)).CreateMatcher();
        var bytes = Utf8(document);
        int accepted = 0;
        while (accepted < bytes.Length && m.TryAcceptToken(bytes[accepted])) accepted++;
        Assert.True(accepted < bytes.Length || !m.IsAccepting, document);
        Assert.False(m.IsBytesAllowed(bytes.AsSpan(accepted)));
        AssertMaskMatchesReference(m, document);
        // Its reference mask really does exclude the bad byte.
        if (accepted < bytes.Length) Assert.False(IsSet(Mask(m), bytes[accepted]));
    }
}
