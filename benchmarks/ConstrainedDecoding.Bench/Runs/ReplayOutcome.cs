namespace ConstrainedDecoding.Bench.Runs;

/// <summary>How a replay ended.</summary>
internal enum ReplayEnd
{
    /// <summary>Every token allowed and accepted, and the stop token allowed at the end.</summary>
    Accepted,

    /// <summary>A token was not in the mask and the matcher rejected it (consistently).</summary>
    TokenRejected,

    /// <summary>All tokens accepted but the stop token is not allowed (IsAccepting false, stop bit clear).</summary>
    StopNotAllowed,

    /// <summary>The mask and <c>TryAcceptToken</c> disagree about a token (a matcher bug).</summary>
    MaskAcceptMismatch,

    /// <summary><c>IsAccepting</c>, the stop bit, and accepting the stop token disagree (a matcher bug).</summary>
    StopMismatch,

    /// <summary>The matcher threw.</summary>
    MatcherError,
}

/// <summary>Result of replaying one instance.</summary>
/// <param name="End">How it ended.</param>
/// <param name="Position">Token index where it ended (the token count when it ended at the stop check).</param>
/// <param name="Message">Details for failure reports.</param>
internal readonly record struct ReplayOutcome(ReplayEnd End, int Position, string? Message = null)
{
    /// <summary>Whether the whole instance, stop token included, was accepted.</summary>
    public bool FullyAccepted => End == ReplayEnd.Accepted;

    /// <summary>Whether the matcher contradicted itself or threw (counted whatever the expectation).</summary>
    public bool IsMatcherFault => End is ReplayEnd.MaskAcceptMismatch or ReplayEnd.StopMismatch or ReplayEnd.MatcherError;
}
