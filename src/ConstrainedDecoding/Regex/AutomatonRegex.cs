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
    private readonly string _key;

    internal AutomatonRegex(string key, int start, ImmutableArray<bool> accepting, ImmutableArray<ImmutableArray<(ByteSet Bytes, int Target)>> edges)
    {
        _key = key;
        Start = start;
        Accepting = accepting;
        Edges = edges;
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

    private protected override string BuildKey() => _key;
}
