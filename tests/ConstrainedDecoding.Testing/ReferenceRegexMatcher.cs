using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Testing;

/// <summary>
/// A deliberately simple, obviously correct matcher for <see cref="RegexNode"/> trees: the reference
/// the automata are tested against. For every node and start position it computes the set of end
/// positions the node can reach (memoized), so it is polynomial and needs no automaton. Slow; for
/// tests only.
/// </summary>
public static class ReferenceRegexMatcher
{
    // An end "position" meaning: the input ran out inside the node while it could still go on.
    private const int RanOut = -1;

    /// <summary>Whether <paramref name="node"/> matches all of <paramref name="input"/>.</summary>
    public static bool IsMatch(RegexNode node, ReadOnlySpan<byte> input) =>
        new Evaluator(input.ToArray(), trackRanOut: false).Ends(node, 0).Contains(input.Length);

    /// <summary>
    /// Whether some continuation of <paramref name="prefix"/> (possibly empty) is matched by
    /// <paramref name="node"/>: the prefix is a complete match, or the input runs out inside the
    /// node while the rest of the pattern can still match something.
    /// </summary>
    public static bool IsViablePrefix(RegexNode node, ReadOnlySpan<byte> prefix)
    {
        var ends = new Evaluator(prefix.ToArray(), trackRanOut: true).Ends(node, 0);
        return ends.Contains(prefix.Length) || ends.Contains(RanOut);
    }

    /// <summary>Whether <paramref name="node"/> matches at least one string.</summary>
    public static bool IsSatisfiable(RegexNode node) => node switch
    {
        EmptyRegex => true,
        ByteClassRegex b => !b.Set.IsEmpty,
        ConcatRegex c => c.Parts.All(IsSatisfiable),
        AlternationRegex a => a.Branches.Any(IsSatisfiable),
        RepeatRegex r => r.Min == 0 || IsSatisfiable(r.Body),
        AutomatonRegex => true, // trimmed: every state reaches acceptance
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private sealed class Evaluator(byte[] input, bool trackRanOut)
    {
        private readonly Dictionary<(RegexNode, int), HashSet<int>> _memo = new(new NodePositionComparer());

        public HashSet<int> Ends(RegexNode node, int start)
        {
            if (start == RanOut) return [RanOut];
            if (_memo.TryGetValue((node, start), out var cached)) return cached;
            var result = node switch
            {
                EmptyRegex => [start],
                ByteClassRegex b => ByteClassEnds(b.Set, start),
                ConcatRegex c => ConcatEnds(c.Parts, start),
                AlternationRegex a => a.Branches.SelectMany(b => Ends(b, start)).ToHashSet(),
                RepeatRegex r => RepeatEnds(r, start),
                AutomatonRegex m => AutomatonEnds(m, start),
                _ => throw new NotSupportedException(node.GetType().Name),
            };
            _memo[(node, start)] = result;
            return result;
        }

        // Runs the automaton from its start state: an end wherever it accepts; running out where an edge goes on.
        private HashSet<int> AutomatonEnds(AutomatonRegex m, int start)
        {
            var ends = new HashSet<int>();
            int state = m.Start;
            for (int p = start; ; p++)
            {
                if (m.Accepting[state]) ends.Add(p);
                if (p == input.Length)
                {
                    if (trackRanOut && m.Edges[state].Length > 0) ends.Add(RanOut);
                    return ends;
                }
                int next = -1;
                foreach (var (bytes, target) in m.Edges[state])
                {
                    if (bytes.Contains(input[p])) next = target;
                }
                if (next < 0) return ends;
                state = next;
            }
        }

        private HashSet<int> ByteClassEnds(ByteSet set, int start)
        {
            if (start < input.Length) return set.Contains(input[start]) ? [start + 1] : [];
            return trackRanOut && !set.IsEmpty ? [RanOut] : [];
        }

        private HashSet<int> ConcatEnds(IReadOnlyList<RegexNode> parts, int start)
        {
            HashSet<int> current = [start];
            for (int i = 0; i < parts.Count; i++)
            {
                var next = new HashSet<int>();
                foreach (int p in current)
                {
                    // Running out in part i is only viable if the parts after it can still match.
                    if (p == RanOut)
                    {
                        if (parts.Skip(i).All(IsSatisfiable)) next.Add(RanOut);
                        continue;
                    }
                    next.UnionWith(Ends(parts[i], p));
                }
                current = next;
            }
            return current;
        }

        private HashSet<int> RepeatEnds(RepeatRegex r, int start)
        {
            // Exactly Min iterations. Each step maps a set of positions to a set of positions; with a
            // nullable body the sets only grow, otherwise their smallest element only grows, so after
            // input.Length + 2 steps nothing changes and the loop may stop.
            HashSet<int> current = [start];
            for (int i = 0; i < r.Min; i++)
            {
                var next = Step(r.Body, current);
                if (next.SetEquals(current)) break;
                current = next;
                if (current.Count == 0) return current;
            }
            // Then up to Max - Min more, accumulating every reachable end until no new one appears.
            var result = new HashSet<int>(current);
            var frontier = current;
            long extra = r.Max == RegexNode.Unbounded ? long.MaxValue : (long)r.Max - r.Min;
            for (long i = 0; i < extra && frontier.Count > 0; i++)
            {
                var next = Step(r.Body, frontier);
                next.ExceptWith(result);
                result.UnionWith(next);
                frontier = next;
            }
            return result;
        }

        private HashSet<int> Step(RegexNode body, HashSet<int> from)
        {
            var next = new HashSet<int>();
            foreach (int p in from) next.UnionWith(Ends(body, p));
            return next;
        }
    }

    private sealed class NodePositionComparer : IEqualityComparer<(RegexNode Node, int Position)>
    {
        public bool Equals((RegexNode Node, int Position) x, (RegexNode Node, int Position) y) =>
            ReferenceEquals(x.Node, y.Node) && x.Position == y.Position;

        public int GetHashCode((RegexNode Node, int Position) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Node), obj.Position);
    }
}
