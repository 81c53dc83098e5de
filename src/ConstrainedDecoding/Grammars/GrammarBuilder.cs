using System.Collections.Immutable;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Grammars;

/// <summary>
/// Collects EBNF rule and terminal definitions and lowers them to an immutable <see cref="Grammar"/>:
/// repeats and nested groups become helper nonterminals, inline patterns become anonymous terminals,
/// nullable terminals become optional non-empty ones, and unproductive rules are removed.
/// </summary>
/// <remarks>Not thread-safe; use one builder per grammar.</remarks>
public sealed class GrammarBuilder
{
    private readonly Dictionary<string, (GrammarExpression Expr, SourcePosition Pos, int Priority)> _terminalDefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (GrammarExpression Expr, SourcePosition Pos)> _ruleDefs = new(StringComparer.Ordinal);
    private readonly List<string> _ruleOrder = [];
    private readonly List<(string Name, SourcePosition Pos)> _ignored = [];

    // Lowering state.
    private readonly List<GrammarTerminal> _terminals = [];
    // Terminals by pattern structure (equal structure, equal language): no key string is built for a pattern's nodes.
    private readonly Dictionary<RegexNode, int> _terminalByPattern = new(StructuralComparer.Instance);
    private readonly Dictionary<string, int> _namedTerminalIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RegexNode> _resolvedTerminalPatterns = new(StringComparer.Ordinal);
    private readonly List<string> _nonterminals = [];
    private readonly Dictionary<string, int> _nonterminalIndex = new(StringComparer.Ordinal);
    private readonly List<GrammarRule> _rules = [];
    private readonly Dictionary<string, int> _syntheticByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RegexNode> _regularRules = new(StringComparer.Ordinal);
    private readonly List<GrammarUnordered> _unordered = [];

    /// <summary>
    /// When set, rules that are not recursive (directly or through others) and whose pattern stays under
    /// <see cref="MaxTerminalizedRuleSize"/> become terminals, so grammars without a lexer (GBNF) still get
    /// the lexer/parser split that makes masks fast.
    /// </summary>
    public bool TerminalizeRegularRules { get; set; }

    /// <summary>Largest pattern (in regex nodes, repeats counted by their bound) a rule may have to be turned into a terminal.</summary>
    public int MaxTerminalizedRuleSize { get; set; } = 4000;

    /// <summary>Whether a rule with this name has been defined.</summary>
    public bool HasRule(string name) => _ruleDefs.ContainsKey(name);

    /// <summary>Whether a terminal with this name has been defined.</summary>
    public bool HasTerminal(string name) => _terminalDefs.ContainsKey(name);

    /// <summary>Defines a named terminal from an expression over patterns and other terminals.</summary>
    /// <exception cref="GrammarDefinitionException">The name is already defined.</exception>
    public void DefineTerminal(string name, GrammarExpression expression, SourcePosition position, int priority = 0)
    {
        if (!_terminalDefs.TryAdd(name, (expression, position, priority)))
        {
            throw new GrammarDefinitionException($"Terminal '{name}' is defined twice", name, position);
        }
    }

    /// <summary>Defines a rule.</summary>
    /// <exception cref="GrammarDefinitionException">The name is already defined.</exception>
    public void DefineRule(string name, GrammarExpression expression, SourcePosition position)
    {
        if (!_ruleDefs.TryAdd(name, (expression, position)))
        {
            throw new GrammarDefinitionException($"Rule '{name}' is defined twice", name, position);
        }
        _ruleOrder.Add(name);
    }

    /// <summary>Marks a named terminal as ignored (may appear between any two terminals).</summary>
    public void Ignore(string terminalName, SourcePosition position) => _ignored.Add((terminalName, position));

