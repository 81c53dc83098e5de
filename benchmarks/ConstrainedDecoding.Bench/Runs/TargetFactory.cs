using System.Diagnostics;
using ConstrainedDecoding.Bench.Data;
using ConstrainedDecoding.Bench.Inputs;
using ConstrainedDecoding.Bench.Schemas;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>Gives each instance group its <see cref="GrammarTarget"/>: the one grammar file, or the group's schema.</summary>
internal abstract class TargetFactory
{
    protected TargetFactory(GrammarCompiler compiler) => Compiler = compiler;

    protected GrammarCompiler Compiler { get; }

    /// <summary>Number of <see cref="GrammarCompiler.Compile"/> attempts so far.</summary>
    public int CompileAttempts { get; private set; }

    /// <summary>Number of successful compiles so far.</summary>
    public int CompileSuccesses { get; private set; }

    /// <summary>The target for a group, or null when the group has no schema to compile (not counted as a schema).</summary>
    public abstract GrammarTarget? GetTarget(InstanceGroup group);

    /// <summary>Runs the front end and the compiler, timing both together; exceptions become compile errors.</summary>
    protected GrammarTarget CompileTimed(string name, Func<(Grammar? Grammar, string? Error)> frontEnd)
    {
        CompileAttempts++;
        long start = Stopwatch.GetTimestamp();
        try
        {
            var (grammar, error) = frontEnd();
            if (grammar is null) return GrammarTarget.Failure(name, error ?? "no grammar", Stopwatch.GetTimestamp() - start);
            var compiled = Compiler.Compile(grammar);
            CompileSuccesses++;
            return GrammarTarget.Success(name, compiled, Stopwatch.GetTimestamp() - start);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return GrammarTarget.Failure(name, $"{e.GetType().Name}: {e.Message}", Stopwatch.GetTimestamp() - start);
        }
    }
}

/// <summary><c>--grammar</c>: one grammar, compiled once on first use, shared by every group.</summary>
internal sealed class GrammarFileTargetFactory(GrammarCompiler compiler, string path, string text) : TargetFactory(compiler)
{
    private GrammarTarget? _target;

    public override GrammarTarget GetTarget(InstanceGroup group) =>
        _target ??= CompileTimed(path, () => (GrammarFiles.Parse(path, text), null));
}

/// <summary><c>--schemas</c>: each group's schema, converted by an <see cref="ISchemaGrammarProvider"/> and compiled.</summary>
internal sealed class SchemaTargetFactory(GrammarCompiler compiler, SchemaCatalog catalog, ISchemaGrammarProvider provider) : TargetFactory(compiler)
{
    public override GrammarTarget? GetTarget(InstanceGroup group)
    {
        if (!catalog.TryGet(group.SchemaId, out var schemaJson)) return null;
        return CompileTimed(group.SchemaId, () => provider.TryCreateGrammar(schemaJson, out var g, out var error) ? (g, null) : (null, error));
    }
}
