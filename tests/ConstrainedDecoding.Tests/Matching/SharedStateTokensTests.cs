using System.Text;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using Xunit;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>
/// Terminal states whose tables are reused from another terminal's state with the same residual
/// language, or computed as a difference from a similar one, must give exactly the masks a
/// brute-force reference gives.
/// </summary>
public class SharedStateTokensTests
{
    private const string Generic = """
        start: "{" (pair ("," pair)*)? "}"
        pair: KEY NUMBER
        KEY: /"[a-z\\]*":/
        NUMBER: /[0-9]+/
        """;

    // Keys other than "name" get strings; "name" gets a number.
    private const string Complement = """
        start: "{" (pair ("," pair)*)? "}"
        pair: NAME NUMBER | OTHER STRING
        NAME: "\"name\":"
        OTHER: /"(|n|na|nam|[a-mo-z\\][a-z\\]*|n[b-z\\][a-z\\]*|na[a-ln-z\\][a-z\\]*|nam[a-df-z\\][a-z\\]*|name[a-z\\]+)":/
        NUMBER: /[0-9]+/
        STRING: /"[a-z ]*"/
        """;

    private static TokenVocabulary Vocabulary() =>
        FakeVocabularies.BytesAndRandomWords(["\"", "\":", "name", "na", "n", "nam", "e", "x", "ab", "q", "\\", "z", "m", "1", "23", "{", "}", ",", " ", "o"], wordCount: 3000, maxPieces: 4, seed: 11);

    [Fact]
    public void Shared_and_difference_tables_give_reference_masks()
    {
        using (new SmallVocabularySharing())
        {
            var vocab = Vocabulary();
            var compiler = new GrammarCompiler(vocab);
            // The generic grammar's dense states become the bases the complement's states are computed from.
            RandomWalks(compiler.CompileLark(Generic), vocab, seed: 1);
            var shared = vocab.Tables.SharedStates;
            long before = shared.Differences + shared.LanguageHits;
            RandomWalks(compiler.CompileLark(Complement), vocab, seed: 2);
            RandomWalks(compiler.CompileLark(Complement.Replace("name", "nax", StringComparison.Ordinal).Replace("nam[a-df-z", "nax[a-df-z", StringComparison.Ordinal)), vocab, seed: 3);
            Assert.True(shared.Differences + shared.LanguageHits > before, "the complement's states never reused the generic grammar's tables");
        }
    }

    [Fact]
    public void Boundary_tokens_shared_between_grammars_with_different_terminal_numbering_give_reference_masks()
    {
        var vocab = Vocabulary();
        var compiler = new GrammarCompiler(vocab);
        // The vocabulary keeps a pattern's table for sharing from its second request on: compile once to ask.
        compiler.CompileLark(Generic);
        RandomWalks(compiler.CompileLark(Generic), vocab, seed: 4);
        long hits = vocab.Tables.Boundaries.Hits;
        // Same terminals declared in another order, plus one more: other terminal indices, same tables.
        const string reordered = """
            start: "{" (pair ("," pair)*)? "}" | EXTRA
            pair: KEY NUMBER
            EXTRA: "!"
            NUMBER: /[0-9]+/
            KEY: /"[a-z\\]*":/
            """;
        RandomWalks(compiler.CompileLark(reordered), vocab, seed: 5);
        Assert.True(vocab.Tables.Boundaries.Hits > hits, "the second grammar never reused the first one's boundary tokens");
    }

    [Fact]
    public void Shared_boundary_tokens_survive_the_table_cache_dropping_tables()
    {
        var vocab = Vocabulary();
        var compiler = new GrammarCompiler(vocab);
        compiler.CompileLark(Complement); // first request of its patterns; the next compile's tables are kept
        RandomWalks(compiler.CompileLark(Complement), vocab, seed: 7);
        // Push the generic grammar's tables out of the vocabulary's cache: the next grammar gets new
        // table instances for the same patterns while the shared boundary entries stay.
        // (Each filler asked for twice: the cache keeps a pattern from its second request on.)
        for (int i = 0; i < Limits.MaxSharedTerminalTables + 10; i++)
        {
            vocab.Tables.GetOrCreate(ConstrainedDecoding.Regex.RegexNode.Literal("filler" + i));
            vocab.Tables.GetOrCreate(ConstrainedDecoding.Regex.RegexNode.Literal("filler" + i));
        }
        long hits = vocab.Tables.Boundaries.Hits;
        RandomWalks(compiler.CompileLark(Complement), vocab, seed: 7);
        Assert.True(vocab.Tables.Boundaries.Hits > hits);
    }