    /// <summary>Lowers everything to a grammar starting at <paramref name="start"/>.</summary>
    /// <exception cref="GrammarDefinitionException">Undefined references, missing start rule, recursive terminals, or an empty language.</exception>
    /// <exception cref="GrammarLimitException">The grammar exceeds <see cref="Limits.MaxRules"/> or <see cref="Limits.MaxRuleRepeat"/>.</exception>
    public Grammar Build(string start)
    {
        if (!_ruleDefs.ContainsKey(start))
        {
            if (_terminalDefs.ContainsKey(start))
            {
                // A grammar made of one terminal: wrap it.
                _ruleDefs[start + "'"] = (GrammarExpression.TerminalReference(start, default), default);
                _ruleOrder.Add(start + "'");
                start += "'";
            }
            else
            {
                throw new GrammarDefinitionException($"Start rule '{start}' is not defined", start);
            }
        }

        if (TerminalizeRegularRules) FindRegularRules();

        int startNt = GetNonterminal(start);
        foreach (var (name, pos) in _ignored)
        {
            if (!_terminalDefs.TryGetValue(name, out var def))
            {
                throw new GrammarDefinitionException($"Ignored terminal '{name}' is not defined", name, pos);
            }
            var pattern = ResolveTerminal(name, pos, []);
            // The DFA of every terminal excludes the empty string, so a nullable pattern is fine here.
            if (IsEmptyOnly(pattern)) continue;
            _terminals.Add(new GrammarTerminal(name, pattern, isIgnored: true, priority: def.Priority));
        }

        // Lower reachable rules breadth-first from the start.
        var queue = new Queue<string>();
        queue.Enqueue(start);
        var lowered = new HashSet<string>(StringComparer.Ordinal);
        while (queue.Count > 0)
        {
            var name = queue.Dequeue();
            if (!lowered.Add(name)) continue;
            int lhs = GetNonterminal(name);
            var (expr, _) = _ruleDefs[name];
            if (_regularRules.TryGetValue(name, out var regular))
            {
                var sym = SymbolForPattern(regular, name);
                if (sym is not null) AddRule(lhs, [sym.Value]);
                continue;
            }
            foreach (var alt in Alternatives(expr, queue))
            {
                AddRule(lhs, alt);
            }
        }

        return Finish(startNt);
    }

    private static bool IsEmptyOnly(RegexNode node) => node is EmptyRegex;

    private void AddRule(int lhs, ImmutableArray<GrammarSymbol> rhs)
    {
        if (_rules.Count >= Limits.MaxRules)
        {
            throw new GrammarLimitException(nameof(Limits.MaxRules), Limits.MaxRules, "Grammar productions");
        }
        _rules.Add(new GrammarRule(lhs, rhs));
    }

    private int GetNonterminal(string name)
    {
        if (!_nonterminalIndex.TryGetValue(name, out int idx))
        {
            idx = _nonterminals.Count;
            _nonterminals.Add(name);
            _nonterminalIndex[name] = idx;
        }
        return idx;
    }

    private int NewSynthetic(string hint)
    {
        string name = $"__{hint}_{_nonterminals.Count}";
        return GetNonterminal(name);
    }

    // Alternatives of a top-level rule body, each a sequence of symbols.
    private List<ImmutableArray<GrammarSymbol>> Alternatives(GrammarExpression expr, Queue<string> queue)
    {
        var result = new List<ImmutableArray<GrammarSymbol>>();
        var branches = expr is ChoiceExpression c ? c.Items : ImmutableArray.Create(expr);
        foreach (var b in branches)
        {
            var items = b is SequenceExpression s ? s.Items : ImmutableArray.Create(b);
            var seq = ImmutableArray.CreateBuilder<GrammarSymbol>();
            bool dead = false;
            foreach (var item in items)
            {
                if (item is EmptyExpression) continue;
                var sym = Symbol(item, queue);
                if (sym is null) { dead = true; break; }
                seq.Add(sym.Value);
            }
            if (!dead) result.Add(seq.ToImmutable());
        }
        return result;
    }

