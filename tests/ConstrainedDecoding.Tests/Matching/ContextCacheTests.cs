using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Tests.Matching;

public class ContextCacheTests
{
    private static ContextKey Key(int i) => new(i % 7, i / 7, (ulong)i * 0x9E3779B97F4A7C15UL, (ulong)~i);

    private static ContextEntry Entry(int i) => new(null!, [i, -i], []);

    [Fact]
    public void Entries_read_back_through_growth_and_absent_keys_are_not_found()
    {
        var cache = new ContextCache();
        for (int i = 0; i < 20_000; i++)
        {
            cache.Add(Key(i), Entry(i));
            cache.Add(Key(i), Entry(-1)); // a second add of a key keeps the first entry
        }
        Assert.Equal(20_000, cache.Count);
        for (int i = 0; i < 20_000; i++)
        {
            Assert.True(cache.TryGet(Key(i), out var e), $"key {i}");
            Assert.Equal([i, -i], e.DoubleTokens);
        }
        for (int i = 20_000; i < 21_000; i++) Assert.False(cache.TryGet(Key(i), out _));
    }

    [Fact]
    public async Task Readers_racing_a_writer_see_only_whole_entries()
    {
        var cache = new ContextCache();
        const int n = 30_000;
        int written = 0;
        var reader = Task.Run(() =>
        {
            int checkedEntries = 0;
            while (Volatile.Read(ref written) < n)
            {
                int upTo = Volatile.Read(ref written);
                for (int i = Math.Max(0, upTo - 64); i < upTo; i++)
                {
                    Assert.True(cache.TryGet(Key(i), out var e), $"key {i} added before the read");
                    Assert.Equal(i, e.DoubleTokens[0]);
                    checkedEntries++;
                }
            }
            return checkedEntries;
        });
        for (int i = 0; i < n; i++)
        {
            cache.Add(Key(i), Entry(i));
            Volatile.Write(ref written, i + 1);
        }
        Assert.True(await reader >= 0);
        Assert.Equal(n, cache.Count);
    }
}
