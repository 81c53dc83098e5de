using ConstrainedDecoding.Matching;
using Xunit;

namespace ConstrainedDecoding.Tests.Matching;

public class TokenSetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(700)]
    [InlineData(3000)]
    public void A_set_from_scratch_bits_equals_the_set_from_the_id_list(int size)
    {
        const int maskWords = 128; // 4,096 ids: lists above 1,024 ids become bitmasks
        var rng = new Random(size + 5);
        var ids = new HashSet<int>();
        while (ids.Count < size) ids.Add(rng.Next(maskWords * 32));
        var bits = new uint[maskWords];
        foreach (int id in ids) bits[id >> 5] |= 1u << (id & 31);

        var fromList = TokenSet.Create([.. ids], maskWords);
        var fromBits = TokenSet.CreateFromBits(bits, ids.Count);

        Assert.Equal(ids.Count, fromBits.Count);
        Assert.Equal(fromList.IsPlainBitmask, fromBits.IsPlainBitmask);
        for (int id = 0; id < maskWords * 32; id++) Assert.True(ids.Contains(id) == fromBits.Contains(id), $"id {id}");
        var mask = new uint[maskWords];
        fromBits.OrInto(mask);
        Assert.Equal(bits, mask);
        // The scratch is the caller's: changing it afterwards does not change the set.
        Array.Clear(bits);
        for (int id = 0; id < maskWords * 32; id++) Assert.True(ids.Contains(id) == fromBits.Contains(id), $"id {id} after the scratch was cleared");
    }
}
