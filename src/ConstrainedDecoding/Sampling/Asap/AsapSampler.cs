using System.Diagnostics.CodeAnalysis;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Sampling.Asap;

/// <summary>
/// Grammar-aligned sampling by ASAp (adaptive sampling with approximate expected futures, Park et al. 2024): repeated
/// samples converge to the model's distribution conditioned on the grammar, where plain constrained decoding keeps
/// the full mass of prefixes that are legal but lead mostly to low-probability continuations.
/// </summary>
/// <remarks>
/// <para>The sampler keeps a trie of the prefixes it has sampled. At each visited prefix <c>w</c> it knows the total
/// model probability of the allowed next tokens (from the grammar mask), and for each explored child <c>w·t</c> the
/// probability <c>P(t|w)</c> and an estimate of its expected future grammaticality <c>EFG(w·t)</c>, the probability
/// that the model, continuing from <c>w·t</c>, produces a complete string of the grammar. Unexplored allowed children
/// count as 1, disallowed ones as 0. A step draws <c>t</c> with probability proportional to <c>P(t|w)·EFG(w·t)</c>;
/// after the sample finishes, the estimates on its path are recomputed bottom-up as
/// <c>EFG(w) = Σ P(t|w)·EFG(w·t)</c>. The estimates only fall towards the exact values, which they reach once a
/// subtree is fully explored.</para>
/// <para>Only explored children are stored (see <see cref="TrieBytes"/>): a step into unexplored territory asks the
/// model for the logits again and draws among the unexplored allowed tokens (Gumbel-max, the explored ones masked
/// out). The first sample therefore equals plain constrained decoding with <see cref="Sampler"/> under the same seed.</para>
/// <para>Not thread-safe: one sampler belongs to one (model, grammar, prompt) and is used by one thread at a time
/// (lock around it to share it). The <see cref="CompiledGrammar"/> may be shared with other samplers.</para>
/// </remarks>
public sealed class AsapSampler
{
    private readonly CompiledGrammar _grammar;
    private readonly ILogitsSource _model;
    private readonly GrammarMatcher _matcher;
    private readonly AsapTrie _trie;
    private readonly float _inverseTemperature;
    private readonly float[] _logits;
    private readonly uint[] _mask;
    private readonly List<int> _tokens = [];
    private readonly List<int> _path = [];
    private Xoshiro256 _random;
    private double _logNormalizer;

    /// <summary>Creates a sampler with an empty trie.</summary>
    /// <param name="grammar">The grammar every output follows.</param>
    /// <param name="model">The model (with its prompt) whose conditioned distribution is the target.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="grammar"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting breaks ASAp's guarantee (temperature, truncation, penalty), is out of range, or the model's logits width differs from the grammar's vocabulary.</exception>
    public AsapSampler(CompiledGrammar grammar, ILogitsSource model, AsapOptions? options = null)
        : this(grammar, model, options ?? new AsapOptions(), new AsapTrie(), 0)
    {
    }

