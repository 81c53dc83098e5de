using System.Runtime.InteropServices;

namespace ConstrainedDecoding.Bench.Reporting;

/// <summary>Where the numbers were taken.</summary>
internal sealed record MachineInfo(
    int ProcessorCount,
    string Os,
    string Architecture,
    string Framework,
    string RuntimeIdentifier,
    bool ServerGc,
    bool Debug)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.RuntimeIdentifier,
        System.Runtime.GCSettings.IsServerGC,
#if DEBUG
        true);
#else
        false);
#endif
}
