using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>One compiled grammar (the <c>--grammar</c> file, or one schema) and the matcher reused across its instances.</summary>
internal sealed class GrammarTarget
{
    private GrammarTarget(string name, CompiledGrammar? compiled, string? error, long compileTicks)
    {
        Name = name;
        Compiled = compiled;
        Error = error;
        CompileTicks = compileTicks;
        FirstMaskPending = compiled is not null;
    }

    /// <summary>Grammar path or schema id.</summary>
    public string Name { get; }

    /// <summary>The compiled grammar; null after a compile error.</summary>
    public CompiledGrammar? Compiled { get; }

    /// <summary>The compile error ("Type: message"); null when compiled.</summary>
    public string? Error { get; }

    /// <summary>Front end (parse or schema conversion) plus <see cref="GrammarCompiler.Compile"/>, in Stopwatch ticks.</summary>
    public long CompileTicks { get; }

    /// <summary>Whether the next mask is the first of this compiled grammar (recorded as time-to-first-mask).</summary>
    public bool FirstMaskPending { get; set; }

    /// <summary>The matcher, created on first use and reset between instances; dropped after a matcher exception.</summary>
    public GrammarMatcher? Matcher { get; set; }

    public static GrammarTarget Success(string name, CompiledGrammar compiled, long ticks) => new(name, compiled, null, ticks);

    public static GrammarTarget Failure(string name, string error, long ticks) => new(name, null, error, ticks);
}