    // One symbol for an expression; null when the expression matches nothing.
    private GrammarSymbol? Symbol(GrammarExpression expr, Queue<string> queue)
    {
        switch (expr)
        {
            case PatternExpression p:
                return SymbolForPattern(p.PatternNode, p.Display);
            case TerminalReferenceExpression t:
                if (!_terminalDefs.ContainsKey(t.Name))
                {
                    throw new GrammarDefinitionException($"Terminal '{t.Name}' is not defined", t.Name, t.Position);
                }
                return SymbolForPattern(ResolveTerminal(t.Name, t.Position, []), t.Name);
            case RuleReferenceExpression r:
                if (!_ruleDefs.ContainsKey(r.Name))
                {
                    if (_terminalDefs.ContainsKey(r.Name))
                    {
                        return SymbolForPattern(ResolveTerminal(r.Name, r.Position, []), r.Name);
                    }
                    throw new GrammarDefinitionException($"Rule '{r.Name}' is not defined", r.Name, r.Position);
                }
                queue.Enqueue(r.Name);
                return GrammarSymbol.Nonterminal(GetNonterminal(r.Name));
            case EmptyExpression:
                {
                    int nt = Synthetic("empty", expr, _ => [ImmutableArray<GrammarSymbol>.Empty]);
                    return GrammarSymbol.Nonterminal(nt);
                }
            case SequenceExpression or ChoiceExpression:
                return GrammarSymbol.Nonterminal(Synthetic("group", expr, _ => Alternatives(expr, queue)));
            case RepeatExpression rep:
                return RepeatSymbol(rep, queue);
            case UnorderedExpression u:
                return UnorderedSymbol(u, queue);
            default:
                throw new InvalidOperationException("Unknown expression type " + expr.GetType().Name);
        }
    }

    // An unordered group: a nonterminal without productions, recorded for the parser (which makes its states on demand).
    private GrammarSymbol? UnorderedSymbol(UnorderedExpression u, Queue<string> queue)
    {
        var members = ImmutableArray.CreateBuilder<GrammarSymbol>();
        var required = ImmutableArray.CreateBuilder<bool>();
        foreach (var (item, isRequired) in u.Members)
        {
            var sym = Symbol(item, queue);
            if (sym is null)
            {
                if (isRequired) return null;
                continue;
            }
            members.Add(sym.Value);
            required.Add(isRequired);
        }
        var end = Symbol(u.End, queue);
        if (end is null) return null;
        var separator = Symbol(u.Separator, queue)
            ?? throw new GrammarDefinitionException("The separator of an unordered group matches nothing", "unordered");
        var extra = u.Extra is null ? null : Symbol(u.Extra, queue);
        int nt = NewSynthetic("unordered");
        _unordered.Add(new GrammarUnordered(nt, members.ToImmutable(), required.ToImmutable(), extra, separator, end.Value));
        return GrammarSymbol.Nonterminal(nt);
    }

    private int Synthetic(string hint, GrammarExpression expr, Func<int, List<ImmutableArray<GrammarSymbol>>> body)
    {
        int nt = NewSynthetic(hint);
        foreach (var alt in body(nt)) AddRule(nt, alt);
        return nt;
    }

    private GrammarSymbol? RepeatSymbol(RepeatExpression rep, Queue<string> queue)
    {
        var itemSym = Symbol(rep.Item, queue);
        if (itemSym is null)
        {
            return rep.Min == 0 ? GrammarSymbol.Nonterminal(Synthetic("empty", rep, _ => [ImmutableArray<GrammarSymbol>.Empty])) : null;
        }
        var x = itemSym.Value;
        int min = rep.Min, max = rep.Max;
        if (min > Limits.MaxRuleRepeat || max > Limits.MaxRuleRepeat)
        {
            throw new GrammarLimitException(nameof(Limits.MaxRuleRepeat), Limits.MaxRuleRepeat, $"Rule repeat {{{min},{max}}}");
        }
        string key = $"rep:{x.IsTerminal}:{x.Index}:{min}:{max}";
        if (_syntheticByKey.TryGetValue(key, out int existing)) return GrammarSymbol.Nonterminal(existing);

        int nt;
        if (max == RegexNode.Unbounded)
        {
            // star: S -> ε | S x   (left recursion is cheap for Earley)
            int star = NewSynthetic("star");
            AddRule(star, ImmutableArray<GrammarSymbol>.Empty);
            AddRule(star, [GrammarSymbol.Nonterminal(star), x]);
            if (min == 0)
            {
                nt = star;
            }
            else
            {
                nt = NewSynthetic("plus");
                var seq = ImmutableArray.CreateBuilder<GrammarSymbol>();
                for (int i = 0; i < min; i++) seq.Add(x);
                seq.Add(GrammarSymbol.Nonterminal(star));
                AddRule(nt, seq.ToImmutable());
            }
        }
        else
        {
            // Optional tail chain: T_k -> ε | x T_{k-1}
            int tail = -1;
            for (int k = 1; k <= max - min; k++)
            {
                int t = NewSynthetic("opt");
                AddRule(t, ImmutableArray<GrammarSymbol>.Empty);
                AddRule(t, tail < 0 ? [x] : [x, GrammarSymbol.Nonterminal(tail)]);
                tail = t;
            }
            nt = NewSynthetic("rep");
            var seq = ImmutableArray.CreateBuilder<GrammarSymbol>();
            for (int i = 0; i < min; i++) seq.Add(x);
            if (tail >= 0) seq.Add(GrammarSymbol.Nonterminal(tail));
            AddRule(nt, seq.ToImmutable());
        }
        _syntheticByKey[key] = nt;
        return GrammarSymbol.Nonterminal(nt);
    }

