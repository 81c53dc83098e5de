using System.Diagnostics;
using ConstrainedDecoding.Bench.Data;
using ConstrainedDecoding.Bench.Measurement;
using ConstrainedDecoding.Bench.Reporting;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Bench.Runs;

/// <summary>At sampled states, compares the fast mask with the brute-force <see cref="ReferenceMasks"/> mask.</summary>
internal sealed class CrossCheckProbe : IStateProbe
{
    /// <summary>States listed in full in the summary.</summary>
    public const int MaxExamples = 10;

    /// <summary>Differing tokens listed per example state.</summary>
    public const int MaxTokensPerExample = 8;

    private readonly TokenVocabulary _vocab;
    private readonly HashSet<long> _chosen;
    private readonly uint[] _reference;
    private readonly CrossCheckSummary _result;
    private readonly LatencySamples _referenceTimes = new();

    /// <summary>Chooses <paramref name="samples"/> distinct states out of <paramref name="totalStates"/> uniformly with a seeded generator.</summary>
    public CrossCheckProbe(TokenVocabulary vocab, long totalStates, int samples, int seed)
    {
        _vocab = vocab;
        _reference = new uint[vocab.MaskWordCount];
        _chosen = ChooseStates(totalStates, samples, seed);
        _result = new CrossCheckSummary { SamplesRequested = samples, Seed = seed, StatesTotal = totalStates };
    }

    /// <summary>States where the masks differed.</summary>
    public int Mismatches { get; private set; }

    public bool Wants(long stateIndex) => _chosen.Contains(stateIndex);

    public void Inspect(GrammarMatcher matcher, ReadOnlySpan<uint> fastMask, TokenInstance instance, int position)
    {
        _result.SamplesChecked++;
        long t0 = Stopwatch.GetTimestamp();
        ReferenceMasks.Fill(matcher, _reference);
        _referenceTimes.Add(Stopwatch.GetTimestamp() - t0);
        if (fastMask.SequenceEqual(_reference)) return;

        Mismatches++;
        List<TokenDiff>? listed = _result.Examples.Count < MaxExamples ? [] : null;
        for (int w = 0; w < _reference.Length; w++)
        {
            uint diff = fastMask[w] ^ _reference[w];
            while (diff != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(diff);
                diff &= diff - 1;
                int id = (w << 5) | bit;
                bool fast = (fastMask[w] & (1u << bit)) != 0;
                _result.TokensDiffering++;
                if (fast) _result.FastOnlyTokens++; else _result.ReferenceOnlyTokens++;
                if (listed is not null && listed.Count < MaxTokensPerExample)
                {
                    listed.Add(new TokenDiff(id, TokenText.Describe(_vocab, id), TokenText.Hex(_vocab, id), fast, !fast));
                }
            }
        }
        if (listed is not null)
        {
            _result.Examples.Add(new MaskMismatchRecord(instance.SchemaId, instance.Test, position, TokenText.Context(_vocab, instance.Ids, position), listed));
        }
    }

    /// <summary>The crosscheck fields, final once the run is over.</summary>
    public CrossCheckSummary Finish()
    {
        _result.SamplesUnreached = _chosen.Count - _result.SamplesChecked;
        _result.ReferenceUs = _referenceTimes.Summarize();
        return _result;
    }

    private static HashSet<long> ChooseStates(long total, int samples, int seed)
    {
        var chosen = new HashSet<long>();
        if (total <= samples)
        {
            for (long i = 0; i < total; i++) chosen.Add(i);
            return chosen;
        }
        var random = new Random(seed);
        while (chosen.Count < samples) chosen.Add(random.NextInt64(total));
        return chosen;
    }
}
