using System.Runtime.CompilerServices;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Matching;

internal sealed partial class TerminalTable
{
    // Below this many tokens under the root children a state keeps alive, a plain walk is cheap.
    // (A field so that tests can exercise sharing with small vocabularies.)
    internal static int MinSharedWeight = 4_096;

    private readonly object _languageSync = new();
    // Created on first use (under _languageSync): most tables never have a dense state.
    private Dictionary<int, RegexNode?>? _languages;
    private Dictionary<int, RegexNode?>? _derivatives;

    /// <summary>
    /// State <paramref name="state"/>'s residual language (the pattern's derivative by a byte path to the state) as
    /// far as tokens can see (up to the longest token), or null when unknown. Languages are compared by structure
    /// (<see cref="StructuralComparer"/>): structurally equal languages in any two terminals mean equal behaviour on
    /// every token, hence equal token tables. No key string is built (a string per state next to the node that already
    /// says it: a tenth of what the largest schema's replay left for the young collections to copy).
    /// </summary>
    public RegexNode? LanguageOf(int state)
    {
        if (state == LazyDfa.Dead) return null;
        lock (_languageSync)
        {
            if (_languages is not null && _languages.TryGetValue(state, out var known)) return known;
        }
        var d = DerivativeOf(state);
        // Token tables look at most one token ahead, so the language only matters up to the longest token.
        var language = d is null || RegexDerivative.IsNothing(d) ? null : RegexDerivative.WithinDepth(d, _vocab.Trie.MaxDepth);
        lock (_languageSync)
        {
            _languages ??= [];
            if (_languages.Count >= Limits.MaxDfaStates) _languages.Clear();
            _languages[state] = language;
        }
        return language;
    }

    private RegexNode? DerivativeOf(int state)
    {
        if (Dfa.DerivativeOf(state) is { } direct) return direct;
        // Up the parent chain to a known derivative, then down again one byte at a time. Only the asked state's
        // derivative is kept: keeping every state on the way held a regex per state of every NFA terminal whose dense
        // states were asked for (about a fifth of what the largest schema's replay left for the young collections to
        // copy), while the states asked for are mostly a dense state and its successors, one byte below it.
        var path = new Stack<byte>();
        RegexNode? d;
        int s = state;
        while (true)
        {
            if (s == LazyDfa.Initial)
            {
                d = Pattern;
                break;
            }
            lock (_languageSync)
            {
                if (_derivatives is not null && _derivatives.TryGetValue(s, out d)) break;
            }
            if (!Dfa.TryGetParent(s, out int parent, out byte b)) return null;
            path.Push(b);
            s = parent;
        }
        while (path.Count > 0)
        {
            byte b = path.Pop();
            d = d is null ? null : RegexDerivative.Derive(d, b);
        }
        lock (_languageSync)
        {
            _derivatives ??= [];
            if (_derivatives.Count >= Limits.MaxDfaStates) _derivatives.Clear();
            _derivatives[state] = d;
        }
        return d;
    }

    // A state's table, reusing the vocabulary's indexed dense states where possible: one with the
    // same residual language as is, or one whose successors mostly have the same languages plus a
    // difference found by walking only where the two disagree. Otherwise a full walk, indexed when dense.
    private StateTokens Build(int q) => TryBuildWithoutWalk(q, out var plan) ?? FinishWalk(plan, Walk(q));

    /// <summary>A state whose table needs a full trie walk, and what the walked table is indexed under (see <see cref="FinishWalk"/>).</summary>
    internal readonly record struct WalkPlan(TerminalTable Table, int State, RegexNode? Language, RegexNode?[]? ChildLanguages, RegexNode? Dominant)
    {
        /// <summary>Whether the walked table may be indexed for other terminals (the state keeps many tokens alive).</summary>
        public bool Dense => ChildLanguages is not null;
    }