    // Symbol for a pattern: a terminal, wrapped in an optional when the pattern matches ε.
    private GrammarSymbol? SymbolForPattern(RegexNode pattern, string display)
    {
        if (pattern is EmptyRegex)
        {
            return GrammarSymbol.Nonterminal(SyntheticEmpty());
        }
        if (pattern is ByteClassRegex { Set.IsEmpty: true })
        {
            return null;
        }
        int t = TerminalFor(pattern, display);
        if (!pattern.IsNullable) return GrammarSymbol.Terminal(t);
        string key = "opt-terminal:" + t;
        if (!_syntheticByKey.TryGetValue(key, out int nt))
        {
            nt = NewSynthetic("optterm");
            AddRule(nt, ImmutableArray<GrammarSymbol>.Empty);
            AddRule(nt, [GrammarSymbol.Terminal(t)]);
            _syntheticByKey[key] = nt;
        }
        return GrammarSymbol.Nonterminal(nt);
    }

    private int SyntheticEmpty()
    {
        if (!_syntheticByKey.TryGetValue("empty", out int nt))
        {
            nt = NewSynthetic("empty");
            AddRule(nt, ImmutableArray<GrammarSymbol>.Empty);
            _syntheticByKey["empty"] = nt;
        }
        return nt;
    }

    private int TerminalFor(RegexNode pattern, string display)
    {
        if (_terminalByPattern.TryGetValue(pattern, out int idx)) return idx;
        idx = _terminals.Count;
        _terminals.Add(new GrammarTerminal(display, pattern, isIgnored: false,
            priority: _terminalDefs.TryGetValue(display, out var d) ? d.Priority : 0));
        _terminalByPattern[pattern] = idx;
        return idx;
    }

    private RegexNode ResolveTerminal(string name, SourcePosition pos, HashSet<string> inProgress)
    {
        if (_resolvedTerminalPatterns.TryGetValue(name, out var done)) return done;
        if (!_terminalDefs.TryGetValue(name, out var def))
        {
            throw new GrammarDefinitionException($"Terminal '{name}' is not defined", name, pos);
        }
        if (!inProgress.Add(name))
        {
            throw new GrammarDefinitionException($"Terminal '{name}' is defined in terms of itself; terminals must be regular", name, def.Pos);
        }
        if (inProgress.Count > Limits.MaxSyntaxNesting)
        {
            // Resolution recurses once per reference level; a chain this deep would overflow the stack.
            throw new GrammarLimitException(nameof(Limits.MaxSyntaxNesting), Limits.MaxSyntaxNesting, $"Terminal '{name}' (at {def.Pos}): chain of terminal references");
        }
        var node = ToRegex(def.Expr, inProgress, allowRules: false);
        inProgress.Remove(name);
        _resolvedTerminalPatterns[name] = node;
        return node;
    }

