using System.Collections.Immutable;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// A regular language given directly as a trimmed deterministic automaton over bytes: the result of the
/// boolean constructions of <see cref="RegexAlgebra"/> (intersection, difference), which have no compact
/// regex form. Every state can reach an accepting state. The automaton becomes an NFA fragment like any other
/// node, so terminals built from it get the usual lazy DFA and token tables.
/// </summary>
public sealed class AutomatonRegex : RegexNode
{
    // The key of the automaton as built (from its original start); other starts add their state number (see BuildKey),
    // with a number unique to this automaton when the key does not fix how its states are numbered.
    private static long s_instances;
    private readonly string _baseKey;
    private readonly string _stateKeyPrefix;
    private readonly int _baseStart;
    // What every start of the same automaton shares: the transitions and the node per start state.
    private readonly Shape _shape;
    private ByteSet _lead;
    private int _leadKnown; // racing threads store the same lead; the flag is published after it

    /// <param name="key">The language's canonical key.</param>
    /// <param name="start">The start state.</param>
    /// <param name="accepting">Whether each state accepts.</param>
    /// <param name="edges">All states' disjoint byte sets and targets, state after state.</param>
    /// <param name="edgeStart">Where each state's edges begin in <paramref name="edges"/> (one more entry than states: the end).</param>
    /// <param name="numberedByKey">
    /// Whether equal keys also mean the same numbering of the states (true for constructions that explore their operands
    /// in a fixed order). When false, the residual states of this automaton get keys no other automaton shares.
    /// </param>
    internal AutomatonRegex(string key, int start, ImmutableArray<bool> accepting, (ByteSet Bytes, int Target)[] edges, int[] edgeStart, bool numberedByKey)
        : this(key, StateKeyPrefix(numberedByKey), start, start, new Shape(accepting, edges, edgeStart))
    {
        _shape.ByStart[start] = this;
    }

    private AutomatonRegex(string baseKey, string stateKeyPrefix, int baseStart, int start, Shape shape)
    {
        _baseKey = baseKey;
        _stateKeyPrefix = stateKeyPrefix;
        _baseStart = baseStart;
        Start = start;
        _shape = shape;
    }

    // One per automaton. The edges are one flat array (a product automaton has up to Limits.MaxProductStates states,
    // and an array per state was a large part of the objects the regex algebra kept alive).
    private sealed class Shape(ImmutableArray<bool> accepting, (ByteSet Bytes, int Target)[] edges, int[] edgeStart)
    {
        public readonly ImmutableArray<bool> Accepting = accepting;
        public readonly (ByteSet Bytes, int Target)[] Edges = edges;
        public readonly int[] EdgeStart = edgeStart;
        public readonly AutomatonRegex?[] ByStart = new AutomatonRegex?[accepting.Length];
        public ImmutableArray<ImmutableArray<(ByteSet Bytes, int Target)>> Nested;
        public string? BaseKeyReference;
    }

    /// <summary>
    /// The same automaton started in <paramref name="state"/>: the residual language after any byte path from
    /// <see cref="Start"/> to that state (its derivative). Non-empty, because the automaton is trimmed. One node per
    /// state, so derivatives of an automaton never allocate twice for the same state.
    /// </summary>
    internal AutomatonRegex StartingAt(int state)
    {
        if (state == Start) return this;
        var known = Volatile.Read(ref _shape.ByStart[state]);
        if (known is not null) return known;
        var node = new AutomatonRegex(_baseKey, _stateKeyPrefix, _baseStart, state, _shape);
        return Interlocked.CompareExchange(ref _shape.ByStart[state], node, null) ?? node;
    }

    /// <summary>The edges of <paramref name="state"/>: disjoint byte sets and their targets.</summary>
    internal ReadOnlySpan<(ByteSet Bytes, int Target)> EdgesOf(int state) =>
        _shape.Edges.AsSpan(_shape.EdgeStart[state], _shape.EdgeStart[state + 1] - _shape.EdgeStart[state]);

    /// <summary>Bytes on the start state's edges (all lead to live states: the automaton is trimmed).</summary>
    internal ByteSet Lead
    {
        get
        {
            if (Volatile.Read(ref _leadKnown) != 0) return _lead;
            var lead = ByteSet.Empty;
            foreach (var (bytes, _) in EdgesOf(Start)) lead = lead.Union(bytes);
            _lead = lead;
            Volatile.Write(ref _leadKnown, 1);
            return lead;
        }
    }

    /// <summary>The start state.</summary>
    public int Start { get; }

    /// <summary>Whether each state accepts.</summary>
    public ImmutableArray<bool> Accepting => _shape.Accepting;

    /// <summary>Outgoing edges of each state: disjoint byte sets and their target states (built on first use).</summary>
    public ImmutableArray<ImmutableArray<(ByteSet Bytes, int Target)>> Edges
    {
        get
        {
            var nested = _shape.Nested;
            if (!nested.IsDefault) return nested;
            var builder = ImmutableArray.CreateBuilder<ImmutableArray<(ByteSet, int)>>(StateCount);
            for (int i = 0; i < StateCount; i++) builder.Add(EdgesOf(i).ToImmutableArray());
            nested = builder.MoveToImmutable();
            _shape.Nested = nested; // racing threads store equal arrays
            return nested;
        }
    }

    /// <summary>Number of states.</summary>
    public int StateCount => _shape.Accepting.Length;

    /// <inheritdoc/>
    public override bool IsNullable => _shape.Accepting[Start];

    private static string StateKeyPrefix(bool numberedByKey) => numberedByKey
        ? "\u0005"
        : "\u0005" + Interlocked.Increment(ref s_instances).ToString(System.Globalization.CultureInfo.InvariantCulture) + ":";

    // "(" + automaton key + U+0005 [+ instance ":"] + state + ")": U+0005 never occurs in a regex key (bytes below
    // 0x21 are written escaped), and the parentheses keep the state number from running into the key of whatever
    // follows inside a parent's key (state 1 followed by the literal 2 must not read as state 12). The automaton key
    // appears as its stand-in (see KeyInterner), looked up once per automaton: a product's key can run to kilobytes,
    // and a copy in the key of every residual state was most of what derivative steps through such a state allocated.
    private protected override string BuildKey()
    {
        if (Start == _baseStart) return _baseKey;
        var reference = Volatile.Read(ref _shape.BaseKeyReference);
        if (reference is null)
        {
            reference = KeyInterner.Reference(_baseKey);
            Volatile.Write(ref _shape.BaseKeyReference, reference); // racing threads may store different stand-ins of one key: both name only it
        }
        return "(" + reference + _stateKeyPrefix + Start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
    }
}