    // The table when it can be had without a full walk (an indexed state with the same language, or a difference
    // from one); otherwise null, with the plan for the walk.
    private StateTokens? TryBuildWithoutWalk(int q, out WalkPlan plan)
    {
        plan = new WalkPlan(this, q, null, null, null);
        var shared = _vocab.Tables.SharedStates;
        var children = shared.RootChildren;
        var weights = shared.RootWeights;
        var trie = _vocab.Trie;
        long aliveWeight = 0;
        for (int k = 0; k < children.Length; k++)
        {
            if (Dfa.Step(q, trie.Label[children[k]]) != LazyDfa.Dead) aliveWeight += weights[k];
        }
        if (aliveWeight < MinSharedWeight) return null;
        var own = LanguageOf(q);
        if (own is null) return null;
        if (shared.WithLanguage(own) is { } same)
        {
            shared.CountLanguageHit();
            return same.Tokens;
        }

        var childLanguages = new RegexNode?[children.Length];
        var byLanguage = new Dictionary<RegexNode, long>(StructuralComparer.Instance);
        // Bytes of one class lead to the same state: one language lookup per class.
        var classes = Dfa.ByteClasses;
        var perClass = new (bool Known, RegexNode? Language)[Dfa.ClassCount];
        for (int k = 0; k < children.Length; k++)
        {
            byte b = trie.Label[children[k]];
            ref var slot = ref perClass[classes[b]];
            if (!slot.Known) slot = (true, LanguageOf(Dfa.Step(q, b)));
            var language = slot.Language;
            childLanguages[k] = language;
            if (language is not null) byLanguage[language] = byLanguage.GetValueOrDefault(language) + weights[k];
        }
        RegexNode? dominant = null;
        long dominantWeight = -1;
        foreach (var (language, w) in byLanguage)
        {
            if (w > dominantWeight)
            {
                dominant = language;
                dominantWeight = w;
            }
        }
        plan = new WalkPlan(this, q, own, childLanguages, dominant);

        if (dominant is not null)
        {
            StateBase? best = null;
            long bestScore = 0;
            foreach (var candidate in shared.WithDominant(dominant))
            {
                long score = 0;
                for (int k = 0; k < children.Length; k++)
                {
                    if (SameLanguage(childLanguages[k], candidate.ChildLanguages[k])) score += weights[k];
                }
                if (score > bestScore)
                {
                    best = candidate;
                    bestScore = score;
                }
            }
            if (best is not null && bestScore * 2 >= aliveWeight && TryDifference(q, best, childLanguages) is { } diff)
            {
                shared.CountDifference();
                return diff;
            }
        }
        return null;
    }

    // Indexes a walked dense table for other terminals' states; returns it.
    private StateTokens FinishWalk(WalkPlan plan, StateTokens st)
    {
        if (plan.Dense && st.Inside.IsPlainBitmask)
        {
            _vocab.Tables.SharedStates.Register(new StateBase(this, plan.State, st, plan.Language!, plan.ChildLanguages!, plan.Dominant));
        }
        return st;
    }

    private bool SameLanguage(int a, TerminalTable other, int s)
    {
        var la = LanguageOf(a);
        return la is not null && SameLanguage(la, other.LanguageOf(s));
    }

    // Two known languages that are equal (by structure); false when either is unknown.
    private static bool SameLanguage(RegexNode? a, RegexNode? b) => a is not null && b is not null && StructuralComparer.Instance.Equals(a, b);

    // The table of state q as a difference from a dense indexed state. Walks the trie with both
    // automata at once and skips every subtree entered in states with the same language (the base's
    // data holds there). Where only one side is alive, the tokens below differ; where both are, only
    // the accept nodes can. Null when the difference outgrows its limits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StateTokens? TryDifference(int q, StateBase b, RegexNode?[] childLanguages)
    {
        // Per-thread scratch, taken for the call (a cold step may compute many differences, and these lists and the
        // stack were a good part of what such steps allocated); dropped when the call throws.
        var scratch = t_difference ?? new DifferenceScratch();
        t_difference = null;
        scratch.Clear();
        var result = DifferenceWith(q, b, childLanguages, scratch);
        scratch.Clear();
        t_difference = scratch;
        return result;
    }

    [ThreadStatic] private static DifferenceScratch? t_difference;

    private sealed class DifferenceScratch
    {
        public readonly List<int> Added = [], Removed = [], Accepts = [], Visited = [], Excluded = [];
        public readonly Stack<(int Node, int A, int B)> Stack = new();
        public int[] StateAt = [];

