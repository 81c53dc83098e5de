using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Sampling;
using ConstrainedDecoding.Sampling.Asap;

namespace ConstrainedDecoding.Testing.Asap;

/// <summary>
/// Exact distributions of a small task, by enumerating every token path the grammar allows within the length bound:
/// the model conditioned on the grammar (the target), and what plain constrained decoding samples.
/// </summary>
public sealed class ExactDistribution
{
    private ExactDistribution(Dictionary<string, double> target, Dictionary<string, double> constrained, double grammatical)
    {
        Target = target;
        Constrained = constrained;
        Grammatical = grammatical;
    }

    /// <summary>Output (tokens as <see cref="Key"/>) → probability under the model conditioned on the grammar.</summary>
    public IReadOnlyDictionary<string, double> Target { get; }

    /// <summary>Output → probability that plain constrained decoding produces it (sums to less than 1 when some paths hit the length bound).</summary>
    public IReadOnlyDictionary<string, double> Constrained { get; }

    /// <summary>Probability that the unconstrained model produces a complete string of the grammar: the exact expected future grammaticality of the empty prefix.</summary>
    public double Grammatical { get; }

    /// <summary>The key of a token path.</summary>
    public static string Key(IEnumerable<int> tokens) => string.Join(',', tokens);

    /// <summary>Enumerates the task's outputs.</summary>
    /// <exception cref="InvalidOperationException">More than 100,000 outputs (not a small task).</exception>
    public static ExactDistribution Compute(AsapTask task) => Compute(task.Grammar, task.Model, task.MaxTokens);

    /// <summary>Enumerates every output of <paramref name="grammar"/> within <paramref name="maxTokens"/> tokens, scoring each token path with <paramref name="model"/>.</summary>
    /// <exception cref="InvalidOperationException">More than 100,000 outputs (not a small language).</exception>
    public static ExactDistribution Compute(CompiledGrammar grammar, ILogitsSource model, int maxTokens)
    {
        var weights = new Dictionary<string, double>();
        var constrained = new Dictionary<string, double>();
        var matcher = grammar.CreateMatcher();
        var prefix = new List<int>();
        Walk(new Walker(model, maxTokens), matcher, prefix, 1, 1, weights, constrained);
        double z = weights.Values.Sum();
        var target = weights.ToDictionary(kv => kv.Key, kv => kv.Value / z);
        return new ExactDistribution(target, constrained, z);
    }

    /// <summary>The exact expected future grammaticality of <paramref name="prefix"/>: the probability that the model, continuing from it, completes a string of the grammar within the bound.</summary>
    public static double ExpectedFuture(AsapTask task, IReadOnlyList<int> prefix)
    {
        var matcher = task.Grammar.CreateMatcher();
        foreach (int t in prefix)
        {
            if (!matcher.TryAcceptToken(t)) return 0;
        }
        var weights = new Dictionary<string, double>();
        Walk(new Walker(task.Model, task.MaxTokens), matcher, [.. prefix], 1, 1, weights, []);
        return weights.Values.Sum();
    }

    private sealed record Walker(ILogitsSource Model, int MaxTokens);

    private static void Walk(Walker task, GrammarMatcher matcher, List<int> prefix, double p, double q,
        Dictionary<string, double> weights, Dictionary<string, double> constrained)
    {
        if (matcher.IsTerminated)
        {
            Record(Key(prefix), p, q, weights, constrained);
            return;
        }
        if (prefix.Count >= task.MaxTokens) return;
        var mask = new uint[matcher.MaskWordCount];
        matcher.FillNextTokenMask(mask);
        if (LogitMask.CountAllowed(mask, task.Model.LogitsWidth) == 0)
        {
            if (matcher.IsAccepting) Record(Key(prefix), p, q, weights, constrained);
            return;
        }
        double[] probabilities = Probabilities(task.Model, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(prefix));
        double allowed = 0;
        for (int t = 0; t < probabilities.Length; t++)
        {
            if (LogitMask.IsAllowed(mask, t)) allowed += probabilities[t];
        }
        for (int t = 0; t < probabilities.Length; t++)
        {
            if (!LogitMask.IsAllowed(mask, t) || probabilities[t] == 0) continue;
            if (!matcher.TryAcceptToken(t)) throw new InvalidOperationException($"token {t} is in the mask but the matcher refused it");
            prefix.Add(t);
            Walk(task, matcher, prefix, p * probabilities[t], q * probabilities[t] / allowed, weights, constrained);
            prefix.RemoveAt(prefix.Count - 1);
            matcher.Rollback(1);
        }
    }

    /// <summary>The model's next-token distribution after <paramref name="prefix"/> (softmax in double precision).</summary>
    public static double[] Probabilities(ILogitsSource model, ReadOnlySpan<int> prefix)
    {
        var logits = new float[model.LogitsWidth];
        model.ComputeLogits(prefix, logits, CancellationToken.None);
        double max = double.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        var p = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }

    private static void Record(string key, double p, double q, Dictionary<string, double> weights, Dictionary<string, double> constrained)
    {
        if (weights.Count >= 100_000) throw new InvalidOperationException("more than 100,000 outputs: not a small task");
        weights[key] = p;
        constrained[key] = q;
    }

    /// <summary>KL(<paramref name="counts"/> ‖ target) in nats: Σ q·log(q/p) over the sampled outputs (finite, since the target covers every grammatical output).</summary>
    /// <param name="counts">Output key → times sampled.</param>
    /// <param name="target">Output key → exact probability.</param>
    /// <exception cref="InvalidOperationException">An output outside the target's support was sampled.</exception>
    public static double KlFromCounts(IReadOnlyDictionary<string, int> counts, IReadOnlyDictionary<string, double> target)
    {
        double n = counts.Values.Sum();
        double kl = 0;
        foreach (var (key, count) in counts)
        {
            if (count == 0) continue;
            if (!target.TryGetValue(key, out double p) || p <= 0) throw new InvalidOperationException($"sampled output {key} has target probability 0");
            double q = count / n;
            kl += q * Math.Log(q / p);
        }
        return Math.Max(kl, 0);
    }

    /// <summary>KL(<paramref name="q"/> ‖ <paramref name="p"/>) between two exact distributions, in nats (mass of <paramref name="q"/> is renormalized).</summary>
    public static double Kl(IReadOnlyDictionary<string, double> q, IReadOnlyDictionary<string, double> p)
    {
        double total = q.Values.Sum(), kl = 0;
        foreach (var (key, mass) in q)
        {
            if (mass <= 0) continue;
            double qq = mass / total;
            kl += qq * Math.Log(qq / p[key]);
        }
        return Math.Max(kl, 0);
    }
}
