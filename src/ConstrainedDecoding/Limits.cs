namespace ConstrainedDecoding;

/// <summary>
/// Every limit on a structure that grows with input, in one place. Hitting one raises
/// <see cref="Grammars.GrammarLimitException"/> naming the constant.
/// </summary>
public static class Limits
{
    /// <summary>NFA states per terminal. Bounds memory for large bounded repeats like <c>{0,100000}</c>: each copy of the body costs its size.</summary>
    public const int MaxNfaStates = 4_000_000;

    /// <summary>DFA states per terminal, built lazily. Subset construction can be exponential; this stops it before memory does.</summary>
    public const int MaxDfaStates = 200_000;

    /// <summary>States of an intersection/difference automaton built eagerly by <see cref="Regex.RegexAlgebra"/>.</summary>
    public const int MaxProductStates = 100_000;

    /// <summary>Bytes that a regex literal or pattern text may have.</summary>
    public const int MaxPatternLength = 1_000_000;

    /// <summary>Expansion of <c>~ n..m</c> / <c>{m,n}</c> repeats over rules (each copy is a grammar symbol).</summary>
    public const int MaxRuleRepeat = 10_000;

    /// <summary>Nesting depth of grammar/regex syntax; parsers are recursive descent.</summary>
    public const int MaxSyntaxNesting = 500;

    /// <summary>Productions in one grammar after EBNF desugaring.</summary>
    public const int MaxRules = 1_000_000;

    /// <summary>Earley items held by one matcher (all positions). Grows with output length and grammar ambiguity.</summary>
    public const int MaxParserItems = 20_000_000;

    /// <summary>Live lexer heads at one byte position. Grows with lexical ambiguity.</summary>
    public const int MaxLexerHeads = 100_000;

    /// <summary>Bytes that one matcher may consume (rollback history is kept for all of them).</summary>
    public const int MaxMatcherBytes = 16 * 1024 * 1024;

    /// <summary>Entries of the per-grammar context-dependent mask cache before it is cleared.</summary>
    public const int MaxContextMaskCacheEntries = 200_000;

    /// <summary>Entries of a grammar's boundary-token cache (per terminal state and expected-terminal set, and per trie node and set) before it is cleared.</summary>
    public const int MaxBoundaryCacheEntries = 500_000;

    /// <summary>Terminal tables a vocabulary keeps for sharing across grammars before the cache is cleared (grammars keep the tables they hold).</summary>
    public const int MaxSharedTerminalTables = 4_096;

    /// <summary>
    /// Parser boundaries built while following the lexical splits of tokens for one new mask context.
    /// Past it the matcher switches to a byte-level walk that merges splits (polynomial, slower on
    /// ordinary grammars); no error is raised.
    /// </summary>
    public const int MaxDoubleBoundaryPushes = 2_000;

    /// <summary>Tokens a token-level operation (rollback depth, forced run) may span.</summary>
    public const int MaxForcedBytes = 4096;
}
