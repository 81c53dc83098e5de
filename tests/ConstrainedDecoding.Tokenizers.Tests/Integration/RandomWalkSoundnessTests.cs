using System.Text.Json;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Tokenizers.Tests.Integration;

/// <summary>
/// Acceptance check (soundness): seeded random walks that only ever pick tokens the fast mask allows
/// never reach a dead end, and when they pick stop, the text is a sentence of the grammar (for JSON,
/// System.Text.Json parses it too). Walks end when stop is picked or at <see cref="HardCap"/> tokens.
/// </summary>
/// <remarks>
/// The walk is biased so that it ends: uniform picks over a 128k vocabulary stay inside strings,
/// comments and identifiers forever. Before a per-walk soft cap, half the picks are uniform over all
/// allowed tokens and half over the allowed "structural" tokens (no ASCII letter, some ASCII punctuation); stop is not picked
/// unless it is the only choice. From the soft cap on, the walk tries to finish: stop whenever allowed;
/// otherwise it chooses one of a few short "finisher" byte strings (<see cref="Finishers"/>: closing
/// brackets and quotes, comment ends, a number, " FROM t", a whole SELECT...) that the grammar allows now, preferring
/// one after which the text is complete, and spells it with the longest allowed tokens that are
/// prefixes of it; if none is allowed, a structural token that opens nothing. The bias only chooses
/// among tokens the mask allows, so it does not affect what is tested: every step allowed ⇒ the text
/// stays a prefix of the language, and stop allowed ⇒ the text is a sentence.
/// </remarks>
public class RandomWalkSoundnessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Seeds = 10;
    private const int HardCap = 200;
    private const int MinSoftCap = 4;
    private const int MaxSoftCap = 60;

    /// <summary>Short byte strings that close or complete common constructs (brackets, strings, comments, SQL clauses, operands).</summary>
    private static readonly byte[][] Finishers =
        [.. new[] { ")", "]", "}", "\"", "'", "`", "*/", "\n", "0", " 0", " t", " FROM t", " END", " AND 0", ";", ": 0", "SELECT 0 FROM t" }.Select(System.Text.Encoding.UTF8.GetBytes)];

    /// <summary>Tokens checked against <see cref="GrammarMatcher.IsTokenAllowed"/> per step (their mask bit must agree).</summary>
    private const int SpotChecksPerStep = 16;

    /// <summary>JSON nesting allowed when parsing a walk's text (the grammar has no depth limit; System.Text.Json defaults to 64).</summary>
    private const int JsonMaxDepth = 4096;

    public static TheoryData<string, string> Cases() => new()
    {
        { "gpt2", "json" },
        { "llama3", "json" },
        { "mistral", "json" },
        { "llama3", "arithmetic" },
        { "llama3", "sql" },
    };

    [RequiresDataTheory]
    [MemberData(nameof(Cases))]
    public void WalksUnderTheMaskStayInTheLanguage(string tokenizer, string grammar)
    {
        var compiled = IntegrationInputs.Compile(tokenizer, grammar);
        int terminated = 0;
        var unfinished = new List<string>();
        for (int seed = 0; seed < Seeds; seed++)
        {
            var text = Walk(compiled, tokenizer, grammar, seed, out bool stopped);
            var where = $"{tokenizer}/{grammar} seed {seed}";
            output.WriteLine($"{where}: {(stopped ? "stopped" : "capped")} after {text.Length} bytes: {MaskAssertions.Tail(text)}");
            var fresh = compiled.CreateMatcher();
            Assert.True(fresh.TryAcceptBytes(text), $"{where}: a fresh matcher rejects the walk's text {MaskAssertions.Tail(text)}");
            if (!stopped)
            {
                unfinished.Add(MaskAssertions.Tail(text));
                continue;
            }
            terminated++;
            Assert.True(fresh.IsAccepting, $"{where}: stop was allowed but the text is not a sentence: {MaskAssertions.Tail(text)}");
            if (grammar == "json")
            {
                var ex = Record.Exception(() => JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = JsonMaxDepth }).Dispose());
                Assert.True(ex is null, $"{where}: System.Text.Json rejects {MaskAssertions.Tail(text)}: {ex?.Message}");
            }
        }
        Assert.True(terminated >= Seeds / 2, $"{tokenizer}/{grammar}: only {terminated} of {Seeds} walks picked stop within {HardCap} tokens; unfinished walks end with:\n  {string.Join("\n  ", unfinished)}");
    }

    /// <summary>One walk; returns the bytes produced and whether it ended with stop.</summary>
    private static byte[] Walk(CompiledGrammar compiled, string tokenizer, string grammar, int seed, out bool stopped)
    {
        var vocab = compiled.Vocabulary;
        var rng = new Random(IntegrationInputs.StableSeed($"{tokenizer}/{grammar}") + seed);
        int softCap = rng.Next(MinSoftCap, MaxSoftCap);
        var matcher = compiled.CreateMatcher();
        var mask = new uint[compiled.MaskWordCount];
        var text = new List<byte>();
        var pending = new List<byte>(); // the rest of the finisher being spelled (ending phase)
        stopped = false;
        for (int step = 0; step < HardCap; step++)
        {
            string where = $"{tokenizer}/{grammar} seed {seed} step {step}";
            MaskAssertions.FillWithin(matcher, mask, text.ToArray(), where);
            var allowed = MaskAssertions.SetIds(mask);
            Assert.True(allowed.Count > 0, $"{where}: dead end, nothing is allowed after {MaskAssertions.Tail(text.ToArray())}");
            for (int k = 0; k < SpotChecksPerStep; k++)
            {
                int id = rng.Next(vocab.Count);
                Assert.True(MaskAssertions.IsSet(mask, id) == matcher.IsTokenAllowed(id), $"{where}: mask bit of {MaskAssertions.Describe(vocab, id)} disagrees with IsTokenAllowed after {MaskAssertions.Tail(text.ToArray())}");
            }
            int pick = Pick(matcher, mask, allowed, rng, step >= softCap, pending);
            Assert.True(matcher.TryAcceptToken(pick), $"{where}: allowed {MaskAssertions.Describe(vocab, pick)} was rejected after {MaskAssertions.Tail(text.ToArray())}");
            if (vocab.IsStop(pick))
            {
                stopped = true;
                break;
            }
            text.AddRange(vocab.GetTokenBytes(pick).ToArray());
        }
        return text.ToArray();
    }

    private static int Pick(GrammarMatcher matcher, uint[] mask, List<int> allowed, Random rng, bool ending, List<byte> pending)
    {
        var vocab = matcher.Grammar.Vocabulary;
        var stops = allowed.Where(vocab.IsStop).ToList();
        var others = allowed.Where(id => !vocab.IsStop(id)).ToList();
        if (others.Count == 0) return stops[0];
        if (ending)
        {
            if (stops.Count > 0) return stops[0];
            if (pending.Count == 0) pending.AddRange(ChooseFinisher(matcher, rng));
            if (pending.Count > 0)
            {
                int id = GreedySegmenter.For(vocab).LongestAllowedPrefix(pending.ToArray(), mask);
                Assert.True(id >= 0, $"no allowed token starts the allowed finisher {MaskAssertions.Quote(pending.ToArray())}");
                pending.RemoveRange(0, vocab.GetTokenBytes(id).Length);
                return id;
            }
        }
        var structural = others.Where(id => IsStructural(vocab.GetTokenBytes(id)) && !(ending && IsOpener(vocab.GetTokenBytes(id)))).ToList();
        if (structural.Count > 0 && (ending || rng.Next(2) == 0)) return structural[rng.Next(structural.Count)];
        return others[rng.Next(others.Count)];
    }

    /// <summary>A finisher the grammar allows now, preferring one that completes the text; empty when none is allowed.</summary>
    private static byte[] ChooseFinisher(GrammarMatcher matcher, Random rng)
    {
        var viable = Finishers.Where(f => matcher.IsBytesAllowed(f)).ToList();
        var completing = viable.Where(f =>
        {
            Assert.True(matcher.TryAcceptBytes(f));
            bool done = matcher.IsAccepting;
            matcher.Rollback(1);
            return done;
        }).ToList();
        if (completing.Count > 0) return completing[rng.Next(completing.Count)];
        // A newline only ends line comments; prefer anything else that makes progress.
        var progress = viable.Where(f => f is not [(byte)'\n']).ToList();
        if (progress.Count > 0) return progress[rng.Next(progress.Count)];
        return viable.Count > 0 ? viable[rng.Next(viable.Count)] : [];
    }

    // No ASCII letter and at least one ASCII punctuation byte (whitespace-only and digit-only tokens are
    // so many in large vocabularies that they would crowd out the brackets, quotes and separators).
    private static bool IsStructural(ReadOnlySpan<byte> bytes)
    {
        bool punctuation = false;
        foreach (byte b in bytes)
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z') return false;
            if (b is >= (byte)'!' and <= (byte)'/' or >= (byte)':' and <= (byte)'@' or >= (byte)'[' and <= (byte)'`' or >= (byte)'{' and <= (byte)'~') punctuation = true;
        }
        return punctuation;
    }

    private static readonly System.Buffers.SearchValues<byte> Opening = System.Buffers.SearchValues.Create("([{"u8);

    // Opens a bracket or a comment (SQL "--" and "/*" comments swallow everything).
    private static bool IsOpener(ReadOnlySpan<byte> bytes) =>
        bytes.IndexOfAny(Opening) >= 0 || bytes.IndexOf("--"u8) >= 0 || bytes.IndexOf("/*"u8) >= 0 || bytes.IndexOf("//"u8) >= 0;
}
