namespace ConstrainedDecoding.Tests;

public class ChunkedListTests
{
    [Fact]
    public void Values_across_chunk_boundaries_read_back_in_order()
    {
        var ints = new ChunkedList<int>();
        var wide = new ChunkedList<(long A, long B, long C, long D, int E)>();
        for (int i = 0; i < 100_000; i++)
        {
            ints.Add(i * 7);
            wide.Add((i, -i, i * 3L, 0, i));
        }
        Assert.Equal(100_000, ints.Count);
        Assert.Equal(100_000, wide.Count);
        for (int i = 0; i < 100_000; i++)
        {
            Assert.Equal(i * 7, ints[i]);
            Assert.Equal((i, -i, i * 3L, 0L, i), wide[i]);
        }
        ints[16_384]++;
        Assert.Equal(16_384 * 7 + 1, ints[16_384]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ints[100_000]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkedList<int>()[0]);
    }
}
