using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Automata;

/// <summary>
/// The derivative side of <see cref="LazyDfa"/>: each state is a regex (the pattern's derivative by the
/// bytes read so far), identified by its canonical <see cref="RegexNode.Key"/>. Used for patterns whose
/// Thompson NFA would be large, because nothing is expanded up front: <c>x{0,100000}</c> is one node
/// whose derivative is <c>x{0,99999}</c>. The node factories never build an empty language other than
/// <see cref="RegexNode.Nothing"/>, so every other derivative is a live state, as <see cref="LazyDfa"/> requires.
/// </summary>
/// <remarks>Not thread-safe on its own: <see cref="LazyDfa"/> calls it under its lock.</remarks>
internal sealed class DerivativeAutomaton
{
    // Patterns whose NFA would have more states than this use derivatives (building a large NFA up
    // front costs more than deriving the few states a grammar actually visits).
    private const long NfaSizeThreshold = 2_000;

    private readonly List<RegexNode?> _nodes = [null, null];
    // States by structure, not by key: most derivatives lead to a state that exists already, and comparing structure
    // (children by reference first) finds it without building the derivative's key string.
    private readonly Dictionary<RegexNode, int> _byStructure;
    private readonly Dictionary<RegexNode, int>.AlternateLookup<ConcatProbe> _byConcatProbe;

    public DerivativeAutomaton(RegexNode pattern)
    {
        _nodes.Add(pattern);
        _byStructure = new(StructuralComparer.Instance);
        _byConcatProbe = _byStructure.GetAlternateLookup<ConcatProbe>();
    }

    /// <summary>
    /// Whether the pattern's Thompson NFA stays within <paramref name="maxStates"/> (or uses node kinds only the
    /// NFA knows). Automata that will be explored whole (intersections, differences) are cheaper as NFA subsets
    /// at any size a Thompson NFA can reasonably have: derivatives rebuild a regex per state and transition.
    /// </summary>
    public static bool NfaWithin(RegexNode pattern, long maxStates) => NfaSize(pattern, 0) <= maxStates;

    /// <summary>
    /// Whether the pattern has no unbounded repeat and is small once each bounded repeat counts its body once (at
    /// most <paramref name="maxNodes"/> Thompson states): a length bound like <c>x{0,255}</c>, whose derivatives are
    /// one counter each. Next to a star (<c>.*x{1,255}.*</c>) or with wide alternations they are unions that grow
    /// with every byte, and NFA subsets are far cheaper.
    /// </summary>
    public static bool IsCountingOnly(RegexNode pattern, int maxNodes)
    {
        long size = 0;
        return VisitOnce(pattern, node =>
        {
            size += 2;
            return size <= maxNodes && node switch
            {
                RepeatRegex r => r.Max != RegexNode.Unbounded,
                ConcatRegex or AlternationRegex or EmptyRegex or ByteClassRegex => true,
                _ => false, // kinds derivatives do not know
            };
        });
    }

    /// <summary>Whether <paramref name="pattern"/> should use derivatives; if so, its distinct byte sets.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="byteSets">Its distinct byte sets, when derivatives are preferred or <paramref name="force"/>d.</param>
    /// <param name="force">Collect the byte sets even when the NFA would be small.</param>
    public static bool Prefer(RegexNode pattern, out List<ByteSet> byteSets, bool force = false)
    {
        byteSets = [];
        bool prefer = NfaSize(pattern, 0) > NfaSizeThreshold;
        if (!prefer && !force) return false;
        // The distinct byte sets.
        var seenSets = new HashSet<ByteSet>();
        var sets = byteSets;
        VisitOnce(pattern, node =>
        {
            if (node is ByteClassRegex c && !c.Set.IsEmpty && seenSets.Add(c.Set)) sets.Add(c.Set);
            return true;
        });
        return prefer;
    }

