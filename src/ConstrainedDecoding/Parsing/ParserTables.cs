using ConstrainedDecoding.Grammars;

namespace ConstrainedDecoding.Parsing;

/// <summary>
/// Flat tables for the Earley parser: LR(0) items as ints, with the symbol after the dot encoded as
/// a terminal index (<c>0..TerminalCount-1</c>), a nonterminal as <c>TerminalCount + n</c>, or
/// <see cref="Complete"/> when the dot is at the end. The grammar is augmented with <c>S' → Start</c>.
/// </summary>
/// <remarks>
/// Unordered groups (<see cref="GrammarUnordered"/>) get one nonterminal per (set of members written, whether
/// anything was written), numbered from <see cref="NonterminalCount"/> up and made on demand: a state's id when a
/// production first refers to it, its productions and items when the parser first predicts it. Those appends
/// happen under a lock and are published before the id that leads to them, so readers need no lock; ids and items
/// never change once made, which keeps Earley-set hashes stable for the grammar's lifetime.
/// </remarks>
internal sealed class ParserTables
{
    public const int Complete = -1;

    public readonly int TerminalCount;
    public readonly int NonterminalCount; // static ones, including S'; unordered states come after
    // Replaced (grown) when unordered states add items; readers load the field per access.
    public int[] ItemNext;
    public int[] ItemLhs;
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
        var rules = new List<(int Lhs, int[] Rhs)>(grammar.Rules.Length + 1 + grammar.Unordered.Length)
        {
            (augmented, [Code(GrammarSymbol.Nonterminal(grammar.Start))]),
        };
        foreach (var r in grammar.Rules) rules.Add((r.Lhs, r.Rhs.Select(Code).ToArray()));
        // Each group's nonterminal derives its start state (nothing written yet).
        _families = new Family[grammar.Unordered.Length];
        for (int f = 0; f < _families.Length; f++)
        {
            var u = grammar.Unordered[f];
            var requiredMask = default(MemberSet);
            for (int i = 0; i < u.Members.Length; i++)
            {
                if (u.Required[i]) requiredMask = requiredMask.With(i);
            }
            _families[f] = new Family([.. u.Members.Select(Code)], requiredMask, Code(u.Separator), Code(u.End), u.Extra is { } x ? Code(x) : -1);
            rules.Add((u.Nonterminal, [TerminalCount + StateId(f, default, rest: false)]));
        }

