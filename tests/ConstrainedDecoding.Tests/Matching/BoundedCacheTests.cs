using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>The bounded cache keeps what it was given until its capacity of additions, then starts over as a whole.</summary>
public class BoundedCacheTests
{
    [Fact]
    public void Entries_spread_over_shards_are_all_found_and_first_value_wins()
    {
        var cache = new BoundedCache<(int, string), int>(1_000_000);
        for (int i = 0; i < 50_000; i++) Assert.Equal(i, cache.GetOrAdd((i, "k" + (i % 7)), i));
        for (int i = 0; i < 50_000; i++)
        {
            Assert.True(cache.TryGetValue((i, "k" + (i % 7)), out int v));
            Assert.Equal(i, v);
            Assert.Equal(i, cache.GetOrAdd((i, "k" + (i % 7)), -1)); // already there: the cached value
        }
        Assert.False(cache.TryGetValue((50_000, "k0"), out _));
        Assert.Equal(50_000, cache.Hits);
    }

    [Fact]
    public void Reaching_the_capacity_starts_over_as_a_whole()
    {
        var cache = new BoundedCache<int, string>(100);
        for (int i = 0; i < 99; i++) cache.GetOrAdd(i, "v" + i);
        Assert.True(cache.TryGetValue(0, out _));
        Assert.True(cache.TryGetValue(98, out _));
        cache.GetOrAdd(1000, "new"); // the 100th addition clears everything before it is added
        Assert.True(cache.TryGetValue(1000, out var v));
        Assert.Equal("new", v);
        for (int i = 0; i < 99; i++) Assert.False(cache.TryGetValue(i, out _), $"entry {i} survived the clear");
    }

    [Fact]
    public async Task Concurrent_adders_agree_on_one_value_per_key()
    {
        var cache = new BoundedCache<int, object>(1_000_000);
        var results = new object[4][];
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            results[t] = new object[20_000];
            for (int i = 0; i < 20_000; i++) results[t][i] = cache.GetOrAdd(i, new object());
        })));
        for (int i = 0; i < 20_000; i++)
        {
            Assert.True(cache.TryGetValue(i, out var stored));
            for (int t = 0; t < 4; t++) Assert.Same(stored, results[t][i]);
        }
    }
}
