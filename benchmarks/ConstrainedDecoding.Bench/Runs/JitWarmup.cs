using System.Diagnostics;
using System.Text;
using ConstrainedDecoding.Bench.Inputs;
using ConstrainedDecoding.Bench.Schemas;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>
/// Runs the library's compile and mask code once before anything is timed, so that the timings are of the
/// library and not of the JIT compiling it: without this the first token step of a run carried 12–18 ms of
/// first-call compilation (the first step of the corpus's first schema, every run). The warm-up uses a
/// vocabulary of its own (a second load of the same tokenizer) and built-in schemas that are not from the corpus,
/// so that no cache the timed run uses (terminal tables, token data, boundary tables) is filled by it; only
/// process-wide interning of small regex pieces is shared. <c>--no-warmup</c> turns it off.
/// </summary>
internal static class JitWarmup
{
    /// <summary>How often the built-in schemas are compiled and driven (more calls move more methods to optimized code).</summary>
    private const int Passes = 3;

    // Schema and an instance of it (Python separators, as in the corpus), chosen to reach the common keyword paths:
    // objects with required and closed properties, bounded strings, formats, patterns, enums, oneOf/anyOf, $ref
    // recursion, arrays, numbers with bounds, nullable types and a free-form object.
    private static readonly (string Schema, string Instance)[] s_samples =
    [
        ("""
         {"type":"object","properties":{
           "name":{"type":"string","minLength":1,"maxLength":40},
           "age":{"type":"integer","minimum":0,"maximum":150},
           "score":{"type":"number","exclusiveMinimum":-10000},
           "tags":{"type":"array","items":{"enum":["alpha","beta","gamma"]},"minItems":1,"maxItems":3},
           "email":{"type":"string","format":"email"},
           "when":{"type":"string","format":"date-time"},
           "kind":{"oneOf":[{"const":"none"},{"type":"integer","multipleOf":7}]},
           "code":{"type":"string","pattern":"^[A-Z]{2}-[0-9]+$"},
           "flag":{"type":["boolean","null"]},
           "tree":{"$ref":"#/$defs/node"}},
          "required":["name","age"],"additionalProperties":false,
          "$defs":{"node":{"type":"object","properties":{"value":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["value"]}}}
         """,
         """{"name": "Ada Lovelace", "age": 36, "score": -1500.25, "tags": ["alpha", "gamma"], "email": "ada@example.com", "when": "2024-01-02T03:04:05Z", "kind": 14, "code": "AB-12", "flag": null, "tree": {"value": "root", "children": [{"value": "leaf \"one\"\n\u00e9", "children": []}]}}"""),
        ("""
         {"anyOf":[{"type":"object","properties":{"id":{"type":"string","format":"uuid"}},"required":["id"]},
                   {"type":"array","items":{"type":"number"},"maxItems":8}]}
         """,
         """[1, 2.5, -3, 4e-2]"""),
        ("""{"type":"object"}""",
         """{"key": {"list": [true, false, null, "text", 1.0e-3, {"deep": []}]}, "other": 12}"""),
    ];

    /// <summary>Loads a second vocabulary from <paramref name="tokenizerPath"/> and runs the samples through it.</summary>
    /// <returns>Milliseconds the warm-up took (vocabulary load included).</returns>
    public static double Run(string tokenizerPath)
    {
        long t0 = Stopwatch.GetTimestamp();
        var vocab = VocabularyFiles.Load(tokenizerPath);
        var provider = SchemaGrammarProviders.CreateDefault();
        var mask = new uint[vocab.MaskWordCount];
        var compiler = new GrammarCompiler(vocab);
        var tokenizer = new TestSuite.GreedyTokenizer(vocab);
        for (int pass = 0; pass < Passes; pass++)
        {
            foreach (var (schema, instance) in s_samples)
            {
                if (!provider.TryCreateGrammar(schema, out var grammar, out _)) continue;
                var matcher = compiler.Compile(grammar).CreateMatcher();
                if (tokenizer.Encode(Encoding.UTF8.GetBytes(instance)) is { } ids) Drive(matcher, ids, mask);
            }
        }
        return Measurement.LatencySamples.ToMicroseconds(Stopwatch.GetTimestamp() - t0) / 1000;
    }

    // Feeds the instance's tokens (any tokenization of a valid instance is in the masks), then fills the final mask.
    private static void Drive(GrammarMatcher matcher, List<int> ids, uint[] mask)
    {
        foreach (int id in ids)
        {
            matcher.FillNextTokenMask(mask);
            if (!matcher.TryAcceptToken(id)) return;
        }
        matcher.FillNextTokenMask(mask);
    }
}
