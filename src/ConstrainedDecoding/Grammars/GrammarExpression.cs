using System.Collections.Immutable;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Grammars;

/// <summary>
/// An EBNF expression as the front ends read it, before <see cref="GrammarBuilder"/> lowers it to
/// BNF productions and terminals.
/// </summary>
public abstract class GrammarExpression
{
    private protected GrammarExpression()
    {
    }

    /// <summary>The empty string.</summary>
    public static GrammarExpression Empty { get; } = new EmptyExpression();

    /// <summary>An inline pattern (anonymous terminal), such as a quoted string or <c>/regex/</c>.</summary>
    public static GrammarExpression Pattern(RegexNode pattern, string display) => new PatternExpression(pattern, display);

    /// <summary>A reference to a named terminal (Lark's UPPERCASE names).</summary>
    public static GrammarExpression TerminalReference(string name, SourcePosition position) => new TerminalReferenceExpression(name, position);

    /// <summary>A reference to a rule.</summary>
    public static GrammarExpression RuleReference(string name, SourcePosition position) => new RuleReferenceExpression(name, position);

    /// <summary>A sequence; a single item is returned as is.</summary>
    public static GrammarExpression Sequence(IEnumerable<GrammarExpression> items)
    {
        var list = items.Where(i => i is not EmptyExpression).ToImmutableArray();
        return list.Length switch { 0 => Empty, 1 => list[0], _ => new SequenceExpression(list) };
    }

    /// <summary>A choice; a single item is returned as is.</summary>
    public static GrammarExpression Choice(IEnumerable<GrammarExpression> items)
    {
        var list = items.ToImmutableArray();
        return list.Length == 1 ? list[0] : new ChoiceExpression(list);
    }

    /// <summary>
    /// An unordered group: every member at most once and in any order, the required ones all present,
    /// <paramref name="extra"/> (when given) any number of times among them, items separated by
    /// <paramref name="separator"/>, the whole followed by <paramref name="end"/>. This is the language of a
    /// JSON object's members; as a context-free grammar it needs a rule per subset of members, so the
    /// parser creates those states only when an input reaches them.
    /// </summary>
    /// <param name="members">The members and whether each is required (at most <see cref="Limits.MaxUnorderedMembers"/>).</param>
    /// <param name="separator">Between two items; must not match the empty string.</param>
    /// <param name="end">After the last item; must not match the empty string.</param>
    /// <param name="extra">An item allowed any number of times, or null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="GrammarLimitException">More than <see cref="Limits.MaxUnorderedMembers"/> members.</exception>
    public static GrammarExpression Unordered(
        IEnumerable<(GrammarExpression Item, bool Required)> members,
        GrammarExpression separator,
        GrammarExpression end,
        GrammarExpression? extra = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(separator);
        ArgumentNullException.ThrowIfNull(end);
        var list = members.ToImmutableArray();
        if (list.Length > Limits.MaxUnorderedMembers)
        {
            throw new GrammarLimitException(nameof(Limits.MaxUnorderedMembers), Limits.MaxUnorderedMembers, $"Unordered group of {list.Length} members");
        }
        foreach (var (item, _) in list)
        {
            if (item is null) throw new ArgumentNullException(nameof(members), "A member is null.");
        }
        return new UnorderedExpression(list, separator, end, extra);
    }

    /// <summary>A repeat of <paramref name="min"/> to <paramref name="max"/> (<see cref="RegexNode.Unbounded"/> for none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bounds negative or reversed.</exception>
    public static GrammarExpression Repeat(GrammarExpression item, int min, int max)
    {
        if (min < 0 || (max != RegexNode.Unbounded && max < min))
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"Invalid repeat bounds {min}..{max}.");
        }
        return new RepeatExpression(item, min, max);
    }
}

/// <summary>The empty string.</summary>
public sealed class EmptyExpression : GrammarExpression
{
    internal EmptyExpression()
    {
    }
}

/// <summary>An anonymous inline terminal.</summary>
public sealed class PatternExpression : GrammarExpression
{
    internal PatternExpression(RegexNode pattern, string display)
    {
        PatternNode = pattern;
        Display = display;
    }

    /// <summary>The pattern.</summary>
    public RegexNode PatternNode { get; }

    /// <summary>How the pattern was written, used as the terminal's name.</summary>
    public string Display { get; }
}

/// <summary>A named terminal reference.</summary>
public sealed class TerminalReferenceExpression : GrammarExpression
{
    internal TerminalReferenceExpression(string name, SourcePosition position)
    {
        Name = name;
        Position = position;
    }

    /// <summary>Terminal name.</summary>
    public string Name { get; }

    /// <summary>Where it is referenced.</summary>
    public SourcePosition Position { get; }
}

/// <summary>A rule reference.</summary>
public sealed class RuleReferenceExpression : GrammarExpression
{
    internal RuleReferenceExpression(string name, SourcePosition position)
    {
        Name = name;
        Position = position;
    }

    /// <summary>Rule name.</summary>
    public string Name { get; }

    /// <summary>Where it is referenced.</summary>
    public SourcePosition Position { get; }
}

/// <summary>A sequence.</summary>
public sealed class SequenceExpression : GrammarExpression
{
    internal SequenceExpression(ImmutableArray<GrammarExpression> items) => Items = items;

    /// <summary>Items in order.</summary>
    public ImmutableArray<GrammarExpression> Items { get; }
}

/// <summary>A choice.</summary>
public sealed class ChoiceExpression : GrammarExpression
{
    internal ChoiceExpression(ImmutableArray<GrammarExpression> items) => Items = items;

    /// <summary>Alternatives.</summary>
    public ImmutableArray<GrammarExpression> Items { get; }
}

/// <summary>A repetition.</summary>
public sealed class RepeatExpression : GrammarExpression
{
    internal RepeatExpression(GrammarExpression item, int min, int max)
    {
        Item = item;
        Min = min;
        Max = max;
    }

    /// <summary>The repeated item.</summary>
    public GrammarExpression Item { get; }

    /// <summary>Minimum count.</summary>
    public int Min { get; }

    /// <summary>Maximum count or <see cref="RegexNode.Unbounded"/>.</summary>
    public int Max { get; }
}

/// <summary>An unordered group (see <see cref="GrammarExpression.Unordered"/>).</summary>
public sealed class UnorderedExpression : GrammarExpression
{
    internal UnorderedExpression(ImmutableArray<(GrammarExpression Item, bool Required)> members, GrammarExpression separator, GrammarExpression end, GrammarExpression? extra)
    {
        Members = members;
        Separator = separator;
        End = end;
        Extra = extra;
    }

    /// <summary>The members and whether each is required.</summary>
    public ImmutableArray<(GrammarExpression Item, bool Required)> Members { get; }

    /// <summary>Between two items.</summary>
    public GrammarExpression Separator { get; }

    /// <summary>After the last item.</summary>
    public GrammarExpression End { get; }

    /// <summary>The item allowed any number of times, or null.</summary>
    public GrammarExpression? Extra { get; }
}