    private AsapSampler(CompiledGrammar grammar, ILogitsSource model, AsapOptions options, AsapTrie trie, long sampleCount)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(model);
        Warnings = options.Validate();
        int width = grammar.Vocabulary.LogitsWidth;
        if (model.LogitsWidth != width)
        {
            throw new ArgumentException($"unexpected logits width {model.LogitsWidth} from the model, expected {width} (the grammar's vocabulary).", nameof(model));
        }
        _grammar = grammar;
        _model = model;
        Options = options;
        _matcher = grammar.CreateMatcher();
        _trie = trie;
        _inverseTemperature = 1f / (options.Sampling?.Temperature ?? 1f);
        _logits = new float[width];
        _mask = new uint[grammar.MaskWordCount];
        _random = new Xoshiro256(options.Seed);
        SampleCount = sampleCount;
    }

    /// <summary>The settings.</summary>
    public AsapOptions Options { get; }

    /// <summary>Warnings caused by the settings (for example a temperature other than 1 under the opt-out); empty when ASAp's guarantee holds.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Samples finished so far (including those learned before a <see cref="Save"/> and <see cref="Load"/>).</summary>
    public long SampleCount { get; private set; }

    /// <summary>Nodes in the trie (explored prefixes, the empty one included).</summary>
    public int NodeCount => _trie.Count;

    /// <summary>The trie (for diagnostics and memory measurements).</summary>
    internal AsapTrie Trie => _trie;

    /// <summary>Bytes the trie uses: <see cref="NodeCount"/> × a fixed per-node size (41 bytes), independent of the vocabulary size.</summary>
    public long TrieBytes => _trie.Bytes;

    /// <summary>
    /// The current estimate of the probability that the model's output is a complete string of the grammar (the root's
    /// expected future grammaticality): 1 before the first sample, falling to the exact value as samples accumulate.
    /// </summary>
    public double ExpectedFuture => _trie.Efg(AsapTrie.Root);

    /// <summary>The current expected-future-grammaticality estimate of a prefix, if it was explored.</summary>
    /// <param name="prefix">Generated tokens (a stop token may end it).</param>
    /// <param name="estimate">The estimate; 1 (the value the sampler assumes) when the prefix is unexplored.</param>
    /// <returns>Whether the prefix is in the trie.</returns>
    public bool TryGetExpectedFuture(ReadOnlySpan<int> prefix, out double estimate)
    {
        int node = AsapTrie.Root;
        foreach (int token in prefix)
        {
            node = _trie.FindChild(node, token);
            if (node < 0)
            {
                estimate = 1;
                return false;
            }
        }
        estimate = _trie.Efg(node);
        return true;
    }

    /// <summary>Draws one output and updates the estimates on its path.</summary>
    /// <param name="cancellationToken">Stops before the next token; the trie is then left as it was before the sample.</param>
    /// <returns>The tokens and how the sample ended.</returns>
    /// <exception cref="OperationCanceledException">Cancelled (the trie is unchanged).</exception>
    /// <exception cref="AsapMemoryLimitException">The trie would exceed <see cref="AsapOptions.MaxTrieBytes"/> (the trie is unchanged).</exception>
    /// <exception cref="InvalidOperationException">The grammar has no output the model can produce within <see cref="AsapOptions.MaxTokens"/> tokens.</exception>
    public AsapSample Sample(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_trie.Kind(AsapTrie.Root) == NodeKind.Dead || (_trie.Kind(AsapTrie.Root) == NodeKind.Expanded && _trie.Efg(AsapTrie.Root) <= 0))
        {
            ThrowNoOutput();
        }
        _matcher.Reset();
        _tokens.Clear();
        _path.Clear();
        int firstNew = _trie.Count, firstNewParent = -1, calls = 0;
        bool truncated = false;
        int node = AsapTrie.Root;
        _path.Add(node);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                NodeKind kind = _trie.Kind(node);
                if (kind is NodeKind.Complete or NodeKind.Dead) break;
                bool fresh = false;
                if (kind == NodeKind.Open)
                {
                    if (_tokens.Count >= Options.MaxTokens)
                    {
                        _trie.Finish(node, complete: false);
                        truncated = true;
                        break;
                    }
                    _matcher.FillNextTokenMask(_mask);
                    int allowed = LogitMask.CountAllowed(_mask, _logits.Length);
                    if (allowed == 0)
                    {
                        _trie.Finish(node, _matcher.IsAccepting);
                        break;
                    }
                    ComputeLogits(cancellationToken);
                    calls++;
                    _trie.Expand(node, AllowedMass(), allowed);
                    fresh = true;
                }
                _trie.Weights(node, out double explored, out double unexplored);
                if (explored + unexplored <= 0)
                {
                    if (node == AsapTrie.Root) ThrowNoOutput();
                    _trie.Finish(node, complete: false);
                    break;
                }
                int child;
                if (_trie.FirstChild(node) >= 0 && (unexplored <= 0 || NextUniform() * (explored + unexplored) < explored))
                {
                    child = PickExplored(node, explored);
                }
                else
                {
                    if (!fresh)
                    {
                        _matcher.FillNextTokenMask(_mask);
                        ComputeLogits(cancellationToken);
                        calls++;
                    }
                    int token = DrawUnexplored(node);
                    if (token < 0)
                    {
                        // Every unexplored allowed token has probability 0: only the explored ones remain.
                        _trie.ClearUnexplored(node);
                        continue;
                    }
                    if ((long)(_trie.Count + 1) * AsapTrie.BytesPerNode > Options.MaxTrieBytes)
                    {
                        throw new AsapMemoryLimitException(Options.MaxTrieBytes, _trie.Count);
                    }
                    double probability = Math.Exp((_logits[token] * (double)_inverseTemperature) - _logNormalizer);
                    if (firstNewParent < 0) firstNewParent = node;
                    child = _trie.AddChild(node, token, probability);
                }
                int next = _trie.Token(child);
                if (!_matcher.TryAcceptToken(next))
                {
                    throw new InvalidOperationException($"unexpected refusal of token {next} by the matcher, expected it to accept a token its mask allowed.");
                }
                _tokens.Add(next);
                _path.Add(child);
                node = child;
                if (_trie.Kind(node) == NodeKind.Open && _matcher.IsTerminated) _trie.Finish(node, complete: true);
            }
        }
        catch
        {
            if (firstNewParent >= 0) _trie.RemoveChain(firstNewParent, firstNew);
            throw;
        }
        for (int i = _path.Count - 2; i >= 0; i--) _trie.Recompute(_path[i]);
        SampleCount++;
        return new AsapSample([.. _tokens], _trie.Kind(node) == NodeKind.Complete, truncated, calls);
    }

    /// <summary>Saves the trie in a compact binary format with the fingerprints of <see cref="AsapOptions.Fingerprints"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <remarks>The random stream's position is not saved: a loaded sampler restarts it from its own seed.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Writing failed.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        AsapTrieFile.Write(stream, _trie, Header(Options, _grammar, _model), SampleCount);
    }

    /// <summary>Loads a trie saved by <see cref="Save"/> and continues sampling from it.</summary>
    /// <param name="stream">A readable stream positioned at the start of the saved trie.</param>
    /// <param name="grammar">The grammar (its vocabulary fingerprint must match the file's).</param>
    /// <param name="model">The model.</param>
    /// <param name="options">Settings: its fingerprints, <see cref="AsapOptions.MaxTokens"/> and temperature must match the file's.</param>
    /// <returns>A sampler whose trie is the saved one.</returns>
    /// <exception cref="AsapTrieFormatException">Bad magic, unsupported version, mismatched fingerprints or settings, truncated or corrupt data (with the byte offset).</exception>
    /// <exception cref="ArgumentException">The settings are invalid (as for the constructor).</exception>
    /// <exception cref="AsapMemoryLimitException">The saved trie is larger than <see cref="AsapOptions.MaxTrieBytes"/>.</exception>
    public static AsapSampler Load(Stream stream, CompiledGrammar grammar, ILogitsSource model, AsapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(model);
        options ??= new AsapOptions();
        options.Validate();
        var (trie, samples) = AsapTrieFile.Read(stream, Header(options, grammar, model), grammar.Vocabulary.LogitsWidth, options.MaxTrieBytes);
        return new AsapSampler(grammar, model, options, trie, samples);
    }

    private static AsapTrieHeader Header(AsapOptions options, CompiledGrammar grammar, ILogitsSource model) =>
        new(options.Fingerprints, grammar.Vocabulary.Fingerprint, model.LogitsWidth, options.MaxTokens, options.Sampling?.Temperature ?? 1f);

    private void ComputeLogits(CancellationToken cancellationToken)
    {
        _model.ComputeLogits(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_tokens), _logits, cancellationToken);
        // log Σ exp(s) over the whole row in double: the model's normalizer, disallowed tokens included.
        double scale = _inverseTemperature, max = double.NegativeInfinity;
        foreach (float l in _logits)
        {
            double s = l * scale;
            if (s > max) max = s;
        }
        if (double.IsNegativeInfinity(max) || double.IsNaN(max))
        {
            throw new InvalidOperationException($"unexpected logits row with no finite value after {_tokens.Count} tokens, expected at least one finite logit.");
        }
        double sum = 0;
        foreach (float l in _logits) sum += Math.Exp((l * scale) - max);
        _logNormalizer = max + Math.Log(sum);
    }

    // Σ P(t|w) over the allowed tokens of the current mask.
    private double AllowedMass()
    {
        double mass = 0, scale = _inverseTemperature;
        int width = _logits.Length;
        for (int w = 0; w < _mask.Length; w++)
        {
            uint bits = _mask[w];
            while (bits != 0)
            {
                int id = (w << 5) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (id < width) mass += Math.Exp((_logits[id] * scale) - _logNormalizer);
            }
        }
        return mass;
    }

    // Gumbel-max over the allowed tokens that have no child yet: a draw proportional to P(t|w) among them, and with no
    // explored children exactly the draw Sampler makes with the same key.
    private int DrawUnexplored(int node)
    {
        LogitMask.Apply(_logits, _mask);
        for (int c = _trie.FirstChild(node); c >= 0; c = _trie.NextSibling(c)) _logits[_trie.Token(c)] = float.NegativeInfinity;
        ulong key = _random.Next();
        return GumbelNoise.ArgMaxPerturbed(_logits, _inverseTemperature, key);
    }

    private int PickExplored(int node, double explored)
    {
        double target = NextUniform() * explored, cumulative = 0;
        int last = -1;
        for (int c = _trie.FirstChild(node); c >= 0; c = _trie.NextSibling(c))
        {
            double weight = _trie.Probability(c) * _trie.Efg(c);
            if (weight <= 0) continue;
            cumulative += weight;
            last = c;
            if (target < cumulative) return c;
        }
        return last; // rounding: the target landed past the last sum
    }

    private double NextUniform() => (_random.Next() >> 11) * (1.0 / (1UL << 53));

    [DoesNotReturn]
    private void ThrowNoOutput() =>
        throw new InvalidOperationException($"The grammar has no output that the model can produce within {Options.MaxTokens} tokens (every explored path is a dead end).");
}
