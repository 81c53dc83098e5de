using System.Runtime.CompilerServices;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using Xunit;

namespace ConstrainedDecoding.Tests.Matching;

public class TerminalTableCacheTests
{
    // A pattern is kept for sharing from its second request on.
    private static TerminalTable Shared(TerminalTableCache cache, RegexNode pattern)
    {
        cache.GetOrCreate(pattern);
        return cache.GetOrCreate(pattern);
    }

    [Fact]
    public void Full_cache_drops_the_least_recently_used_tables_and_keeps_hot_ones()
    {
        var vocab = FakeVocabularies.Bytes();
        var cache = new TerminalTableCache(vocab);
        var hot = RegexNode.Literal("hot");
        var hotTable = Shared(cache, hot);
        int total = Limits.MaxSharedTerminalTables + 100;
        var oldest = Shared(cache, RegexNode.Literal("t0"));
        for (int i = 1; i < total; i++)
        {
            Shared(cache, RegexNode.Literal("t" + i));
            if (i % 64 == 0) Assert.Same(hotTable, cache.GetOrCreate(hot));
        }
        Assert.True(cache.Count <= Limits.MaxSharedTerminalTables, $"{cache.Count} tables kept");
        Assert.Same(hotTable, cache.GetOrCreate(hot));
        // The oldest one-off table was dropped: asking again (twice, to be kept again) builds a new one.
        var rebuilt = Shared(cache, RegexNode.Literal("t0"));
        Assert.NotSame(oldest, rebuilt);
        Assert.Same(rebuilt, cache.GetOrCreate(RegexNode.Literal("t0")));
        Assert.True(cache.Count > Limits.MaxSharedTerminalTables / 2);
    }

    [Fact]
    public void A_pattern_is_kept_for_sharing_from_its_second_request_on()
    {
        var cache = new TerminalTableCache(FakeVocabularies.Bytes());
        var first = cache.GetOrCreate(RegexNode.Literal("abc"));
        Assert.Equal(0, cache.Count);
        var second = cache.GetOrCreate(RegexNode.Literal("abc"));
        Assert.NotSame(first, second);
        Assert.Equal(1, cache.Count);
        Assert.Same(second, cache.GetOrCreate(RegexNode.Literal("abc")));
        // Another pattern in between does not make a once-requested pattern forget it was asked for.
        var once = cache.GetOrCreate(RegexNode.Literal("xyz"));
        cache.GetOrCreate(RegexNode.Literal("other"));
        var kept = cache.GetOrCreate(RegexNode.Literal("xyz"));
        Assert.NotSame(once, kept);
        Assert.Same(kept, cache.GetOrCreate(RegexNode.Literal("xyz")));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void A_table_requested_once_lives_only_as_long_as_its_grammar()
    {
        var cache = new TerminalTableCache(FakeVocabularies.Bytes());
        var weak = RequestOnce(cache);
        for (int i = 0; i < 3 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive, "the cache kept a table requested once");
        Assert.Equal(0, cache.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RequestOnce(TerminalTableCache cache)
    {
        var table = cache.GetOrCreate(RegexNode.Literal("once only"));
        Assert.True(table.GetState(LazyDfaInitial).Inside.Count >= 0);
        return new WeakReference(table);
    }

    private const int LazyDfaInitial = ConstrainedDecoding.Automata.LazyDfa.Initial;

    [Fact]
    public void Terminals_of_one_grammar_with_one_pattern_get_one_table_and_grammars_share_it_from_the_second_on()
    {
        var vocab = FakeVocabularies.Bytes();
        // A terminal both used and ignored: an ignored and a plain terminal with one pattern.
        var b = new ConstrainedDecoding.Grammars.GrammarBuilder();
        b.DefineTerminal("A", ConstrainedDecoding.Grammars.GrammarExpression.Pattern(RegexNode.Plus(RegexNode.Literal("q")), "A"), default);
        b.Ignore("A", default);
        b.DefineRule("start", ConstrainedDecoding.Grammars.GrammarExpression.Sequence([
            ConstrainedDecoding.Grammars.GrammarExpression.Pattern(RegexNode.Literal("x"), "x"),
            ConstrainedDecoding.Grammars.GrammarExpression.TerminalReference("A", default)]), default);
        var grammar = b.Build("start");
        var sameKey = Enumerable.Range(0, grammar.Terminals.Length)
            .GroupBy(i => grammar.Terminals[i].Pattern.Key).Single(g => g.Count() == 2).ToArray();
        var compiler = new GrammarCompiler(vocab);
        var first = compiler.Compile(grammar);
        Assert.Same(first.TerminalTables[sameKey[0]], first.TerminalTables[sameKey[1]]);
        var second = compiler.Compile(grammar);
        var third = compiler.Compile(grammar);
        Assert.Same(second.TerminalTables[sameKey[0]], third.TerminalTables[sameKey[0]]);
        Assert.Same(second.TerminalTables[sameKey[0]], second.TerminalTables[sameKey[1]]);
    }
}
