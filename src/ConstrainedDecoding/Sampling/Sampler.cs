using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;

namespace ConstrainedDecoding.Sampling;

/// <summary>
/// Chooses the next token from a row of logits: greedy, or a seeded draw with temperature, top-k, top-p, min-p
/// and a repetition penalty, with an allowed-token mask applied before any truncation.
/// </summary>
/// <remarks>
/// <para>Draws use the Gumbel-max trick with counter-based noise (<c>argmax(logit/T + g)</c>, where the noise
/// <c>g</c> of token <c>i</c> is a hash of the step's random key and <c>i</c>). The result is an exact draw from
/// the softmax, and restricting the argmax to allowed tokens is an exact draw from the masked softmax.</para>
/// <para>Sample-first: for greedy and pure sampling (no truncation) the winner of the unmasked argmax, when it is
/// allowed, is also the winner of the masked one (same noise, same ties), so
/// <see cref="Sample{TConstraint}(Span{float}, ref TConstraint, ReadOnlySpan{int})"/> checks just that token and
/// asks for the full mask only when it is disallowed. Results are identical to masking first.</para>
/// <para>One sampler per sequence; not thread-safe. Buffers are reused, so steady-state calls do not allocate.
/// Calls modify the logits span (penalty, mask).</para>
/// </remarks>
public sealed class Sampler
{
    private Xoshiro256 _random;
    private float[] _scores = [];
    private int[] _candidates = [];
    private ulong[] _candidateKeys = [];
    private int[] _seenStamp = [];
    private int _stamp;

    /// <summary>Creates a sampler seeded with <see cref="SamplingOptions.Seed"/>.</summary>
    /// <param name="options">Sampling settings; null means <see cref="SamplingOptions"/> defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Sampler(SamplingOptions? options = null)
    {
        Options = options ?? new SamplingOptions();
        Options.Validate();
        _random = new Xoshiro256(Options.Seed);
    }

    /// <summary>The settings.</summary>
    public SamplingOptions Options { get; }

    /// <summary>Whether <see cref="Sample{TConstraint}(Span{float}, ref TConstraint, ReadOnlySpan{int})"/> can try the unmasked draw first (greedy or no truncation).</summary>
    public bool CanSampleFirst => !Options.Truncates;

    /// <summary>Restarts the random stream at <paramref name="seed"/>.</summary>
    /// <param name="seed">The new seed.</param>
    public void Reseed(ulong seed) => _random = new Xoshiro256(seed);

    /// <summary>Chooses a token with no constraint.</summary>
    /// <param name="logits">One row of logits (modified: penalty, temperature scratch is separate).</param>
    /// <param name="history">Tokens so far, for the repetition penalty.</param>
    /// <returns>The chosen token id.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">Every logit is negative infinity.</exception>
    public int Sample(Span<float> logits, ReadOnlySpan<int> history = default)
    {
        Prepare(logits, history);
        return Choose(logits);
    }

    /// <summary>Masks <paramref name="logits"/> with <paramref name="mask"/>, then chooses a token (the full-mask path).</summary>
    /// <param name="logits">One row of logits; disallowed entries are set to negative infinity.</param>
    /// <param name="mask">The allowed-token bitmask.</param>
    /// <param name="history">Tokens so far, for the repetition penalty.</param>
    /// <returns>The chosen token id, always allowed by <paramref name="mask"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No token is allowed (or every allowed logit is negative infinity).</exception>
    public int Sample(Span<float> logits, ReadOnlySpan<uint> mask, ReadOnlySpan<int> history = default)
    {
        Prepare(logits, history);
        LogitMask.Apply(logits, mask);
        return Choose(logits);
    }

    private int Choose(Span<float> logits)
    {
        if (Options.IsGreedy) return CheckFinite(logits, TensorPrimitives.IndexOfMax(logits));
        ulong key = _random.Next();
        if (Options.Truncates) return SampleTruncated(logits, key);
        return CheckFound(GumbelNoise.ArgMaxPerturbed(logits, 1f / Options.Temperature, key));
    }