        public void Clear()
        {
            Added.Clear();
            Removed.Clear();
            Accepts.Clear();
            Visited.Clear();
            Excluded.Clear();
            Stack.Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StateTokens? DifferenceWith(int q, StateBase b, RegexNode?[] childLanguages, DifferenceScratch scratch)
    {
        var trie = _vocab.Trie;
        var label = trie.Label;
        var end = trie.SubtreeEnd;
        var other = b.Table;
        var otherDfa = other.Dfa;
        var baseInside = b.Tokens.Inside;
        var added = scratch.Added;
        var removed = scratch.Removed;
        var accepts = scratch.Accepts;
        var visited = scratch.Visited;       // nodes decided here (both alive, languages not known equal)
        var excluded = scratch.Excluded;     // subtrees where the base is alive and q is dead
        var stack = scratch.Stack;
        var roots = _vocab.Tables.SharedStates.RootChildren;
        for (int k = 0; k < roots.Length; k++)
        {
            // Root children whose successors have equal languages on both sides need no visit.
            if (SameLanguage(childLanguages[k], b.ChildLanguages[k])) continue;
            int c = roots[k];
            stack.Push((c, Dfa.Step(q, label[c]), otherDfa.Step(b.State, label[c])));
        }
        int budget = Limits.MaxInsideDifferenceNodes;
        while (stack.Count > 0)
        {
            var (i, a, s) = stack.Pop();
            if (a == LazyDfa.Dead && s == LazyDfa.Dead) continue;
            if (--budget < 0) return null;
            if (a == LazyDfa.Dead)
            {
                excluded.Add(i);
                var ids = trie.TokenIds.AsSpan(trie.TokenStart[i], trie.TokenStart[end[i]] - trie.TokenStart[i]);
                foreach (int t in ids)
                {
                    if (baseInside.Contains(t)) removed.Add(t);
                }
                if (removed.Count > Limits.MaxInsideDifferenceRemoved) return null;
                continue;
            }
            if (s == LazyDfa.Dead)
            {
                if (!WalkSubtree(i, a, scratch, ref budget)) return null;
                continue;
            }
            if (SameLanguage(a, other, s)) continue;
            visited.Add(i);
            if (Dfa.IsAccepting(a) && end[i] > i + 1) accepts.Add(i);
            for (int j = i + 1; j < end[i]; j = end[j]) stack.Push((j, Dfa.Step(a, label[j]), otherDfa.Step(s, label[j])));
        }

        // Accept nodes: the base's, outside the places decided here, plus those found here.
        visited.Sort();
        excluded.Sort();
        foreach (int v in b.Tokens.AcceptNodes)
        {
            if (visited.BinarySearch(v) >= 0 || InExcludedSubtree(excluded, end, v)) continue;
            accepts.Add(v);
        }
        accepts.Sort();
        added.Sort();
        removed.Sort();
        var inside = TokenSet.Difference(baseInside, [.. added], [.. removed]);
        return new StateTokens(inside, TokenSet.ToCacheArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(accepts)));
    }

    private static bool InExcludedSubtree(List<int> excludedRoots, int[] end, int node)
    {
        // Excluded subtrees are disjoint; the candidate is the last root at or before the node.
        int k = excludedRoots.BinarySearch(node);
        if (k >= 0) return true;
        k = ~k - 1;
        return k >= 0 && node < end[excludedRoots[k]];
    }

    // Plain walk of node i's subtree with the automaton in state a at i (alive): tokens to `added`.
    private bool WalkSubtree(int root, int a, DifferenceScratch scratch, ref int budget)
    {
        var added = scratch.Added;
        var accepts = scratch.Accepts;
        var trie = _vocab.Trie;
        var label = trie.Label;
        var end = trie.SubtreeEnd;
        var depth = trie.Depth;
        int baseDepth = depth[root];
        if (scratch.StateAt.Length < trie.MaxDepth + 2) scratch.StateAt = new int[trie.MaxDepth + 2];
        var stateAt = scratch.StateAt;
        stateAt[0] = a;
        foreach (int t in trie.TokensAt(root)) added.Add(t);
        if (Dfa.IsAccepting(a) && end[root] > root + 1) accepts.Add(root);
        int i = root + 1;
        while (i < end[root])
        {
            if (--budget < 0) return false;
            int d = depth[i] - baseDepth;
            int s = Dfa.Step(stateAt[d - 1], label[i]);
            if (s == LazyDfa.Dead)
            {
                i = end[i];
                continue;
            }
            stateAt[d] = s;
            foreach (int t in trie.TokensAt(i)) added.Add(t);
            if (Dfa.IsAccepting(s) && end[i] > i + 1) accepts.Add(i);
            i++;
        }
        return added.Count <= Limits.MaxInsideDifferenceAdded;
    }
}
