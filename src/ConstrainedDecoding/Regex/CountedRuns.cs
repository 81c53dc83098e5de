using System.Collections.Concurrent;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// Union simplification for the derivatives of counted search patterns. A search for a run of <c>n</c>
/// characters of a class <c>X</c> inside a string of characters <c>Y</c> (<c>Y* X{n} Y*</c>, as a JSON Schema
/// <c>pattern</c> like <c>[a-f0-9]{64}</c> compiles) derives, after <c>r</c> class characters, to a union of the
/// runs still in progress: <c>X{n-1} Y* | X{n-2} Y* | … | X{n-r} Y*</c>. When <c>X ⊆ Y</c> each branch contains
/// every branch with a larger count (<c>X{b} Y* R ⊆ X{a} Y* R</c> for <c>a ≤ b</c>, because <c>X{b-a} Y* ⊆ Y*</c>),
/// so only the smallest count is kept: states stay small, derivatives stay cheap, and the states of one pattern
/// reach equal keys once the counts pass the depth token tables look at.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal static class CountedRuns
{
    // Cleared when full (only the cached answers are lost).
    private const int MaxCachedAnswers = 4_096;

    private static readonly ConcurrentDictionary<(string X, string Y), bool> s_subset = new();

    [ThreadStatic] private static bool t_checking;

    /// <summary>
    /// Removes the branches that another branch contains by the rule above; returns the number kept (moved to the front).
    /// </summary>
    public static int DropSubsumed(Span<RegexNode> branches)
    {
        int candidates = 0, stars = 0;
        foreach (var b in branches)
        {
            if (IsRun(b, 0)) candidates++;
            if (IsStarFirst(b)) stars++;
        }
        // Something to drop needs two rule shapes (the containment checks themselves do not simplify).
        if (t_checking || candidates + stars < 2) return branches.Length;
        var keep = new bool[branches.Length];
        keep.AsSpan().Fill(true);
        // Y* R branches, by (Y, R): each contains X{a,b} Y* R and Y* X{a,b} Y* R for X ⊆ Y (the run is just more Y's).
        var starTails = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in branches)
        {
            if (IsStarFirst(b)) starTails.Add(TailKey(((ConcatRegex)b).Parts, 0));
        }
        var best = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < branches.Length; i++)
        {
            var b = branches[i];
            if (IsRun(b, 1) && IsStarFirst(b))
            {
                // Y* X{a,b} Y* R inside Y* R.
                var p = ((ConcatRegex)b).Parts;
                if (ReferenceEquals(((RepeatRegex)p[0]).Body, ((RepeatRegex)p[2]).Body) || p[0].Key == p[2].Key)
                {
                    if (starTails.Contains(TailKey(p, 2)) && IsSubset(((RepeatRegex)p[1]).Body, ((RepeatRegex)p[2]).Body)) keep[i] = false;
                }
                continue;
            }
            if (!IsRun(b, 0)) continue;
            var parts = ((ConcatRegex)b).Parts;
            var run = (RepeatRegex)parts[0];
            if (!IsSubset(run.Body, ((RepeatRegex)parts[1]).Body)) continue;
            string tail = TailKey(parts, 1);
            if (starTails.Contains(tail))
            {
                keep[i] = false; // X{a,b} Y* R inside Y* R
                continue;
            }
            string group = run.Body.KeyReference + "\u0003" + tail;
            if (best.TryGetValue(group, out int j))
            {
                // Same class, same rest: the smaller minimum count contains the other.
                if (((RepeatRegex)((ConcatRegex)branches[j]).Parts[0]).Min <= run.Min)
                {
                    keep[i] = false;
                }
                else
                {
                    keep[j] = false;
                    best[group] = i;
                }
            }
            else
            {
                best[group] = i;
            }
        }
        int n = 0;
        for (int i = 0; i < branches.Length; i++)
        {
            if (keep[i]) branches[n++] = branches[i];
        }
        return n;
    }

    // Parts[at] is a bounded run X{a,b} and Parts[at + 1] an unbounded Y*.
    private static bool IsRun(RegexNode node, int at) =>
        node is ConcatRegex c && c.Parts.Length >= at + 2
        && c.Parts[at] is RepeatRegex { Max: not RegexNode.Unbounded }
        && c.Parts[at + 1] is RepeatRegex { Min: 0, Max: RegexNode.Unbounded };

    // Y* R with R not empty.
    private static bool IsStarFirst(RegexNode node) =>
        node is ConcatRegex { Parts.Length: >= 2 } c && c.Parts[0] is RepeatRegex { Min: 0, Max: RegexNode.Unbounded };

    // The key of Parts[from..] (a Y* R tail).
    private static string TailKey(System.Collections.Immutable.ImmutableArray<RegexNode> parts, int from)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = from; i < parts.Length; i++) sb.Append(parts[i].KeyReference).Append('\u0003');
        return sb.ToString();
    }

    /// <summary>
    /// Whether every string of <paramref name="x"/> is one of <paramref name="y"/>: their difference is empty (false
    /// when the product outgrows <see cref="Limits.MaxProductStates"/>: undecided, so nothing is merged).
    /// </summary>
    internal static bool IsSubset(RegexNode x, RegexNode y)
    {
        if (ReferenceEquals(x, y)) return true;
        var key = (x.Key, y.Key);
        if (s_subset.TryGetValue(key, out bool known)) return known;
        bool result;
        // The algebra's own unions are left as they are (no merge checks inside a merge check).
        t_checking = true;
        try
        {
            result = RegexAlgebra.IsEmpty(RegexAlgebra.Difference(x, y));
        }
        catch (Grammars.GrammarLimitException)
        {
            result = false;
        }
        finally
        {
            t_checking = false;
        }
        if (s_subset.Count >= MaxCachedAnswers) s_subset.Clear();
        s_subset[key] = result;
        return result;
    }
}