    [Theory]
    [InlineData("\"(ab|ac[a-z]*|[d-z]{1,6}|n[a-z]?m)\":[0-9]+")]
    [InlineData("[a-c]*a[a-c]{3}|(abc)+")]
    public void Language_of_a_state_asked_for_before_its_ancestors_behaves_like_the_state(string pattern)
    {
        // States are asked for deepest first, so that none of the states on the way has a known derivative: every
        // language comes from a walk up to the initial state. Each must accept and keep alive exactly the strings the
        // state does, up to the longest token (as far as a token table looks).
        var vocab = Vocabulary();
        var table = new TerminalTable(ConstrainedDecoding.Regex.RegexParser.Parse(pattern), vocab);
        var dfa = table.Dfa;
        byte[] alphabet = "\"abcdmnz:09x"u8.ToArray();
        var rng = new Random(17);
        var states = new List<int>();
        for (int walk = 0; walk < 200; walk++)
        {
            int q = LazyDfa.Initial;
            int length = rng.Next(1, 12);
            for (int i = 0; i < length; i++)
            {
                // A random byte among those that keep the walk alive.
                var alive = alphabet.Select(b => dfa.Step(q, b)).Where(t => t != LazyDfa.Dead).ToArray();
                if (alive.Length == 0) break;
                q = alive[rng.Next(alive.Length)];
                if (!states.Contains(q)) states.Add(q);
            }
        }
        Assert.True(states.Count > 10, $"only {states.Count} states reached");
        int depth = Math.Min(vocab.Trie.MaxDepth, 6);
        int checkedStrings = 0;
        for (int k = states.Count - 1; k >= 0; k--)
        {
            int q = states[k];
            var language = table.LanguageOf(q);
            Assert.NotNull(language);
            for (int n = 0; n < 60; n++)
            {
                var text = new byte[rng.Next(0, depth + 1)];
                for (int i = 0; i < text.Length; i++) text[i] = alphabet[rng.Next(alphabet.Length)];
                int s = q;
                foreach (byte b in text) s = dfa.Step(s, b);
                Assert.Equal(s != LazyDfa.Dead, ReferenceRegexMatcher.IsViablePrefix(language, text));
                Assert.Equal(s != LazyDfa.Dead && dfa.IsAccepting(s), ReferenceRegexMatcher.IsMatch(language, text));
                checkedStrings++;
            }
        }
        Assert.True(checkedStrings > 600);
        Assert.Null(table.LanguageOf(LazyDfa.Dead));
    }