        int itemCount = rules.Sum(r => r.Rhs.Length + 1);
        ItemNext = new int[itemCount];
        ItemLhs = new int[itemCount];
        _itemCount = _staticItemCount = itemCount;
        var first = new int[rules.Count];
        int k = 0;
        for (int ri = 0; ri < rules.Count; ri++)
        {
            first[ri] = k;
            var (lhs, rhs) = rules[ri];
            for (int d = 0; d <= rhs.Length; d++)
            {
                ItemLhs[k] = lhs;
                ItemNext[k] = d == rhs.Length ? Complete : rhs[d];
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

        // The grammar's rules decide; S' is nullable with the start, unordered states never are.
        Nullable = new bool[NonterminalCount];
        Array.Copy(Grammar.NullableNonterminals(n, grammar.Rules), Nullable, n);
        Nullable[augmented] = Nullable[grammar.Start];

        IsIgnored = grammar.Terminals.Select(t => t.IsIgnored).ToArray();
        IgnoredTerminals = Enumerable.Range(0, TerminalCount).Where(t => IsIgnored[t]).ToArray();
    }

    public bool IsNonterminalCode(int code) => code >= TerminalCount;

    private int Code(GrammarSymbol s) => s.IsTerminal ? s.Index : TerminalCount + s.Index;

    // ---- Unordered groups: states made on demand ----

    private sealed record Family(int[] Members, MemberSet Required, int Separator, int End, int Extra);

    private readonly record struct StateKey(int Family, MemberSet Written, bool Rest);

    // A set of member indexes below Limits.MaxUnorderedMembers (256).
    private readonly record struct MemberSet(ulong W0, ulong W1, ulong W2, ulong W3)
    {
        public bool Contains(int i) => (Word(i >> 6) & (1UL << (i & 63))) != 0;

        public MemberSet With(int i)
        {
            ulong bit = 1UL << (i & 63);
            return (i >> 6) switch
            {
                0 => this with { W0 = W0 | bit },
                1 => this with { W1 = W1 | bit },
                2 => this with { W2 = W2 | bit },
                _ => this with { W3 = W3 | bit },
            };
        }

        public bool ContainsAll(MemberSet o) => (W0 & o.W0) == o.W0 && (W1 & o.W1) == o.W1 && (W2 & o.W2) == o.W2 && (W3 & o.W3) == o.W3;

        private ulong Word(int w) => w switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
    }

    private readonly Family[] _families = [];
    private readonly Lock _dynamicLock = new();
    private readonly Dictionary<StateKey, int> _stateIds = [];
    private readonly List<StateKey> _states = [];
    private int[]?[] _statePredictions = [];
    private int _itemCount;
    private readonly int _staticItemCount;

    /// <summary>
    /// First items of the productions of unordered state <paramref name="nt"/> (≥ <see cref="NonterminalCount"/>),
    /// made on the first call.
    /// </summary>
    /// <exception cref="GrammarLimitException">The grammar's on-demand items exceed <see cref="Limits.MaxUnorderedItems"/>.</exception>
    public int[] DynamicPredictions(int nt)
    {
        int d = nt - NonterminalCount;
        var table = Volatile.Read(ref _statePredictions);
        if (d < table.Length && table[d] is { } done) return done;
        lock (_dynamicLock)
        {
            return _statePredictions[d] ?? MakeState(d);
        }
    }

    // Productions of a state (under the lock): a member not yet written (after the separator unless first),
    // the extra item, or the end once every required member is there.
    private int[] MakeState(int d)
    {
        var key = _states[d];
        var f = _families[key.Family];
        int lhs = NonterminalCount + d;
        var firstItems = new List<int>(f.Members.Length + 2);
        for (int i = 0; i < f.Members.Length; i++)
        {
            if (key.Written.Contains(i)) continue;
            int next = TerminalCount + StateId(key.Family, key.Written.With(i), rest: true);
            firstItems.Add(key.Rest ? AddProduction(lhs, [f.Separator, f.Members[i], next]) : AddProduction(lhs, [f.Members[i], next]));
        }
        if (f.Extra >= 0)
        {
            int next = TerminalCount + StateId(key.Family, key.Written, rest: true);
            firstItems.Add(key.Rest ? AddProduction(lhs, [f.Separator, f.Extra, next]) : AddProduction(lhs, [f.Extra, next]));
        }
        if (key.Written.ContainsAll(f.Required)) firstItems.Add(AddProduction(lhs, [f.End]));
        var result = firstItems.ToArray();
        // Items are in place before the predictions that lead to them are published.
        Volatile.Write(ref _statePredictions[d], result);
        return result;
    }

    private int AddProduction(int lhs, ReadOnlySpan<int> rhs)
    {
        int need = _itemCount + rhs.Length + 1;
        if (need - _staticItemCount > Limits.MaxUnorderedItems)
        {
            throw new GrammarLimitException(nameof(Limits.MaxUnorderedItems), Limits.MaxUnorderedItems, "Parser items made for unordered groups");
        }
        if (need > ItemNext.Length)
        {
            int size = Math.Max(need, ItemNext.Length * 2);
            var next = new int[size];
            var lhsArray = new int[size];
            Array.Copy(ItemNext, next, _itemCount);
            Array.Copy(ItemLhs, lhsArray, _itemCount);
            Volatile.Write(ref ItemLhs, lhsArray);
            Volatile.Write(ref ItemNext, next);
        }
        int first = _itemCount;
        for (int k = 0; k <= rhs.Length; k++)
        {
            ItemNext[first + k] = k == rhs.Length ? Complete : rhs[k];
            ItemLhs[first + k] = lhs;
        }
        _itemCount = need;
        return first;
    }

    // The id of a state, made (without productions) when first referred to; callers hold the lock or construct.
    private int StateId(int family, MemberSet written, bool rest)
    {
        var key = new StateKey(family, written, rest);
        if (_stateIds.TryGetValue(key, out int id)) return id;
        id = NonterminalCount + _states.Count;
        _states.Add(key);
        _stateIds.Add(key, id);
        if (_states.Count > _statePredictions.Length)
        {
            var grown = new int[]?[Math.Max(16, _statePredictions.Length * 2)];
            Array.Copy(_statePredictions, grown, _statePredictions.Length);
            Volatile.Write(ref _statePredictions, grown);
        }
        return id;
    }
}