    private RegexNode ToRegex(GrammarExpression expr, HashSet<string> inProgress, bool allowRules) => expr switch
    {
        EmptyExpression => RegexNode.Empty,
        PatternExpression p => p.PatternNode,
        TerminalReferenceExpression t => ResolveTerminal(t.Name, t.Position, inProgress),
        RuleReferenceExpression r when allowRules && _regularRules.TryGetValue(r.Name, out var rr) => rr,
        RuleReferenceExpression r when !allowRules && _terminalDefs.ContainsKey(r.Name) => ResolveTerminal(r.Name, r.Position, inProgress),
        RuleReferenceExpression r => throw new GrammarDefinitionException($"Terminal definitions cannot reference rule '{r.Name}'", r.Name, r.Position),
        SequenceExpression s => RegexNode.Concat(s.Items.Select(i => ToRegex(i, inProgress, allowRules))),
        ChoiceExpression c => RegexNode.Alternate(c.Items.Select(i => ToRegex(i, inProgress, allowRules))),
        RepeatExpression rep => RegexNode.Repeat(ToRegex(rep.Item, inProgress, allowRules), rep.Min, rep.Max),
        UnorderedExpression => throw new GrammarDefinitionException("An unordered group cannot be part of a terminal", "unordered"),
        _ => throw new InvalidOperationException("Unknown expression type"),
    };

    // Recursion bound of FindRegularRules' dependency walk.
    private const int MaxRegularRuleDepth = 1000;

