// API surface placeholder; replaced by the implementation.
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Matching;

/// <summary>Compiles grammars against one vocabulary. Thread-safe; reuse one per tokenizer.</summary>
public sealed class GrammarCompiler
{
    /// <summary>Creates a compiler bound to <paramref name="vocabulary"/>.</summary>
    public GrammarCompiler(TokenVocabulary vocabulary) => Vocabulary = vocabulary;

    /// <summary>The vocabulary.</summary>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>Compiles a grammar.</summary>
    public CompiledGrammar Compile(Grammar grammar) => throw new NotImplementedException();
}

/// <summary>An immutable grammar compiled against a vocabulary. Thread-safe; create matchers from it.</summary>
public sealed class CompiledGrammar
{
    internal CompiledGrammar() => throw new NotImplementedException();

    /// <summary>The grammar.</summary>
    public Grammar Grammar => throw new NotImplementedException();

    /// <summary>The vocabulary.</summary>
    public TokenVocabulary Vocabulary => throw new NotImplementedException();

    /// <summary>Words in a token bitmask.</summary>
    public int MaskWordCount => Vocabulary.MaskWordCount;

    /// <summary>A new matcher at the start of the language.</summary>
    public GrammarMatcher CreateMatcher() => new(this);
}

/// <summary>Per-sequence matcher. Not thread-safe.</summary>
public sealed class GrammarMatcher
{
    /// <summary>Creates a matcher.</summary>
    public GrammarMatcher(CompiledGrammar grammar) => throw new NotImplementedException();

    /// <summary>Fills the next-token bitmask.</summary>
    public void FillNextTokenMask(Span<uint> mask) => throw new NotImplementedException();

    /// <summary>Accepts a token if allowed.</summary>
    public bool TryAcceptToken(int tokenId) => throw new NotImplementedException();

    /// <summary>Accepts bytes if allowed.</summary>
    public bool TryAcceptBytes(ReadOnlySpan<byte> bytes) => throw new NotImplementedException();

    /// <summary>Accepts a string if allowed.</summary>
    public bool TryAcceptString(string text) => throw new NotImplementedException();

    /// <summary>Whether the stop token is allowed now.</summary>
    public bool IsAccepting => throw new NotImplementedException();

    /// <summary>Whether a stop token was accepted.</summary>
    public bool IsTerminated => throw new NotImplementedException();

    /// <summary>Rolls back tokens.</summary>
    public void Rollback(int tokenCount) => throw new NotImplementedException();

    /// <summary>Resets.</summary>
    public void Reset() => throw new NotImplementedException();

    /// <summary>Forks.</summary>
    public GrammarMatcher Fork() => throw new NotImplementedException();
}
