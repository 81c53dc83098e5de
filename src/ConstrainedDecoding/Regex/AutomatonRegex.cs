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
    // The node for each start state, shared by every start of the same automaton (built on first use).
    private readonly AutomatonRegex?[] _byStart;
    private ByteSet _lead;
    private int _leadKnown; // racing threads store the same lead; the flag is published after it

    /// <param name="key">The language's canonical key.</param>
    /// <param name="start">The start state.</param>
    /// <param name="accepting">Whether each state accepts.</param>
    /// <param name="edges">Each state's disjoint byte sets and targets.</param>
    /// <param name="numberedByKey">
    /// Whether equal keys also mean the same numbering of the states (true for constructions that explore their operands
    /// in a fixed order). When false, the residual states of this automaton get keys no other automaton shares.
    /// </param>
    internal AutomatonRegex(string key, int start, ImmutableArray<bool> accepting, ImmutableArray<ImmutableArray<(ByteSet Bytes, int Target)>> edges, bool numberedByKey)
        : this(key, StateKeyPrefix(numberedByKey), start, start, accepting, edges, new AutomatonRegex?[accepting.Length])
    {
        _byStart[start] = this;
    }

    private AutomatonRegex(string baseKey, string stateKeyPrefix, int baseStart, int start, ImmutableArray<bool> accepting,
        ImmutableArray<ImmutableArray<(ByteSet Bytes, int Target)>> edges, AutomatonRegex?[] byStart)
    {
        _baseKey = baseKey;
        _stateKeyPrefix = stateKeyPrefix;
        _baseStart = baseStart;
        Start = start;
        Accepting = accepting;
        Edges = edges;
        _byStart = byStart;
    }

    /// <summary>
    /// The same automaton started in <paramref name="state"/>: the residual language after any byte path from
    /// <see cref="Start"/> to that state (its derivative). Non-empty, because the automaton is trimmed. One node per
    /// state, so derivatives of an automaton never allocate twice for the same state.
    /// </summary>
    internal AutomatonRegex StartingAt(int state)
    {
        if (state == Start) return this;
        var known = Volatile.Read(ref _byStart[state]);
        if (known is not null) return known;
        var node = new AutomatonRegex(_baseKey, _stateKeyPrefix, _baseStart, state, Accepting, Edges, _byStart);
        return Interlocked.CompareExchange(ref _byStart[state], node, null) ?? node;
    }

    /// <summary>Bytes on the start state's edges (all lead to live states: the automaton is trimmed).</summary>
    internal ByteSet Lead
    {
        get
        {
            if (Volatile.Read(ref _leadKnown) != 0) return _lead;
            var lead = ByteSet.Empty;
            foreach (var (bytes, _) in Edges[Start]) lead = lead.Union(bytes);
            _lead = lead;
            Volatile.Write(ref _leadKnown, 1);
            return lead;
        }
    }

    /// <summary>The start state.</summary>
    public int Start { get; }

    /// <summary>Whether each state accepts.</summary>
    public ImmutableArray<bool> Accepting { get; }

    /// <summary>Outgoing edges of each state: disjoint byte sets and their target states.</summary>
    public ImmutableArray<ImmutableArray<(ByteSet Bytes, int Target)>> Edges { get; }

    /// <summary>Number of states.</summary>
    public int StateCount => Accepting.Length;

    /// <inheritdoc/>
    public override bool IsNullable => Accepting[Start];

    private static string StateKeyPrefix(bool numberedByKey) => numberedByKey
        ? "\u0005"
        : "\u0005" + Interlocked.Increment(ref s_instances).ToString(System.Globalization.CultureInfo.InvariantCulture) + ":";

    // "(" + automaton key + U+0005 [+ instance ":"] + state + ")": U+0005 never occurs in a regex key (bytes below
    // 0x21 are written escaped), and the parentheses keep the state number from running into the key of whatever
    // follows inside a parent's key (state 1 followed by the literal 2 must not read as state 12).
    private protected override string BuildKey() =>
        Start == _baseStart ? _baseKey : "(" + _baseKey + _stateKeyPrefix + Start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
}
