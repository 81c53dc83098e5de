using System.Text;
using ConstrainedDecoding.OnnxRuntime.Text;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Text;

public class Utf8TextStreamTests
{
    [Fact]
    public void CharactersSplitAcrossTokens_AreHeldUntilComplete()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("aé日😀b");
        var stream = new Utf8TextStream();
        var pieces = new List<string>();
        foreach (byte b in bytes)
        {
            stream.Append([b]);
            pieces.Add(stream.TakePending());
        }
        stream.Complete();
        Assert.Equal(["a", "", "é", "", "", "日", "", "", "", "😀", "b"], pieces);
        Assert.Equal("aé日😀b", stream.Text);
    }

    [Fact]
    public void IncompleteEnd_BecomesReplacementCharacter()
    {
        var stream = new Utf8TextStream();
        stream.Append([0x61, 0xE6, 0x97]);
        Assert.Equal("a", stream.TakePending());
        stream.Complete();
        Assert.Equal("\uFFFD", stream.TakePending());
    }
}