    // Visits the pattern as a DAG (shared subtrees once) until `visit` says stop; returns whether it never did.
    private static bool VisitOnce(RegexNode pattern, Func<RegexNode, bool> visit)
    {
        var seen = new HashSet<RegexNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<RegexNode>();
        stack.Push(pattern);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node)) continue;
            if (!visit(node)) return false;
            switch (node)
            {
                case ConcatRegex c:
                    foreach (var p in c.Parts) stack.Push(p);
                    break;
                case AlternationRegex a:
                    foreach (var b in a.Branches) stack.Push(b);
                    break;
                case RepeatRegex r:
                    stack.Push(r.Body);
                    break;
            }
        }
        return true;
    }

    // Thompson states the pattern would take (saturating, cached on the nodes); a large negative
    // number when it contains node kinds derivatives do not know, so that those always use the NFA.
    private static long NfaSize(RegexNode node, int depth)
    {
        int cached = node.CachedNfaSize;
        if (cached != 0) return cached < 0 ? Unknown : cached == int.MaxValue ? long.MaxValue / 2 : cached;
        if (depth > Limits.MaxSyntaxNesting * 4) return Unknown;
        long size;
        switch (node)
        {
            case EmptyRegex:
                size = 1;
                break;
            case ByteClassRegex:
                size = 2;
                break;
            case ConcatRegex c:
                size = 0;
                foreach (var p in c.Parts) size = Add(size, NfaSize(p, depth + 1));
                break;
            case AlternationRegex a:
                size = 2;
                foreach (var b in a.Branches) size = Add(size, NfaSize(b, depth + 1));
                break;
            case RepeatRegex r:
                long body = NfaSize(r.Body, depth + 1);
                long copies = r.Max == RegexNode.Unbounded ? r.Min + 1L : r.Max;
                size = body < 0 ? Unknown : Add(4, body > long.MaxValue / 4 / Math.Max(copies, 1) ? long.MaxValue / 4 : body * copies);
                break;
            default:
                size = Unknown;
                break;
        }
        node.CachedNfaSize = size < 0 ? -1 : (int)Math.Min(size, int.MaxValue);
        return size;
    }

    private const long Unknown = long.MinValue / 4;

    private static long Add(long a, long b) => a < 0 || b < 0 ? Unknown : (a > long.MaxValue / 4 || b > long.MaxValue / 4 ? long.MaxValue / 2 : a + b);

    /// <summary>The target of <paramref name="state"/> on <paramref name="b"/>: an existing state id, <see cref="LazyDfa.Dead"/>, or 0 with the new state's node.</summary>
    public int Step(int state, byte b, out RegexNode? node)
    {
        var current = _nodes[state]!;
        if (current is ConcatRegex c) return StepConcat(c, b, out node);
        if (current is RepeatRegex r) return StepRepeat(r, b, out node);
        var derived = RegexDerivative.Derive(current, b) ?? throw CannotDerive();
        if (RegexDerivative.IsNothing(derived))
        {
            node = null;
            return LazyDfa.Dead;
        }
        return Existing(derived, out node);
    }

    // The state of a derivative already built: its id, or 0 for a new state with that node.
    private int Existing(RegexNode derived, out RegexNode? node)
    {
        node = derived;
        return _byStructure.TryGetValue(derived, out int id) ? id : 0;
    }

    // d(p0 p1 … pn) = d(p0) p1 … pn | d(p1) p2 … pn when p0 is nullable, and so on (as RegexDerivative builds it).
    // With one live branch, d(pi) pi+1 … pn is looked up before it is built, since most transitions lead to a state
    // that exists (node is then null); with more, the union is built as usual.
    private int StepConcat(ConcatRegex c, byte b, out RegexNode? node)
    {
        node = null;
        var parts = c.Parts.AsSpan();
        int branch = -1;
        RegexNode? d = null;
        for (int i = 0; i < parts.Length; i++)
        {
            if (RegexNode.LeadBytes(parts[i]).Contains(b))
            {
                var di = RegexDerivative.Derive(parts[i], b) ?? throw CannotDerive();
                if (!RegexDerivative.IsNothing(di))
                {
                    if (branch >= 0) return Existing(RegexDerivative.Derive(c, b) ?? throw CannotDerive(), out node);
                    branch = i;
                    d = di;
                }
            }
            if (!parts[i].IsNullable) break;
        }
        if (d is null) return LazyDfa.Dead;
        var tail = parts[(branch + 1)..];
        if (tail.IsEmpty) return Existing(d, out node);
        if (d is EmptyRegex && tail.Length == 1) return Existing(tail[0], out node);
        var head = d switch
        {
            ConcatRegex dc => dc.Parts.AsSpan(),
            EmptyRegex => default,
            _ => new ReadOnlySpan<RegexNode>(in d),
        };
        if (_byConcatProbe.TryGetValue(new ConcatProbe(head, tail), out int id)) return id;
        // The probe has the factory's parts, so this finds nothing it missed; it keeps a mismatch from adding a second state.
        return Existing(RegexDerivative.Prepend(d, tail), out node);
    }

    // d(r{m,n}) = d(r) r{m-1,n-1} (as RegexDerivative builds it; r itself when the bounds stay, as for r*): looked up
    // before the concatenation is built.
    private int StepRepeat(RepeatRegex r, byte b, out RegexNode? node)
    {
        node = null;
        if (!RegexNode.LeadBytes(r.Body).Contains(b)) return LazyDfa.Dead;
        var d = RegexDerivative.Derive(r.Body, b) ?? throw CannotDerive();
        if (RegexDerivative.IsNothing(d)) return LazyDfa.Dead;
        var rest = RegexDerivative.RepeatRest(r);
        if (d is EmptyRegex) return Existing(rest, out node);
        if (rest is EmptyRegex) return Existing(d, out node);
        var head = d is ConcatRegex dc ? dc.Parts.AsSpan() : new ReadOnlySpan<RegexNode>(in d);
        var tail = rest is ConcatRegex rc ? rc.Parts.AsSpan() : new ReadOnlySpan<RegexNode>(in rest);
        if (_byConcatProbe.TryGetValue(new ConcatProbe(head, tail), out int id)) return id;
        return Existing(RegexNode.Concat([d, rest], owned: true), out node);
    }

    private static InvalidOperationException CannotDerive() => new("A derivative automaton met a regex node it cannot derive.");

    /// <summary>Records the node of a state just added by <see cref="LazyDfa"/>.</summary>
    public void Add(int state, RegexNode node)
    {
        while (_nodes.Count <= state) _nodes.Add(null);
        _nodes[state] = node;
        _byStructure[node] = state;
    }

    public RegexNode? NodeOf(int state) => state < _nodes.Count ? _nodes[state] : null;
}
