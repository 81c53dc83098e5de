namespace ConstrainedDecoding.Testing;

/// <summary>Locates the repository and the optional shared evaluation data folder.</summary>
public static class TestData
{
    /// <summary>The repository root (the folder holding ConstrainedDecoding.sln), found by walking up from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The shared data folder (<c>../shared/data</c> beside the repository, or <c>CONSTRAINED_DECODING_DATA</c>), or null when absent.</summary>
    public static string? DataRoot { get; } = FindDataRoot();

    /// <summary>Why data-driven tests skip when <see cref="DataRoot"/> is null.</summary>
    public const string MissingDataReason = "Evaluation data not found: set CONSTRAINED_DECODING_DATA or place it at ../shared/data beside the repository.";

    /// <summary>Path of a file under the data root, or null when the data root or the file is absent.</summary>
    public static string? DataFile(params string[] parts)
    {
        if (DataRoot is null) return null;
        var p = Path.Combine([DataRoot, .. parts]);
        return File.Exists(p) || Directory.Exists(p) ? p : null;
    }

    /// <summary>Path of a built-in grammar file.</summary>
    public static string GrammarFile(string name) => Path.Combine(RepositoryRoot, "grammars", name);

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConstrainedDecoding.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        return Directory.GetCurrentDirectory();
    }

    private static string? FindDataRoot()
    {
        var env = Environment.GetEnvironmentVariable("CONSTRAINED_DECODING_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
