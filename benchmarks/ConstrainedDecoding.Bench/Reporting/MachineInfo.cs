using System.Runtime.InteropServices;

namespace ConstrainedDecoding.Bench.Reporting;

/// <summary>Where the numbers were taken.</summary>
/// <param name="GcLatencyMode">The collector's latency mode during the run.</param>
/// <param name="GcGen0Size">
/// The young-generation budget set through the <c>DOTNET_GCgen0size</c> (or <c>COMPlus_GCgen0size</c>) environment variable, as
/// given (hexadecimal bytes), or null for the runtime's default (derived from the CPU's last-level cache size). It bounds how much
/// a single young collection has to copy, so it moves the worst mask times; see docs/performance.md.
/// </param>
/// <param name="GcGen0MaxBudget">
/// The cap on the young-generation budget from the runner's <c>runtimeconfig.json</c> (<c>System.GC.Gen0MaxBudget</c>, bytes; the
/// runner is built with it only when given <c>-p:BenchGen0MaxBudget=&lt;bytes&gt;</c>), or null when not set (the runtime's default).
/// </param>
internal sealed record MachineInfo(
    int ProcessorCount,
    string Os,
    string Architecture,
    string Framework,
    string RuntimeIdentifier,
    bool ServerGc,
    bool Debug,
    string GcLatencyMode,
    string? GcGen0Size,
    long? GcGen0MaxBudget)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.RuntimeIdentifier,
        System.Runtime.GCSettings.IsServerGC,
#if DEBUG
        true,
#else
        false,
#endif
        System.Runtime.GCSettings.LatencyMode.ToString(),
        Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? Environment.GetEnvironmentVariable("COMPlus_GCgen0size"),
        AppContext.GetData("System.GC.Gen0MaxBudget") is { } budget && long.TryParse(budget.ToString(), System.Globalization.CultureInfo.InvariantCulture, out long bytes) ? bytes : null);
}
