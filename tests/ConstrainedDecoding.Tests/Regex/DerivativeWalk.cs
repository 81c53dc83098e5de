using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>Breadth-first exploration of a regex's derivatives, for tests that check every step they meet.</summary>
internal static class DerivativeWalk
{
    /// <summary>
    /// Derives <paramref name="root"/> by every byte of <paramref name="alphabet"/>, level after level, up to
    /// <paramref name="maxDepth"/> levels; derivatives that are <see cref="RegexNode.Nothing"/> are skipped.
    /// <paramref name="visit"/> gets (node, byte, derivative) and says whether the derivative is explored further.
    /// </summary>
    public static void Run(RegexNode root, ReadOnlySpan<byte> alphabet, int maxDepth, Func<RegexNode, byte, RegexNode, bool> visit)
    {
        var frontier = new List<RegexNode> { root };
        for (int depth = 0; depth < maxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<RegexNode>();
            foreach (var node in frontier)
            {
                foreach (byte b in alphabet)
                {
                    var d = RegexDerivative.Derive(node, b)!;
                    if (RegexDerivative.IsNothing(d)) continue;
                    if (visit(node, b, d)) next.Add(d);
                }
            }
            frontier = next;
        }
    }
}
