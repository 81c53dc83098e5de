using ConstrainedDecoding.Bench.Cli;
using ConstrainedDecoding.Bench.Reporting;
using ConstrainedDecoding.Bench.Runs;

namespace ConstrainedDecoding.Bench;

/// <summary>Entry point: <c>maskbench</c> and <c>crosscheck</c> over tokenized JSONSchemaBench instances; <c>testsuite</c> over the JSON Schema Test Suite; <c>asap</c>, <c>asap-e2e</c>; <c>generate</c> (tokens/s with a model).</summary>
internal static class Program
{
    private const int ExitOk = 0;
    private const int ExitUsage = 2;
    private const int ExitErrorsCounted = 3;

    private static int Main(string[] args)
    {
        if (CommandLine.IsHelp(args))
        {
            if (args.Length == 0)
            {
                Console.Error.WriteLine(CommandLine.Usage);
                return ExitUsage;
            }
            Console.WriteLine(CommandLine.Usage);
            return ExitOk;
        }
        try
        {
            if (args[0] == "testsuite") return TestSuite.TestSuiteRunner.Run(args);
            if (args[0] == "asap") return Asap.AsapCommand.Run(args);
            if (args[0] == "asap-e2e") return Asap.AsapEndToEndCommand.Run(args);
            if (args[0] == "generate") return Generation.GenerateCommand.Run(args);
            var options = CommandLine.Parse(args);
            var summary = BenchRunner.Run(options);
            Console.Write(SummaryOutput.ToTable(summary));
            if (options.JsonPath is { } json)
            {
                SummaryOutput.WriteJson(summary, json);
                Console.WriteLine($"  summary written to {Path.GetFullPath(json)}");
            }
            return options.Strict && summary.HasErrors ? ExitErrorsCounted : ExitOk;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (e.ShowUsage) Console.Error.WriteLine(CommandLine.Usage);
            return ExitUsage;
        }
    }
}
