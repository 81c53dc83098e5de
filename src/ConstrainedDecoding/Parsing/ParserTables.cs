using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Parsing;

/// <summary>
/// Flat tables for the Earley parser: LR(0) items as ints, with the symbol after the dot encoded as
/// a terminal index (<c>0..TerminalCount-1</c>), a nonterminal as <c>TerminalCount + n</c>, or
/// <see cref="Complete"/> when the dot is at the end. The grammar is augmented with <c>S' → Start</c>.
/// </summary>
internal sealed class ParserTables
{
    public const int Complete = -1;

    public readonly int TerminalCount;
    public readonly int NonterminalCount; // including S'
    public readonly int[] ItemNext;
    public readonly int[] ItemLhs;
    public readonly int[] PredictStart; // by nonterminal, into PredictItems
    public readonly int[] PredictItems;
    public readonly bool[] Nullable;
    public readonly int StartItem;
    public readonly int AcceptItem;
    public readonly int[] IgnoredTerminals;
    public readonly bool[] IsIgnored;

    public ParserTables(Grammar grammar)
    {
        TerminalCount = grammar.Terminals.Length;
        int n = grammar.Nonterminals.Length;
        NonterminalCount = n + 1;
        int augmented = n;
        var rules = new List<(int Lhs, GrammarSymbol[] Rhs)>(grammar.Rules.Length + 1)
        {
            (augmented, [GrammarSymbol.Nonterminal(grammar.Start)]),
        };
        foreach (var r in grammar.Rules) rules.Add((r.Lhs, r.Rhs.ToArray()));

        int itemCount = rules.Sum(r => r.Rhs.Length + 1);
        ItemNext = new int[itemCount];
        ItemLhs = new int[itemCount];
        var first = new int[rules.Count];
        int k = 0;
        for (int ri = 0; ri < rules.Count; ri++)
        {
            first[ri] = k;
            var (lhs, rhs) = rules[ri];
            for (int d = 0; d <= rhs.Length; d++)
            {
                ItemLhs[k] = lhs;
                ItemNext[k] = d == rhs.Length ? Complete : rhs[d].IsTerminal ? rhs[d].Index : TerminalCount + rhs[d].Index;
                k++;
            }
        }
        StartItem = first[0];
        AcceptItem = first[0] + 1;

        PredictStart = new int[NonterminalCount + 1];
        foreach (var (lhs, _) in rules) PredictStart[lhs + 1]++;
        for (int i = 0; i < NonterminalCount; i++) PredictStart[i + 1] += PredictStart[i];
        PredictItems = new int[rules.Count];
        var fill = (int[])PredictStart.Clone();
        for (int ri = 0; ri < rules.Count; ri++) PredictItems[fill[rules[ri].Lhs]++] = first[ri];

        Nullable = new bool[NonterminalCount];
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (lhs, rhs) in rules)
            {
                if (Nullable[lhs]) continue;
                // Terminals never match the empty string (their DFAs exclude it).
                if (rhs.All(s => !s.IsTerminal && Nullable[s.Index]))
                {
                    Nullable[lhs] = true;
                    changed = true;
                }
            }
        }

        IsIgnored = grammar.Terminals.Select(t => t.IsIgnored).ToArray();
        IgnoredTerminals = Enumerable.Range(0, TerminalCount).Where(t => IsIgnored[t]).ToArray();
    }

    public bool IsNonterminalCode(int code) => code >= TerminalCount;
}
