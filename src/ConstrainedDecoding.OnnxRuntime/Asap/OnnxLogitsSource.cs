using ConstrainedDecoding.OnnxRuntime.Model;
using ConstrainedDecoding.Sampling.Asap;

namespace ConstrainedDecoding.OnnxRuntime.Asap;

/// <summary>
/// The next-token logits of a <see cref="ConstrainedGenerator"/>'s model after a fixed prompt, for
/// <see cref="AsapSampler"/> (grammar-aligned sampling).
/// </summary>
/// <remarks>
/// <para>Keeps one KV cache holding the prompt and the longest prefix asked for so far. A request that extends it
/// feeds only the new tokens (one forward pass for all of them); any other request restarts the cache with the
/// prompt and the whole prefix in one pass, except the empty prefix, whose logits are kept from the first run.
/// ASAp asks for logits only where it steps into unexplored prefixes, so within one sample the requests extend
/// each other and a new sample restarts at most once.</para>
/// <para>Not thread-safe (one per sampler); the generator may be shared. Dispose it to free the cache.</para>
/// </remarks>
public sealed class OnnxLogitsSource : ILogitsSource, IDisposable
{
    private readonly ConstrainedGenerator _generator;
    private readonly int[] _prompt;
    private readonly List<int> _fed = [];       // output tokens in the cache after the prompt
    private readonly float[] _promptLogits;
    private readonly float[] _lastLogits;
    private DecoderState? _state;
    private bool _disposed;

    /// <summary>Runs the prompt once and keeps its cache.</summary>
    /// <param name="generator">The loaded model.</param>
    /// <param name="prompt">The prompt; the output follows it directly.</param>
    /// <param name="addBosToken">Whether to start with BOS; null follows the tokenizer configuration.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The prompt encodes to no tokens and there is no BOS token.</exception>
    public OnnxLogitsSource(ConstrainedGenerator generator, string prompt, bool? addBosToken = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(prompt);
        _generator = generator;
        _prompt = generator.EncodePrompt(prompt, addBosToken);
        Prompt = prompt;
        _promptLogits = new float[generator.LogitsWidth];
        _lastLogits = new float[generator.LogitsWidth];
        Restart([]);
        _state!.LogitsRow(0).CopyTo(_promptLogits);
    }

    /// <inheritdoc/>
    public int LogitsWidth => _generator.LogitsWidth;

    /// <summary>The prompt text.</summary>
    public string Prompt { get; }

    /// <summary>The prompt's token ids.</summary>
    public IReadOnlyList<int> PromptTokens => _prompt;

    /// <summary>A fingerprint of the prompt's token ids, for <see cref="AsapFingerprints.Prompt"/>.</summary>
    public string PromptFingerprint => AsapFingerprints.Hash(string.Join(',', _prompt));

    /// <summary>Forward passes run so far (the prompt's included).</summary>
    public int ForwardPasses { get; private set; }

    /// <summary>Token positions run through the model so far (the prompt's included).</summary>
    public long TokensRun { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not <see cref="LogitsWidth"/> long.</exception>
    /// <exception cref="InvalidOperationException">The prompt and prefix exceed the model's context length.</exception>
    public void ComputeLogits(ReadOnlySpan<int> prefix, Span<float> logits, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (logits.Length != LogitsWidth) throw new ArgumentException($"unexpected logits length {logits.Length}, expected {LogitsWidth}.", nameof(logits));
        if (_prompt.Length + prefix.Length > _generator.ContextLength)
        {
            throw new InvalidOperationException($"unexpected length {_prompt.Length + prefix.Length} (prompt and output), expected at most the model's context length {_generator.ContextLength}.");
        }
        if (prefix.IsEmpty)
        {
            _promptLogits.CopyTo(logits);
            return;
        }
        bool extends = _state is not null && prefix.Length >= _fed.Count && prefix[.._fed.Count].SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_fed));
        if (!extends) Restart(prefix);
        else if (prefix.Length > _fed.Count) Feed(prefix[_fed.Count..]);
        else
        {
            _lastLogits.CopyTo(logits);
            return;
        }
        var row = _state!.LogitsRow(0);
        row.CopyTo(logits);
        row.CopyTo(_lastLogits);
    }

    private void Restart(ReadOnlySpan<int> prefix)
    {
        _state?.Dispose();
        _state = null;
        _fed.Clear();
        _state = _generator.CreateDecoderState(1);
        int[] all = [.. _prompt, .. prefix];
        Run(all);
        _fed.AddRange(prefix);
    }

    private void Feed(ReadOnlySpan<int> tokens)
    {
        Run(tokens);
        _fed.AddRange(tokens);
    }

    private void Run(ReadOnlySpan<int> tokens)
    {
        var attend = new bool[tokens.Length];
        Array.Fill(attend, true);
        _state!.Forward(tokens, attend, tokens.Length);
        ForwardPasses++;
        TokensRun += tokens.Length;
    }

    /// <summary>Frees the KV cache.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _state?.Dispose();
        _state = null;
    }
}
