using System.Globalization;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Grammars;

/// <summary>
/// Keeps repeats of regular items inside one terminal: <c>Repeat(Pattern p)</c> becomes
/// <c>Pattern(p{m,n})</c>, so <c>[a-z]{0,100000}</c> is a counter in a regex instead of
/// 100000 grammar symbols.
/// </summary>
/// <remarks>
/// Exact only when nothing may appear between two consecutive terminals, i.e. the grammar has no
/// ignored terminals: the language of a rule-level repeat of terminal <c>T</c> is then the
/// concatenation <c>T{m,n}</c> of <c>T</c>'s language, which is what the folded pattern matches.
/// </remarks>
internal static class RepeatFolding
{
    /// <summary>Folds every repeat whose body is made only of patterns, anywhere in <paramref name="expr"/>.</summary>
    public static GrammarExpression Fold(GrammarExpression expr) => expr switch
    {
        SequenceExpression s => GrammarExpression.Sequence(s.Items.Select(Fold)),
        ChoiceExpression c => GrammarExpression.Choice(c.Items.Select(Fold)),
        RepeatExpression r => FoldRepeat(Fold(r.Item), r.Min, r.Max),
        _ => expr,
    };

    /// <summary>A repeat of <paramref name="item"/>, folded into a pattern when the item is regular.</summary>
    public static GrammarExpression FoldRepeat(GrammarExpression item, int min, int max)
    {
        if (TryRegular(item, out var node, out var display))
        {
            return GrammarExpression.Pattern(RegexNode.Repeat(node, min, max), Parenthesize(display, item) + Suffix(min, max));
        }
        return GrammarExpression.Repeat(item, min, max);
    }

    /// <summary>The repeat operator spelled in EBNF style, for display names.</summary>
    public static string Suffix(int min, int max)
    {
        string m = min.ToString(CultureInfo.InvariantCulture);
        return (min, max) switch
        {
            (0, 1) => "?",
            (0, RegexNode.Unbounded) => "*",
            (1, RegexNode.Unbounded) => "+",
            (_, RegexNode.Unbounded) => "{" + m + ",}",
            _ when min == max => "{" + m + "}",
            _ => "{" + m + "," + max.ToString(CultureInfo.InvariantCulture) + "}",
        };
    }

    private static string Parenthesize(string display, GrammarExpression item) =>
        item is SequenceExpression or ChoiceExpression ? "(" + display + ")" : display;

    // An expression built from patterns only, as one regex.
    private static bool TryRegular(GrammarExpression expr, out RegexNode node, out string display)
    {
        switch (expr)
        {
            case PatternExpression p:
                node = p.PatternNode;
                display = p.Display;
                return true;
            case EmptyExpression:
                node = RegexNode.Empty;
                display = "\"\"";
                return true;
            case SequenceExpression s:
                return TryAll(s.Items, RegexNode.Concat, " ", out node, out display);
            case ChoiceExpression c:
                return TryAll(c.Items, RegexNode.Alternate, " | ", out node, out display);
            default:
                node = RegexNode.Empty;
                display = "";
                return false;
        }
    }

    private static bool TryAll(IEnumerable<GrammarExpression> items, Func<IEnumerable<RegexNode>, RegexNode> combine, string separator,
        out RegexNode node, out string display)
    {
        var nodes = new List<RegexNode>();
        var names = new List<string>();
        foreach (var item in items)
        {
            if (!TryRegular(item, out var n, out var d))
            {
                node = RegexNode.Empty;
                display = "";
                return false;
            }
            nodes.Add(n);
            names.Add(Parenthesize(d, item));
        }
        node = combine(nodes);
        display = string.Join(separator, names);
        return true;
    }
}
