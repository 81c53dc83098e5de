using ConstrainedDecoding.Regex;
using Xunit;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>Keys stay canonical when long children are referenced through stand-ins.</summary>
public class RegexKeyTests
{
    private static RegexNode Big(string tail) => RegexNode.Concat(
        RegexParser.Parse("\"([^\"\\\\]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*\""),
        RegexNode.Literal(tail));

    [Fact]
    public void Structurally_equal_nodes_built_separately_have_equal_keys()
    {
        var a = RegexNode.Alternate(Big("x"), RegexNode.Star(Big("y")));
        var b = RegexNode.Alternate(Big("x"), RegexNode.Star(Big("y")));
        Assert.NotSame(a, b);
        Assert.Equal(a.Key, b.Key);
    }

    [Fact]
    public void Different_nodes_have_different_keys_even_when_children_are_stand_ins()
    {
        var a = RegexNode.Concat(Big("x"), Big("y"));
        var b = RegexNode.Concat(Big("y"), Big("x"));
        var c = RegexNode.Concat(Big("x"), Big("z"));
        Assert.NotEqual(a.Key, b.Key);
        Assert.NotEqual(a.Key, c.Key);
        // A literal '#'-like or digit text never collides with a stand-in.
        var d = RegexNode.Concat(RegexNode.Literal("1"), Big("x"));
        var e = RegexNode.Concat(RegexNode.Literal("2"), Big("x"));
        Assert.NotEqual(d.Key, e.Key);
    }

    [Fact]
    public void Byte_classes_are_shared_nodes_with_their_own_sets()
    {
        // Literals are one class per byte: each byte value has one node, and repeated sets share one.
        var a = (ConcatRegex)RegexNode.Literal("aba");
        Assert.Same(a.Parts[0], a.Parts[2]);
        Assert.NotSame(a.Parts[0], a.Parts[1]);
        for (int b = 0; b < 256; b++)
        {
            var node = Assert.IsType<ByteClassRegex>(RegexNode.ByteClass(ByteSet.Single((byte)b)));
            Assert.Equal(ByteSet.Single((byte)b), node.Set);
            Assert.Same(node, RegexNode.ByteClass(ByteSet.Single((byte)b)));
        }
        var digits = ByteSet.Range((byte)'0', (byte)'9');
        Assert.Same(RegexNode.ByteClass(digits), RegexNode.ByteClass(ByteSet.Range((byte)'0', (byte)'9')));
        Assert.Equal(digits, ((ByteClassRegex)RegexNode.ByteClass(digits)).Set);
        Assert.NotSame(RegexNode.ByteClass(digits), RegexNode.ByteClass(digits.With((byte)'a')));
        Assert.Same(RegexNode.Nothing, RegexNode.ByteClass(ByteSet.Empty));
    }
}
