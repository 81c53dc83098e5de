using System.Runtime.CompilerServices;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// The mask store for one terminal over one vocabulary: the terminal's lazy DFA and, for each DFA
/// state reached so far, the tokens that can be consumed entirely inside the terminal from that state
/// (context-independent) plus the trie nodes where the terminal may end inside a token (the only
/// places where the parser has a say). Shared by every grammar that uses the same pattern.
/// </summary>
/// <remarks>Thread-safe: entries are computed once under a lock and published.</remarks>
internal sealed partial class TerminalTable
{
    private readonly TokenVocabulary _vocab;
    private readonly object _sync = new();
    private StateTokens?[] _states = new StateTokens?[16];

    private static long s_nextId;

    [ThreadStatic] private static uint[]? t_bits;
    [ThreadStatic] private static List<int>? t_acceptNodes;
    [ThreadStatic] private static int[]? t_stateAt;

    /// <summary>
    /// A number no other table of the process has: state numbers are per table, and caches that outlive a table key
    /// its states by this instead of holding the table (and its automaton) alive.
    /// </summary>
    public long Id { get; } = Interlocked.Increment(ref s_nextId);

    public TerminalTable(RegexNode pattern, TokenVocabulary vocab)
    {
        Pattern = pattern;
        _vocab = vocab;
        Dfa = new LazyDfa(pattern);
    }

    public RegexNode Pattern { get; }

    public LazyDfa Dfa { get; }

    /// <summary>Per-state token data (computed on first use with one trie walk).</summary>
    public StateTokens GetState(int dfaState)
    {
        var arr = Volatile.Read(ref _states);
        if (dfaState < arr.Length && arr[dfaState] is { } st) return st;
        return Compute(dfaState);
    }

    private StateTokens Compute(int dfaState)
    {
        lock (_sync)
        {
            if (dfaState < _states.Length && _states[dfaState] is { } existing) return existing;
            var st = Build(dfaState);
            if (dfaState >= _states.Length)
            {
                var bigger = new StateTokens?[Math.Max(dfaState + 1, _states.Length * 2)];
                Array.Copy(_states, bigger, _states.Length);
                bigger[dfaState] = st;
                Volatile.Write(ref _states, bigger);
            }
            else
            {
                Volatile.Write(ref _states[dfaState], st);
            }
            return st;
        }
    }

    // One DFS over the token trie from dfaState, skipping subtrees at dead bytes. Tokens go straight
    // into a bitmask: states inside strings keep most of a 128k vocabulary, and a growing list of
    // them would land on the large-object heap.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StateTokens Walk(int dfaState)
    {
        var trie = _vocab.Trie;
        // Per-thread scratch: most walks are small (literal-like terminals), and a fresh mask-sized
        // array for each would be most of what cold mask steps allocate.
        var bits = t_bits is { } b && b.Length == _vocab.MaskWordCount ? b : t_bits = new uint[_vocab.MaskWordCount];
        Array.Clear(bits);
        int count = 0;
        var acceptNodes = t_acceptNodes ??= [];
        acceptNodes.Clear();
        var stateAt = t_stateAt is { } sa && sa.Length >= trie.MaxDepth + 1 ? sa : t_stateAt = new int[trie.MaxDepth + 1];
        stateAt[0] = dfaState;
        int i = 1;
        var label = trie.Label;
        var depth = trie.Depth;
        var end = trie.SubtreeEnd;
        while (i < trie.NodeCount)
        {
            int d = depth[i];
            int s = Dfa.Step(stateAt[d - 1], label[i]);
            if (s == LazyDfa.Dead)
            {
                i = end[i];
                continue;
            }
            stateAt[d] = s;
            foreach (int t in trie.TokensAt(i))
            {
                bits[t >> 5] |= 1u << (t & 31);
                count++;
            }
            if (Dfa.IsAccepting(s) && end[i] > i + 1) acceptNodes.Add(i);
            i++;
        }
        return new StateTokens(TokenSet.FromBitmask(bits, count), TokenSet.ToCacheArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(acceptNodes)));
    }
}

/// <summary>Tokens for one terminal DFA state.</summary>
/// <param name="Inside">Tokens whose bytes all stay inside the terminal (the DFA is alive after them).</param>
/// <param name="AcceptNodes">Trie nodes with children where the DFA accepts: tokens below them may end the terminal mid-token.</param>
internal sealed record StateTokens(TokenSet Inside, int[] AcceptNodes);