    [Fact]
    public void Languages_of_different_terminals_are_equal_exactly_when_their_structure_is()
    {
        var vocab = Vocabulary();
        TerminalTable Table(string pattern) => new(ConstrainedDecoding.Regex.RegexParser.Parse(pattern), vocab);
        ConstrainedDecoding.Regex.RegexNode After(TerminalTable table, string prefix)
        {
            int q = LazyDfa.Initial;
            foreach (byte b in Encoding.UTF8.GetBytes(prefix)) q = table.Dfa.Step(q, b);
            return table.LanguageOf(q)!;
        }
        var comparer = ConstrainedDecoding.Regex.StructuralComparer.Instance;
        var a = After(Table("\"a[b-d]*\""), "\"a");
        var x = After(Table("\"x[b-d]*\""), "\"x");
        var wider = After(Table("\"a[b-e]*\""), "\"a");
        Assert.NotSame(a, x);
        Assert.True(comparer.Equals(a, x));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(x));
        Assert.False(comparer.Equals(a, wider));
    }

    [Fact]
    public void States_of_a_long_bounded_string_share_tables_and_give_reference_masks()
    {
        using (new SmallVocabularySharing())
        {
            var vocab = Vocabulary();
            var compiled = new GrammarCompiler(vocab).CompileLark("""
                start: "{" STR "}"
                STR: /"[a-z ]{0,3000}"/
                """);
            var shared = vocab.Tables.SharedStates;
            long before = shared.LanguageHits;
            RandomWalks(compiled, vocab, seed: 6);
            // Far from the bound, every position looks the same to a token: one walk, then reuse.
            Assert.True(shared.LanguageHits - before > 20, $"only {shared.LanguageHits - before} states reused a table");
        }
    }

    // String values that must contain one letter each (and not the others: oneOf branches made disjoint): after the
    // opening quote every alternative is a dense state of its own, with its own dominant successor language, so the
    // first mask inside the string computes them in one batched trie pass.
    private const string Contains = """
        start: "{" (pair ("," pair)*)? "}"
        pair: KEY (XS | YS | QS | NS)
        KEY: /"[a-z\\]*":/
        XS: /"[a-wz\\]*x[a-wz\\]*"/
        YS: /"[a-xz\\]*y[a-xz\\]*"/
        QS: /"[a-pr-z\\]*q[a-pr-z\\]*"/
        NS: /"[a-mo-z\\]*n[a-mo-z\\]*"/
        """;

    [Fact]
    public void Batched_walks_give_reference_masks()
    {
        using (new SmallVocabularySharing())
        {
            var vocab = Vocabulary();
            var compiler = new GrammarCompiler(vocab);
            RandomWalks(compiler.CompileLark(Contains), vocab, seed: 7);
            Assert.True(vocab.Tables.SharedStates.BatchedWalks >= 2, $"only {vocab.Tables.SharedStates.BatchedWalks} states were walked in a batch");
        }
    }

    // productTransitions: 0 for the default limit of the product automaton, 1 to walk the tables side by side from the
    // start, a few hundred to give up the product partway.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    public void Batched_walks_equal_walks_one_by_one(int productTransitions)
    {
        // The generic string and the "nam" prefix share no dominant language with the others: all five in one pass.
        string[] patterns = ["\"[a-wz]*x[a-wz]*\"", "\"[a-xz]*y[a-xz]*\"", "\"[a-pr-z ]*q[a-pr-z ]*\"", "\"[a-z\\\\]*\"", "\"nam[a-z]*\""];
        AssertBatchEqualsOneByOne(patterns, productTransitions);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    public void A_full_batch_of_walks_equals_walks_one_by_one(int productTransitions)
    {
        // As many states as one pass takes (every bit of the tables' alive masks): strings that must contain one pair
        // of letters each.
        const string letters = "nameqxbz";
        var patterns = (from x in letters from y in letters select $"\"[a-z ]*{x}{y}[a-z ]*\"").ToArray();
        Assert.Equal(TerminalTable.MaxBatchedWalks, patterns.Length);
        AssertBatchEqualsOneByOne(patterns, productTransitions);
    }

    // Computes the tables' states after the opening quote in one batch (the product automaton limited to
    // productTransitions, unless 0) and compares each with a table of its own.
    private static void AssertBatchEqualsOneByOne(string[] patterns, int productTransitions)
    {
        using (new SmallVocabularySharing())
        {
            int savedLimit = TerminalTable.MaxProductTransitions;
            if (productTransitions > 0) TerminalTable.MaxProductTransitions = productTransitions;
            try
            {
                var batchedVocab = Vocabulary();
                var batched = Tables(batchedVocab);
                var single = Tables(Vocabulary());
                TerminalTable.ComputeMany(batched.Select(t => (t, AfterQuote(t))).ToList());
                Assert.Equal(patterns.Length, batchedVocab.Tables.SharedStates.BatchedWalks);
                for (int k = 0; k < patterns.Length; k++)
                {
                    Assert.True(batched[k].TryGetComputed(AfterQuote(batched[k]), out var fromBatch), $"pattern {k} not computed");
                    var alone = single[k].GetState(AfterQuote(single[k]));
                    for (int t = 0; t < batchedVocab.Count; t++)
                    {
                        Assert.True(alone.Inside.Contains(t) == fromBatch.Inside.Contains(t), $"pattern {patterns[k]}, token {t}");
                    }
                    Assert.Equal(alone.Inside.Count, fromBatch.Inside.Count);
                    Assert.Equal(alone.AcceptNodes, fromBatch.AcceptNodes);
                }
            }
            finally
            {
                TerminalTable.MaxProductTransitions = savedLimit;
            }
        }

        TerminalTable[] Tables(TokenVocabulary vocab) => [.. patterns.Select(p => new TerminalTable(ConstrainedDecoding.Regex.RegexParser.Parse(p), vocab))];
        static int AfterQuote(TerminalTable t) => t.Dfa.Step(ConstrainedDecoding.Automata.LazyDfa.Initial, (byte)'"');
    }

    // Lets the small test vocabulary take the sharing paths (which normally start at thousands of tokens).
    private sealed class SmallVocabularySharing : IDisposable
    {
        private readonly int _saved = TerminalTable.MinSharedWeight;

        public SmallVocabularySharing() => TerminalTable.MinSharedWeight = 16;

        public void Dispose() => TerminalTable.MinSharedWeight = _saved;
    }

    internal static void RandomWalks(CompiledGrammar compiled, TokenVocabulary vocab, int seed)
    {
        var rng = new Random(seed);
        var fast = new uint[compiled.MaskWordCount];
        var reference = new uint[compiled.MaskWordCount];
        for (int walk = 0; walk < 25; walk++)
        {
            var m = compiled.CreateMatcher();
            for (int step = 0; step < 30 && !m.IsTerminated; step++)
            {
                m.FillNextTokenMask(fast);
                ReferenceMasks.Fill(m, reference);
                var diff = ReferenceMasks.Differences(fast, reference);
                if (diff.Count > 0) Assert.Fail($"walk {walk} step {step}: {diff.Count} tokens differ, first '{Encoding.UTF8.GetString(vocab.GetTokenBytes(diff[0]))}'");
                var allowed = new List<int>();
                for (int t = 0; t < vocab.Count; t++)
                {
                    if ((fast[t >> 5] & (1u << (t & 31))) != 0) allowed.Add(t);
                }
                if (allowed.Count == 0) break;
                // Prefer tokens that keep the document going, so walks reach deep key states.
                int pick = allowed[rng.Next(allowed.Count)];
                if (vocab.IsStop(pick) && allowed.Count > 1) pick = allowed[(allowed.IndexOf(pick) + 1) % allowed.Count];
                Assert.True(m.TryAcceptToken(pick));
            }
        }
    }
}
