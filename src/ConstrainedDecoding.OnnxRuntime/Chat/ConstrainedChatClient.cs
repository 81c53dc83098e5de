using System.Runtime.CompilerServices;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;
using Microsoft.Extensions.AI;

namespace ConstrainedDecoding.OnnxRuntime.Chat;

/// <summary>
/// An <see cref="IChatClient"/> over a <see cref="ConstrainedGenerator"/>: apps that use Microsoft.Extensions.AI get
/// grammar-constrained output from a local ONNX model. <see cref="ChatOptions.ResponseFormat"/> =
/// <see cref="ChatResponseFormat.Json"/> constrains the reply to a JSON text (the generic JSON grammar); a format with a
/// schema constrains it to JSON valid under the schema (<see cref="ConstrainedGenerator.CompileJsonSchema(System.Text.Json.JsonElement, JsonSchema.JsonSchemaOptions?)"/>,
/// or <see cref="ConstrainedChatClientOptions.SchemaGrammarFactory"/> when set); any <see cref="CompiledGrammar"/> can be
/// passed in <see cref="ChatOptions.AdditionalProperties"/> under <see cref="GrammarPropertyName"/>.
/// </summary>
/// <remarks>
/// Mapped options: <see cref="ChatOptions.Temperature"/>, <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/>,
/// <see cref="ChatOptions.Seed"/>, <see cref="ChatOptions.MaxOutputTokens"/>. Stop sequences and tools are not supported
/// and are refused with <see cref="NotSupportedException"/> instead of being ignored.
/// </remarks>
public sealed class ConstrainedChatClient : IChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key for a <see cref="CompiledGrammar"/> that constrains the reply.</summary>
    public const string GrammarPropertyName = "constrained_decoding.grammar";

    private const int MaxCachedSchemas = 64;

    private readonly ConstrainedGenerator _generator;
    private readonly ConstrainedChatClientOptions _options;
    private readonly ChatClientMetadata _metadata;
    private readonly Lazy<CompiledGrammar> _json;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CompiledGrammar> _schemas = new(StringComparer.Ordinal);

    /// <summary>Wraps <paramref name="generator"/>.</summary>
    /// <param name="generator">The model.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public ConstrainedChatClient(ConstrainedGenerator generator, ConstrainedChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        _options = options ?? new ConstrainedChatClientOptions();
        _options.DefaultGenerationOptions.Validate();
        string modelId = _options.ModelId ?? Path.GetFileName(generator.ModelFolder);
        _metadata = new ChatClientMetadata("ConstrainedDecoding.OnnxRuntime", new Uri(Path.GetFullPath(generator.ModelFolder)), modelId);
        _json = new Lazy<CompiledGrammar>(() => generator.CompileLark(ReadJsonGrammar()));
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Stop sequences or tools were given.</exception>
    /// <exception cref="JsonSchema.UnsupportedSchemaException">The response format's schema uses a keyword that cannot be enforced exactly.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        GenerationResult result = await _generator.GenerateAsync(CreateRequest(messages, options), cancellationToken).ConfigureAwait(false);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, result.Text))
        {
            ModelId = _metadata.DefaultModelId,
            FinishReason = FinishReason(result),
            Usage = Usage(result),
        };
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Stop sequences or tools were given.</exception>
    /// <exception cref="JsonSchema.UnsupportedSchemaException">The response format's schema uses a keyword that cannot be enforced exactly.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        GenerationRequest request = CreateRequest(messages, options);
        GenerationResult? result = null;
        string responseId = Guid.NewGuid().ToString("N");
        await foreach (string piece in _generator.StreamAsync(request, r => result = r, cancellationToken).ConfigureAwait(false))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ModelId = _metadata.DefaultModelId, ResponseId = responseId };
        }
        if (result is not null)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage(result))])
            {
                ModelId = _metadata.DefaultModelId,
                ResponseId = responseId,
                FinishReason = FinishReason(result),
            };
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType.IsInstanceOfType(_generator)) return _generator;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the generator when <see cref="ConstrainedChatClientOptions.DisposeGenerator"/> is set.</summary>
    public void Dispose()
    {
        if (_options.DisposeGenerator) _generator.Dispose();
    }

    private GenerationRequest CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? chat)
    {
        ArgumentNullException.ThrowIfNull(messages);
        string prompt = _options.PromptFormatter is { } format
            ? format(messages)
            : string.Join("\n", messages.Select(m => m.Text).Where(t => !string.IsNullOrEmpty(t)));
        var generation = _options.DefaultGenerationOptions;
        if (chat is null) return new GenerationRequest(prompt, null, generation);
        if (chat.StopSequences is { Count: > 0 }) throw new NotSupportedException("Stop sequences are not supported; constrain the reply with a grammar instead.");
        if (chat.Tools is { Count: > 0 }) throw new NotSupportedException("Tools are not supported by ConstrainedChatClient.");

        SamplingOptions sampling = generation.Sampling;
        if (chat.Temperature is float temperature) sampling = sampling with { Temperature = temperature };
        if (chat.TopP is float topP) sampling = sampling with { TopP = topP };
        if (chat.TopK is int topK) sampling = sampling with { TopK = topK };
        if (chat.Seed is long seed) sampling = sampling with { Seed = unchecked((ulong)seed) };
        generation = generation with { Sampling = sampling, MaxNewTokens = chat.MaxOutputTokens ?? generation.MaxNewTokens };

        CompiledGrammar? grammar = null;
        if (chat.AdditionalProperties?.TryGetValue(GrammarPropertyName, out object? value) == true)
        {
            grammar = value as CompiledGrammar ?? throw new ArgumentException($"AdditionalProperties[\"{GrammarPropertyName}\"] must be a CompiledGrammar, not {value?.GetType().Name ?? "null"}.", nameof(chat));
        }
        else if (chat.ResponseFormat is ChatResponseFormatJson json)
        {
            if (json.Schema is { } schema)
            {
                if (_options.SchemaGrammarFactory is { } factory)
                {
                    grammar = factory(schema);
                }
                else
                {
                    if (_schemas.Count >= MaxCachedSchemas) _schemas.Clear(); // bounded: apps with ever-new schemas recompile
                    grammar = _schemas.GetOrAdd(schema.GetRawText(), _ => _generator.CompileJsonSchema(schema)); // once per schema text
                }
            }
            else
            {
                grammar = _json.Value;
            }
        }
        return new GenerationRequest(prompt, grammar, generation);
    }

    private static ChatFinishReason FinishReason(GenerationResult result) =>
        result.StopReason == GenerationStopReason.MaxTokens ? ChatFinishReason.Length : ChatFinishReason.Stop;

    private static UsageDetails Usage(GenerationResult result) => new()
    {
        InputTokenCount = result.Statistics.PromptTokens,
        OutputTokenCount = result.Statistics.GeneratedTokens,
        TotalTokenCount = result.Statistics.PromptTokens + result.Statistics.GeneratedTokens,
    };

    private static string ReadJsonGrammar()
    {
        using var stream = typeof(ConstrainedChatClient).Assembly.GetManifestResourceStream("ConstrainedDecoding.OnnxRuntime.json.lark")
            ?? throw new InvalidOperationException("The embedded JSON grammar is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