    /// <summary>
    /// Chooses a token allowed by <paramref name="constraint"/>. For greedy and pure sampling it tries the unmasked
    /// choice first and asks for the mask only if that token is disallowed; with truncation it masks first.
    /// Either way the result equals <see cref="Sample(Span{float}, ReadOnlySpan{uint}, ReadOnlySpan{int})"/> with the
    /// constraint's mask, for the same seed and calls.
    /// </summary>
    /// <typeparam name="TConstraint">The constraint type (a struct, so calls are direct).</typeparam>
    /// <param name="logits">One row of logits (modified).</param>
    /// <param name="constraint">What is allowed.</param>
    /// <param name="history">Tokens so far, for the repetition penalty.</param>
    /// <returns>The chosen token id.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No token is allowed.</exception>
    public int Sample<TConstraint>(Span<float> logits, ref TConstraint constraint, ReadOnlySpan<int> history = default)
        where TConstraint : ITokenConstraint, allows ref struct
    {
        if (Options.Truncates) return Sample(logits, constraint.GetMask(), history);
        Prepare(logits, history);
        if (Options.IsGreedy)
        {
            int best = TensorPrimitives.IndexOfMax(logits);
            if (constraint.IsAllowed(best)) return CheckFinite(logits, best);
            LogitMask.Apply(logits, constraint.GetMask());
            return CheckFinite(logits, TensorPrimitives.IndexOfMax(logits));
        }
        ulong key = _random.Next();
        float inverseTemperature = 1f / Options.Temperature;
        int token = GumbelNoise.ArgMaxPerturbed(logits, inverseTemperature, key);
        if (token >= 0 && constraint.IsAllowed(token)) return token;
        // Same key, same noise: the argmax over the masked row is the full-mask path's draw.
        LogitMask.Apply(logits, constraint.GetMask());
        return CheckFound(GumbelNoise.ArgMaxPerturbed(logits, inverseTemperature, key));
    }

    private void Prepare(Span<float> logits, ReadOnlySpan<int> history)
    {
        if (logits.IsEmpty) throw new ArgumentException("The logits row is empty.", nameof(logits));
        if (Options.RepetitionPenalty != 1f && !history.IsEmpty) Penalize(logits, history);
    }

