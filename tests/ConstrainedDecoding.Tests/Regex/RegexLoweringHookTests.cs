using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.Tests.Regex;

public class RegexLoweringHookTests
{
    private static bool FullMatch(RegexNode node, string text) => ReferenceRegexMatcher.IsMatch(node, System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Hook_lowers_literals_classes_and_dot()
    {
        var seen = new List<CodepointSet>();
        RegexNode Lower(CodepointSet set)
        {
            seen.Add(set);
            // Every code point may also be written as '%' (a stand-in for an escape).
            return RegexNode.Alternate(RegexNode.Codepoints(set), RegexNode.Literal("%"));
        }
        var node = RegexParser.Parse("a[0-9].", RegexParseOptions.None, Lower);
        Assert.Equal(3, seen.Count);
        Assert.True(FullMatch(node, "a5x"));
        Assert.True(FullMatch(node, "%%%"));
        Assert.False(FullMatch(node, "b5x"));
        Assert.False(FullMatch(node, "a5\n"));
    }

    [Fact]
    public void Unanchored_mode_pads_unanchored_sides()
    {
        var search = RegexParser.Parse("b+", RegexParseOptions.Unanchored);
        Assert.True(FullMatch(search, "abbc"));
        Assert.False(FullMatch(search, "ac"));
        var anchored = RegexParser.Parse("^ab|c$", RegexParseOptions.Unanchored);
        Assert.True(FullMatch(anchored, "abz"));
        Assert.True(FullMatch(anchored, "zzc"));
        Assert.False(FullMatch(anchored, "zab"));
        Assert.False(FullMatch(anchored, "cz"));
    }

    [Fact]
    public void Unanchored_mode_refuses_anchors_inside_groups()
    {
        var e = Assert.Throws<RegexParseException>(() => RegexParser.Parse("(^a|b)", RegexParseOptions.Unanchored));
        Assert.Equal(RegexErrorKind.UnsupportedFeature, e.Kind);
    }
}