    // Finds non-recursive rules whose expansion is a small regular expression.
    private void FindRegularRules()
    {
        var deps = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var name in _ruleOrder)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            CollectRuleRefs(_ruleDefs[name].Expr, set);
            deps[name] = set;
        }
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = visiting, 2 = done
        int depth = 0;
        foreach (var name in _ruleOrder) Visit(name);

        void Visit(string name)
        {
            if (state.TryGetValue(name, out int s))
            {
                return;
            }
            state[name] = 1;
            bool regular = true;
            foreach (var d in deps[name])
            {
                if (!_ruleDefs.ContainsKey(d)) { regular = false; continue; }
                if (state.TryGetValue(d, out int ds) && ds == 1) { regular = false; continue; } // cycle
                // Deep rule chains are left as rules rather than recursing without bound (stack safety);
                // the language is the same either way, only fewer rules become terminals.
                if (!state.ContainsKey(d) && depth >= MaxRegularRuleDepth) { regular = false; continue; }
                depth++;
                Visit(d);
                depth--;
                if (!_regularRules.ContainsKey(d)) regular = false;
            }
            if (regular && ContainsUnordered(_ruleDefs[name].Expr)) regular = false;
            if (regular)
            {
                var node = ToRegex(_ruleDefs[name].Expr, [], allowRules: true);
                if (Cost(node, MaxTerminalizedRuleSize + 1) <= MaxTerminalizedRuleSize)
                {
                    _regularRules[name] = node;
                }
            }
            state[name] = 2;
        }
    }

    private static long Cost(RegexNode node, long cap)
    {
        long c = node switch
        {
            ConcatRegex cc => cc.Parts.Sum(p => Cost(p, cap)),
            AlternationRegex a => a.Branches.Sum(p => Cost(p, cap)),
            RepeatRegex r => Cost(r.Body, cap) * Math.Max(1, r.Max == RegexNode.Unbounded ? r.Min + 1 : r.Max),
            _ => 1,
        };
        return Math.Min(c, cap);
    }

    private static void CollectRuleRefs(GrammarExpression expr, HashSet<string> into)
    {
        switch (expr)
        {
            case RuleReferenceExpression r: into.Add(r.Name); break;
            case SequenceExpression s: foreach (var i in s.Items) CollectRuleRefs(i, into); break;
            case ChoiceExpression c: foreach (var i in c.Items) CollectRuleRefs(i, into); break;
            case RepeatExpression rep: CollectRuleRefs(rep.Item, into); break;
            case UnorderedExpression u:
                foreach (var (item, _) in u.Members) CollectRuleRefs(item, into);
                CollectRuleRefs(u.Separator, into);
                CollectRuleRefs(u.End, into);
                if (u.Extra is not null) CollectRuleRefs(u.Extra, into);
                break;
        }
    }

    private static bool ContainsUnordered(GrammarExpression expr) => expr switch
    {
        UnorderedExpression => true,
        SequenceExpression s => s.Items.Any(ContainsUnordered),
        ChoiceExpression c => c.Items.Any(ContainsUnordered),
        RepeatExpression rep => ContainsUnordered(rep.Item),
        _ => false,
    };

    // Removes unproductive rules and checks the start still derives something.
    private Grammar Finish(int startNt)
    {
        int n = _nonterminals.Count;
        var productive = new bool[n];
        // Worklist: each rule counts its right-hand-side nonterminal occurrences not yet known productive,
        // so a deep chain of rules costs linear time instead of one full pass per level.
        // An unordered group counts as one rule whose right-hand side is its end, separator and required members.
        var all = new List<(int Lhs, IEnumerable<GrammarSymbol> Rhs)>(_rules.Count + _unordered.Count);
        foreach (var r in _rules) all.Add((r.Lhs, r.Rhs));
        foreach (var u in _unordered)
        {
            all.Add((u.Nonterminal, u.Members.Where((_, i) => u.Required[i]).Append(u.Separator).Append(u.End)));
        }
        var pending = new int[all.Count];
        var uses = new List<int>?[n];
        var work = new Stack<int>();
        for (int i = 0; i < all.Count; i++)
        {
            foreach (var sym in all[i].Rhs)
            {
                if (sym.IsTerminal) continue;
                pending[i]++;
                (uses[sym.Index] ??= []).Add(i);
            }
            if (pending[i] == 0 && !productive[all[i].Lhs])
            {
                productive[all[i].Lhs] = true;
                work.Push(all[i].Lhs);
            }
        }
        while (work.Count > 0)
        {
            var users = uses[work.Pop()];
            if (users is null) continue;
            foreach (int i in users)
            {
                if (--pending[i] == 0 && !productive[all[i].Lhs])
                {
                    productive[all[i].Lhs] = true;
                    work.Push(all[i].Lhs);
                }
            }
        }
        if (!productive[startNt])
        {
            throw new GrammarDefinitionException($"The language of start rule '{_nonterminals[startNt]}' is empty (no finite derivation)", _nonterminals[startNt]);
        }
        bool Productive(GrammarSymbol s) => s.IsTerminal || productive[s.Index];
        var rules = _rules.Where(r => productive[r.Lhs] && r.Rhs.All(Productive)).ToImmutableArray();
        var unordered = ImmutableArray.CreateBuilder<GrammarUnordered>();
        foreach (var u in _unordered)
        {
            if (!productive[u.Nonterminal]) continue;
            var keep = Enumerable.Range(0, u.Members.Length).Where(i => Productive(u.Members[i])).ToArray();
            unordered.Add(u with
            {
                Members = [.. keep.Select(i => u.Members[i])],
                Required = [.. keep.Select(i => u.Required[i])],
                Extra = u.Extra is { } x && Productive(x) ? x : null,
            });
        }
        if (unordered.Count > 0) CheckUnorderedDelimiters(rules, unordered);
        return new Grammar(_terminals.ToImmutableArray(), _nonterminals.ToImmutableArray(), rules, startNt, unordered.ToImmutable());
    }

    // The parser's on-demand states assume that no unordered state derives the empty string, which holds when
    // separators and ends never do.
    private void CheckUnorderedDelimiters(ImmutableArray<GrammarRule> rules, IReadOnlyList<GrammarUnordered> unordered)
    {
        var nullable = Grammar.NullableNonterminals(_nonterminals.Count, rules);
        foreach (var u in unordered)
        {
            if (!u.Separator.IsTerminal && nullable[u.Separator.Index])
            {
                throw new GrammarDefinitionException("The separator of an unordered group must not match the empty string", _nonterminals[u.Nonterminal]);
            }
            if (!u.End.IsTerminal && nullable[u.End.Index])
            {
                throw new GrammarDefinitionException("The end of an unordered group must not match the empty string", _nonterminals[u.Nonterminal]);
            }
        }
    }
}