    private void Penalize(Span<float> logits, ReadOnlySpan<int> history)
    {
        if (Options.RepetitionWindow > 0 && history.Length > Options.RepetitionWindow) history = history[^Options.RepetitionWindow..];
        EnsureCapacity(ref _seenStamp, logits.Length);
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_seenStamp);
            _stamp = 1;
        }
        float penalty = Options.RepetitionPenalty;
        foreach (int token in history)
        {
            if ((uint)token >= (uint)logits.Length || _seenStamp[token] == _stamp) continue;
            _seenStamp[token] = _stamp; // each distinct token once, however often it repeats
            float value = logits[token];
            logits[token] = value > 0 ? value / penalty : value * penalty;
        }
    }

    // Min-p, then top-k, then top-p on the masked, tempered distribution; then Gumbel-max over the survivors.
    private int SampleTruncated(ReadOnlySpan<float> logits, ulong key)
    {
        int width = logits.Length;
        EnsureCapacity(ref _scores, width);
        Span<float> scaled = _scores.AsSpan(0, width);
        TensorPrimitives.Multiply(logits, 1f / Options.Temperature, scaled);
        float max = TensorPrimitives.Max(scaled);
        if (float.IsNegativeInfinity(max)) ThrowNothingAllowed();

        // Candidates: finite logits at or above the min-p floor (p_i >= minP * p_max  <=>  s_i >= max + log minP).
        float floor = Options.MinP > 0f ? max + MathF.Log(Options.MinP) : float.NegativeInfinity;
        EnsureCapacity(ref _candidates, width);
        EnsureCapacity(ref _candidateKeys, width);
        int count = 0;
        for (int i = 0; i < width; i++)
        {
            float s = scaled[i];
            if (s >= floor && !float.IsNegativeInfinity(s)) _candidates[count++] = i;
        }
        if (Options.TopK > 0 && count > Options.TopK) count = KeepLargest(scaled, count, Options.TopK);
        if (Options.TopP < 1f) count = KeepNucleus(scaled, count, max);

        int best = -1;
        float bestScore = float.NegativeInfinity;
        for (int c = 0; c < count; c++)
        {
            int token = _candidates[c];
            float score = scaled[token] + GumbelNoise.Sample(key, token);
            if (best < 0 || score > bestScore || (score == bestScore && token < best))
            {
                best = token;
                bestScore = score;
            }
        }
        return best;
    }

    // The k best candidates (descending score, ties by id) by quickselect on packed keys: O(count), not a full sort.
    private int KeepLargest(ReadOnlySpan<float> scaled, int count, int k)
    {
        Span<ulong> keys = PackKeys(scaled, count);
        int lo = 0, hi = count - 1;
        while (lo < hi)
        {
            ulong pivot = MedianOfThree(keys[lo], keys[lo + ((hi - lo) >> 1)], keys[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot) i++;
                while (keys[j] > pivot) j--;
                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    i++;
                    j--;
                }
            }
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else break;
        }
        UnpackKeys(keys[..k]);
        return k;

        static ulong MedianOfThree(ulong a, ulong b, ulong c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }

    // Smallest prefix (by descending probability) whose mass reaches TopP. Only tokens above a probability floor
    // are sorted when those already hold enough mass: every token under the floor ranks after all above it.
    private int KeepNucleus(ReadOnlySpan<float> scaled, int count, float max)
    {
        double total = 0;
        for (int c = 0; c < count; c++) total += Math.Exp(scaled[_candidates[c]] - max);
        double target = Options.TopP * total;
        double floor = 1e-4 * total;
        int kept = count;
        while (true)
        {
            double above = 0;
            int n = 0;
            for (int c = 0; c < count; c++)
            {
                double w = Math.Exp(scaled[_candidates[c]] - max);
                if (w >= floor) above += w;
            }
            if (above >= target || floor < 1e-30 * total)
            {
                if (above >= target)
                {
                    // Move the tokens above the floor to the front (stable order is restored by the sort).
                    for (int c = 0; c < count; c++)
                    {
                        int token = _candidates[c];
                        if (Math.Exp(scaled[token] - max) >= floor) _candidates[n++] = token;
                    }
                    kept = n;
                }
                break;
            }
            floor *= 1e-3;
        }
        SortCandidates(scaled, kept);
        double cumulative = 0;
        for (int c = 0; c < kept; c++)
        {
            cumulative += Math.Exp(scaled[_candidates[c]] - max);
            if (cumulative >= target) return c + 1;
        }
        return kept;
    }

    // Descending score, ties by ascending id: one packed key per candidate, so ordering is allocation-free and total.
    private Span<ulong> PackKeys(ReadOnlySpan<float> scaled, int count)
    {
        Span<ulong> keys = _candidateKeys.AsSpan(0, count);
        for (int c = 0; c < count; c++)
        {
            int id = _candidates[c];
            uint bits = BitConverter.SingleToUInt32Bits(scaled[id]);
            uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            keys[c] = ((ulong)~ascending << 32) | (uint)id;
        }
        return keys;
    }

    private void UnpackKeys(ReadOnlySpan<ulong> keys)
    {
        for (int c = 0; c < keys.Length; c++) _candidates[c] = (int)(uint)keys[c];
    }

    private void SortCandidates(ReadOnlySpan<float> scaled, int count)
    {
        Span<ulong> keys = PackKeys(scaled, count);
        keys.Sort();
        UnpackKeys(keys);
    }

    private static int CheckFinite(ReadOnlySpan<float> values, int index)
    {
        if (index < 0 || float.IsNegativeInfinity(values[index])) ThrowNothingAllowed();
        return index;
    }

    private static int CheckFound(int index)
    {
        if (index < 0) ThrowNothingAllowed();
        return index;
    }

    private static void EnsureCapacity<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }

    [DoesNotReturn]
    private static void ThrowNothingAllowed() =>
        throw new InvalidOperationException("No token can be chosen: every allowed logit is negative infinity (an empty mask, or a dead end in the grammar).");
}
