using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using Xunit;

namespace ConstrainedDecoding.Tests.Matching;

public class TerminalTableCacheTests
{
    [Fact]
    public void Full_cache_drops_the_least_recently_used_tables_and_keeps_hot_ones()
    {
        var vocab = FakeVocabularies.Bytes();
        var cache = new ConstrainedDecoding.Matching.TerminalTableCache(vocab);
        var hot = RegexNode.Literal("hot");
        var hotTable = cache.GetOrCreate(hot);
        int total = Limits.MaxSharedTerminalTables + 100;
        var oldest = cache.GetOrCreate(RegexNode.Literal("t0"));
        for (int i = 1; i < total; i++)
        {
            cache.GetOrCreate(RegexNode.Literal("t" + i));
            if (i % 64 == 0) Assert.Same(hotTable, cache.GetOrCreate(hot));
        }
        Assert.True(cache.Count <= Limits.MaxSharedTerminalTables, $"{cache.Count} tables kept");
        Assert.Same(hotTable, cache.GetOrCreate(hot));
        // The oldest one-off table was dropped: asking again builds a new one.
        var rebuilt = cache.GetOrCreate(RegexNode.Literal("t0"));
        Assert.NotSame(oldest, rebuilt);
        Assert.Same(rebuilt, cache.GetOrCreate(RegexNode.Literal("t0")));
        Assert.True(cache.Count > Limits.MaxSharedTerminalTables / 2);
    }
}
