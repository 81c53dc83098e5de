using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using Xunit;

namespace ConstrainedDecoding.Tests.Matching;

public class BoundaryTableTests
{
    [Fact]
    public void Expected_sets_are_interned_once_each_and_keep_their_ids()
    {
        var compiled = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(TestGrammars.Json());
        var boundaries = compiled.Boundaries;
        int terminals = compiled.Grammar.Terminals.Length;
        // Thousands of distinct sets (subsets of more terminal ids than the grammar has are fine: the table only interns).
        var sets = Enumerable.Range(1, 3000).Select(m => Enumerable.Range(0, 12).Where(bit => (m >> bit & 1) != 0).ToArray()).ToList();
        var ids = sets.Select(s => boundaries.InternExpected(s)).ToList();
        Assert.Equal(sets.Count, ids.Distinct().Count());
        for (int i = sets.Count - 1; i >= 0; i -= 7)
        {
            Assert.Equal(ids[i], boundaries.InternExpected(sets[i].ToArray()));
            Assert.Equal(sets[i], boundaries.ExpectedSet(ids[i]));
        }
        Assert.True(terminals > 0);
    }

    [Fact]
    public void Threads_interning_the_same_sets_get_the_same_ids()
    {
        var compiled = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(TestGrammars.Json());
        var boundaries = compiled.Boundaries;
        var sets = Enumerable.Range(1, 500).Select(m => Enumerable.Range(0, 10).Where(bit => (m >> bit & 1) != 0).ToArray()).ToArray();
        var results = new int[4][];
        Parallel.For(0, 4, t =>
        {
            var mine = new int[sets.Length];
            // Each thread in its own order, so that the first to intern a set differs.
            for (int k = 0; k < sets.Length; k++)
            {
                int i = t % 2 == 0 ? k : sets.Length - 1 - k;
                mine[i] = boundaries.InternExpected(sets[i]);
            }
            results[t] = mine;
        });
        for (int t = 1; t < 4; t++) Assert.Equal(results[0], results[t]);
        Assert.Equal(sets.Length, results[0].Distinct().Count());
    }
}
