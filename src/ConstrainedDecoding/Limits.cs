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

    /// <summary>Members of one <see cref="Grammars.GrammarExpression.Unordered"/> expression (the parser tracks them as a 256-bit set).</summary>
    public const int MaxUnorderedMembers = 256;

    /// <summary>
    /// Parser items one compiled grammar may create on demand for its <see cref="Grammars.GrammarExpression.Unordered"/>
    /// expressions (a state per set of members written so far, made when first reached).
    /// </summary>
    public const int MaxUnorderedItems = 4_000_000;

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

    /// <summary>Long regex keys the process keeps short stand-ins for (cleared when full: equal regexes built later may then share less).</summary>
    public const int MaxInternedRegexKeys = 200_000;

    /// <summary>Distinct multi-byte classes whose regex nodes are shared (the cache starts over when full).</summary>
    public const int MaxInternedByteClasses = 16_384;

    /// <summary>Characters the long regex keys kept for stand-ins may hold in all (about 2 bytes each) before the table is cleared.</summary>
    public const long MaxInternedRegexKeyChars = 32_000_000;

    /// <summary>Boundary-token entries a vocabulary shares across grammars before the cache is cleared.</summary>
    public const int MaxSharedBoundaryEntries = 200_000;

    /// <summary>Fully walked dense terminal states a vocabulary indexes for reuse by other terminals' states (the index is cleared when full).</summary>
    public const int MaxSharedStateBases = 4_096;

    /// <summary>Token ids a terminal state's table may add to a shared dense table it is computed as a difference from (above: a full trie walk).</summary>
    public const int MaxInsideDifferenceAdded = 4_096;

    /// <summary>Token ids a terminal state's table may remove from a shared dense table it is computed as a difference from (above: a full trie walk).</summary>
    public const int MaxInsideDifferenceRemoved = 1_024;

    /// <summary>Trie nodes a difference computation may visit before it gives up for a full trie walk.</summary>
    public const int MaxInsideDifferenceNodes = 4_000;




    /// <summary>Terminal tables a vocabulary keeps for sharing across grammars; when full the least recently used half is dropped (grammars keep the tables they hold).</summary>
    public const int MaxSharedTerminalTables = 4_096;

    /// <summary>
    /// Slots of the filter that remembers patterns requested once: a pattern is kept for sharing across grammars from its
    /// second request on (a fixed array of hashes; a pattern whose slot another one took meanwhile waits for one more request).
    /// </summary>
    public const int SharedTerminalTableCandidates = 16_384;

    /// <summary>
    /// Parser boundaries built while following the lexical splits of tokens for one new mask context.
    /// Past it the matcher switches to a byte-level walk that merges splits (polynomial, slower on
    /// ordinary grammars); no error is raised.
    /// </summary>
    public const int MaxDoubleBoundaryPushes = 2_000;

    /// <summary>Tokens a token-level operation (rollback depth, forced run) may span.</summary>
    public const int MaxForcedBytes = 4096;

    /// <summary>
    /// Default and upper bound of <see cref="Sampling.Asap.AsapOptions.MaxTrieBytes"/>: the ASAp trie keeps a node per
    /// explored prefix for the sampler's lifetime, so repeated sampling grows it without end unless capped. Hitting it raises
    /// <see cref="Sampling.Asap.AsapMemoryLimitException"/> and leaves the trie as it was before the sample.
    /// </summary>
    public const long MaxAsapTrieBytes = 1L << 30;

    /// <summary>
    /// Upper bound of <see cref="Sampling.Asap.AsapOptions.MaxTokens"/>, the length of one ASAp sample (stop token included).
    /// Each token is a trie level and a path entry; outputs that need more count as ungrammatical.
    /// </summary>
    public const int MaxAsapSampleTokens = 65_536;
}
