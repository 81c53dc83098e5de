using ConstrainedDecoding.Bench.Data;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>Looks at chosen matcher states during a replay, outside the timed regions (crosscheck uses it).</summary>
internal interface IStateProbe
{
    /// <summary>Whether to call <see cref="Inspect"/> for this state.</summary>
    /// <param name="stateIndex">Index of the state over the whole run (every instance has token count + 1 states).</param>
    bool Wants(long stateIndex);

    /// <summary>Inspects a state after its fast mask was filled; must not change the matcher.</summary>
    /// <param name="matcher">The matcher, before the token at <paramref name="position"/> is accepted.</param>
    /// <param name="fastMask">The mask the matcher produced.</param>
    /// <param name="instance">The instance being replayed.</param>
    /// <param name="position">Token index (equal to the token count at the final state).</param>
    void Inspect(GrammarMatcher matcher, ReadOnlySpan<uint> fastMask, TokenInstance instance, int position);
}
