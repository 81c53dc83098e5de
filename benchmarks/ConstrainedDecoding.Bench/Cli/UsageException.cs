namespace ConstrainedDecoding.Bench.Cli;

/// <summary>Bad command line or missing input; the runner prints the message (and usage when asked) and exits with code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message, bool showUsage = true) : base(message) => ShowUsage = showUsage;

    public UsageException() : this("invalid command line") { }

    public UsageException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Whether to print the usage text after the message.</summary>
    public bool ShowUsage { get; }
}
