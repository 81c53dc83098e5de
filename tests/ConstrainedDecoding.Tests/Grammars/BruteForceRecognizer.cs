using System.Text;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Grammars;

/// <summary>
/// A slow, obviously-correct membership test for small grammars and short inputs, used to check what
/// the front ends produce independently of the real matcher. It follows the language definition in
/// <see cref="Grammar"/> literally: every terminal match (non-empty), every split, ignored terminals
/// allowed between terminals and at both ends, spans derived to a fixpoint.
/// </summary>
internal static class BruteForceRecognizer
{
    public static bool Accepts(Grammar grammar, string text) => Accepts(grammar, Encoding.UTF8.GetBytes(text));

    public static bool Accepts(Grammar grammar, byte[] input)
    {
        int n = input.Length;
        int terminalCount = grammar.Terminals.Length;

        // Non-empty matches of each terminal from each position.
        var terminalEnds = new HashSet<int>[terminalCount, n + 1];
        for (int t = 0; t < terminalCount; t++)
        {
            for (int i = 0; i <= n; i++)
            {
                var ends = Ends(grammar.Terminals[t].Pattern, input, i);
                ends.Remove(i);
                terminalEnds[t, i] = ends;
            }
        }

        // Positions reachable from i through ignored terminals only.
        var skip = new HashSet<int>[n + 1];
        for (int i = 0; i <= n; i++)
        {
            var seen = new HashSet<int> { i };
            var work = new Stack<int>([i]);
            while (work.Count > 0)
            {
                int p = work.Pop();
                for (int t = 0; t < terminalCount; t++)
                {
                    if (!grammar.Terminals[t].IsIgnored) continue;
                    foreach (int e in terminalEnds[t, p])
                    {
                        if (seen.Add(e)) work.Push(e);
                    }
                }
            }
            skip[i] = seen;
        }

        int ntCount = grammar.Nonterminals.Length;
        var spans = new bool[ntCount, n + 1, n + 1];
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var rule in grammar.Rules)
            {
                for (int i = 0; i <= n; i++)
                {
                    var ends = new HashSet<int> { i };
                    foreach (var sym in rule.Rhs)
                    {
                        var next = new HashSet<int>();
                        foreach (int p in ends)
                        {
                            if (sym.IsTerminal)
                            {
                                foreach (int k in skip[p]) next.UnionWith(terminalEnds[sym.Index, k]);
                            }
                            else
                            {
                                for (int j = p; j <= n; j++)
                                {
                                    if (spans[sym.Index, p, j]) next.Add(j);
                                }
                            }
                        }
                        ends = next;
                        if (ends.Count == 0) break;
                    }
                    foreach (int j in ends)
                    {
                        if (!spans[rule.Lhs, i, j])
                        {
                            spans[rule.Lhs, i, j] = true;
                            changed = true;
                        }
                    }
                }
            }
            foreach (var u in grammar.Unordered)
            {
                for (int i = 0; i <= n; i++)
                {
                    foreach (int j in UnorderedEnds(u, i))
                    {
                        if (!spans[u.Nonterminal, i, j])
                        {
                            spans[u.Nonterminal, i, j] = true;
                            changed = true;
                        }
                    }
                }
            }
        }
        for (int j = 0; j <= n; j++)
        {
            if (spans[grammar.Start, 0, j] && skip[j].Contains(n)) return true;
        }
        return false;

        HashSet<int> SymbolEnds(GrammarSymbol sym, int p)
        {
            var next = new HashSet<int>();
            if (sym.IsTerminal)
            {
                foreach (int k in skip[p]) next.UnionWith(terminalEnds[sym.Index, k]);
            }
            else
            {
                for (int j = p; j <= n; j++)
                {
                    if (spans[sym.Index, p, j]) next.Add(j);
                }
            }
            return next;
        }

        // The definition read literally: a search over (position, members written, anything written yet).
        HashSet<int> UnorderedEnds(GrammarUnordered u, int from)
        {
            if (u.Members.Length > 20) throw new InvalidOperationException("too many members for the brute-force recognizer");
            int required = 0;
            for (int m = 0; m < u.Members.Length; m++)
            {
                if (u.Required[m]) required |= 1 << m;
            }
            var ends = new HashSet<int>();
            var seen = new HashSet<(int P, int Written, bool After)>();
            var work = new Stack<(int P, int Written, bool After)>();
            work.Push((from, 0, false));
            while (work.Count > 0)
            {
                var (p, written, rest) = work.Pop();
                if (!seen.Add((p, written, rest))) continue;
                if ((written & required) == required) ends.UnionWith(SymbolEnds(u.End, p));
                var starts = rest ? SymbolEnds(u.Separator, p) : [p];
                foreach (int q in starts)
                {
                    for (int m = 0; m < u.Members.Length; m++)
                    {
                        if ((written & (1 << m)) != 0) continue;
                        foreach (int e in SymbolEnds(u.Members[m], q)) work.Push((e, written | (1 << m), true));
                    }
                    if (u.Extra is { } x)
                    {
                        foreach (int e in SymbolEnds(x, q)) work.Push((e, written, true));
                    }
                }
            }
            return ends;
        }
    }

    /// <summary>All end positions of matches of <paramref name="node"/> starting at <paramref name="start"/>.</summary>
    public static HashSet<int> Ends(RegexNode node, byte[] s, int start)
    {
        switch (node)
        {
            case EmptyRegex:
                return [start];
            case ByteClassRegex b:
                return start < s.Length && b.Set.Contains(s[start]) ? [start + 1] : [];
            case ConcatRegex c:
                {
                    var cur = new HashSet<int> { start };
                    foreach (var part in c.Parts)
                    {
                        var next = new HashSet<int>();
                        foreach (int p in cur) next.UnionWith(Ends(part, s, p));
                        cur = next;
                        if (cur.Count == 0) break;
                    }
                    return cur;
                }
            case AlternationRegex a:
                {
                    var result = new HashSet<int>();
                    foreach (var branch in a.Branches) result.UnionWith(Ends(branch, s, start));
                    return result;
                }
            case RepeatRegex r:
                {
                    var result = new HashSet<int>();
                    if (r.Min == 0) result.Add(start);
                    var cur = new HashSet<int> { start };
                    for (int k = 1; r.Max == RegexNode.Unbounded || k <= r.Max; k++)
                    {
                        var next = new HashSet<int>();
                        foreach (int p in cur) next.UnionWith(Ends(r.Body, s, p));
                        // The step is a fixed function of the set: once it repeats, all later counts give the same set.
                        bool stable = next.SetEquals(cur);
                        if (k >= r.Min || stable) result.UnionWith(next);
                        if (stable || next.Count == 0) break;
                        cur = next;
                    }
                    return result;
                }
            default:
                throw new InvalidOperationException("Unknown regex node " + node.GetType().Name);
        }
    }
}
