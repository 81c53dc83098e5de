using BenchmarkDotNet.Running;

namespace ConstrainedDecoding.Benchmarks;

/// <summary>
/// Runs the micro benchmarks: <c>dotnet run -c Release --project benchmarks/ConstrainedDecoding.Benchmarks -- --filter '*'</c>.
/// Inputs come from grammars/ and the shared data folder (CONSTRAINED_DECODING_DATA); cases whose
/// input is absent are left out, and the list of what was left out is printed first.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        foreach (var line in Infrastructure.BenchmarkInputs.DescribeMissing()) Console.WriteLine(line);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
