using System.Runtime.CompilerServices;
using ConstrainedDecoding.JsonSchema;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.OnnxRuntime.Model;
using ConstrainedDecoding.OnnxRuntime.Text;
using ConstrainedDecoding.Tokenizers;
using ConstrainedDecoding.Tokenizers.HuggingFace;
using ConstrainedDecoding.Vocabulary;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace ConstrainedDecoding.OnnxRuntime;

/// <summary>
/// Generates text from a local decoder-only ONNX model, optionally constrained by a grammar so that the output is
/// guaranteed to stay in its language. Loads a model folder once; generations may run concurrently.
/// </summary>
/// <example>
/// <code>
/// using var generator = ConstrainedGenerator.Load("models/tiny-json-gpt2");
/// CompiledGrammar json = generator.CompileLark(File.ReadAllText("grammars/json.lark"));
/// await foreach (string piece in generator.StreamAsync("Describe a user as JSON:", json))
///     Console.Write(piece);
/// </code>
/// </example>
public sealed class ConstrainedGenerator : IDisposable
{
    private readonly InferenceSession _session;
    private readonly DecoderSignature _signature;
    private readonly GrammarCompiler _compiler;
    private readonly int? _bosTokenId;
    private readonly bool _addBos;
    private bool _disposed;

    private ConstrainedGenerator(string folder, InferenceSession session, DecoderSignature signature, TokenVocabulary vocabulary,
        Tokenizer tokenizer, int? bosTokenId, bool addBos, int contextLength)
    {
        ModelFolder = folder;
        _session = session;
        _signature = signature;
        Vocabulary = vocabulary;
        Tokenizer = tokenizer;
        _bosTokenId = bosTokenId;
        _addBos = addBos && bosTokenId is not null;
        ContextLength = contextLength;
        PaddingTokenId = vocabulary.StopTokenIds.Count > 0 ? vocabulary.StopTokenIds.Min() : 0;
        _compiler = new GrammarCompiler(vocabulary);
    }

    /// <summary>The folder the model was loaded from.</summary>
    public string ModelFolder { get; }

    /// <summary>Token id → bytes, stop and special ids, with the model's logits width. Compile grammars against this.</summary>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>The Microsoft.ML.Tokenizers tokenizer that encodes prompts.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>Ids that end generation.</summary>
    public IReadOnlySet<int> StopTokenIds => Vocabulary.StopTokenIds;

    /// <summary>Width of a logits row (may exceed the tokenizer's vocabulary: padding ids are never allowed).</summary>
    public int LogitsWidth => Vocabulary.LogitsWidth;

    /// <summary>Transformer layers (pairs of cache tensors).</summary>
    public int LayerCount => _signature.LayerCount;

    /// <summary>Most positions (prompt plus output) a sequence may have.</summary>
    public int ContextLength { get; }

    /// <summary>Whether the KV cache is half precision.</summary>
    public bool HasHalfPrecisionCache => _signature.CacheType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16;

    internal int PaddingTokenId { get; }

    /// <summary>
    /// Loads a model folder: an ONNX decoder in the common export layout (<c>input_ids</c>, <c>attention_mask</c>,
    /// optional <c>position_ids</c>, <c>past_key_values.{i}.key|value</c> → <c>logits</c>, <c>present.{i}.key|value</c>),
    /// its <c>tokenizer.json</c>, and any of <c>genai_config.json</c>, <c>config.json</c>, <c>generation_config.json</c>,
    /// <c>tokenizer_config.json</c> for stop ids and shapes.
    /// </summary>
    /// <param name="modelFolder">The folder.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <returns>A generator; dispose it to free the session.</returns>
    /// <exception cref="ModelLoadException">A file is missing or unreadable, an input or output is missing, or the logits row is narrower than the vocabulary.</exception>
    public static ConstrainedGenerator Load(string modelFolder, ModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        options ??= new ModelOptions();
        string folder = Path.GetFullPath(modelFolder);
        if (!Directory.Exists(folder)) throw new ModelLoadException(ModelLoadError.MissingFile, folder, "the model folder does not exist");
        string modelPath = FindModelFile(folder, options.ModelFileName);
        string tokenizerPath = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(tokenizerPath)) throw new ModelLoadException(ModelLoadError.MissingFile, tokenizerPath, "missing tokenizer.json, expected it beside the model");

        ModelConfig config = ModelConfig.ReadFolder(folder);
        TokenizerInfo info;
        try
        {
            info = HuggingFaceVocabulary.LoadWithInfo(tokenizerPath);
        }
        catch (TokenizerFormatException e)
        {
            throw new ModelLoadException(ModelLoadError.UnreadableFile, tokenizerPath, e.Message, e);
        }
        Tokenizer tokenizer = options.PromptTokenizer ?? PromptTokenizerFactory.FromTokenizerJson(tokenizerPath);

        InferenceSession session = OpenSession(modelPath, options);
        try
        {
            DecoderSignature signature = DecoderSignature.Read(session, modelPath, config);
            int logitsWidth = signature.LogitsWidth > 0 ? signature.LogitsWidth : ProbeLogitsWidth(session, signature);
            if (logitsWidth < info.Vocabulary.Count)
            {
                throw new ModelLoadException(ModelLoadError.LogitsTooNarrow, modelPath,
                    $"logits width {logitsWidth} is smaller than the tokenizer's {info.Vocabulary.Count} tokens; the model and tokenizer.json do not belong together");
            }
            var stops = new HashSet<int>(info.Vocabulary.StopTokenIds);
            stops.UnionWith(config.StopTokenIds.Where(id => id >= 0 && id < info.Vocabulary.Count));
            if (options.AdditionalStopTokenIds is { } extra) stops.UnionWith(extra);
            TokenVocabulary vocabulary = info.Vocabulary.WithLogitsWidth(logitsWidth).WithStopTokens(stops);
            int? bos = info.BosTokenId ?? config.BosTokenId;
            return new ConstrainedGenerator(folder, session, signature, vocabulary, tokenizer, bos, info.AddBosToken, config.ContextLength ?? int.MaxValue);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static string FindModelFile(string folder, string? name)
    {
        if (name is not null)
        {
            string path = Path.Combine(folder, name);
            return File.Exists(path) ? path : throw new ModelLoadException(ModelLoadError.MissingFile, path, "the ONNX file named in ModelOptions.ModelFileName does not exist");
        }
        string standard = Path.Combine(folder, "model.onnx");
        if (File.Exists(standard)) return standard;
        string[] candidates = Directory.GetFiles(folder, "*.onnx");
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw new ModelLoadException(ModelLoadError.MissingFile, folder, "no *.onnx file, expected model.onnx or a single ONNX decoder"),
            _ => throw new ModelLoadException(ModelLoadError.MissingFile, folder, $"{candidates.Length} ONNX files and none named model.onnx; set ModelOptions.ModelFileName"),
        };
    }

    private static InferenceSession OpenSession(string modelPath, ModelOptions options)
    {
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads is int threads) sessionOptions.IntraOpNumThreads = threads;
        options.ConfigureSession?.Invoke(sessionOptions);
        try
        {
            return new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(ModelLoadError.UnreadableFile, modelPath, $"ONNX Runtime cannot load it: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(ModelLoadError.UnreadableFile, modelPath, $"cannot be read: {e.Message}", e);
        }
    }

    // Symbolic vocabulary dimension: run one token to see the real width.
    private static int ProbeLogitsWidth(InferenceSession session, DecoderSignature signature)
    {
        using var state = new DecoderState(session, signature, 1, 0);
        state.Forward([0], [true], 1);
        return state.AllLogits().Length;
    }

    /// <summary>Compiles a Lark grammar against <see cref="Vocabulary"/>.</summary>
    /// <param name="grammar">Lark EBNF text.</param>
    /// <param name="start">The start rule.</param>
    /// <returns>The compiled grammar, reusable across generations.</returns>
    /// <exception cref="Grammars.GrammarSyntaxException">The text is not a valid grammar.</exception>
    public CompiledGrammar CompileLark(string grammar, string start = "start") => _compiler.CompileLark(grammar, start);

    /// <summary>Compiles a GBNF grammar against <see cref="Vocabulary"/>.</summary>
    /// <param name="grammar">GBNF text.</param>
    /// <param name="start">The start rule.</param>
    /// <returns>The compiled grammar.</returns>
    /// <exception cref="Grammars.GrammarSyntaxException">The text is not a valid grammar.</exception>
    public CompiledGrammar CompileGbnf(string grammar, string start = "root") => _compiler.CompileGbnf(grammar, start);

    /// <summary>Compiles a regular expression against <see cref="Vocabulary"/>; the output must match it whole.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns>The compiled grammar.</returns>
    /// <exception cref="Regex.RegexParseException">The pattern is not valid.</exception>
    public CompiledGrammar CompileRegex(string pattern) => _compiler.CompileRegex(pattern);

    /// <summary>
    /// Compiles a JSON Schema against <see cref="Vocabulary"/>: the output will be a JSON text valid under the schema.
    /// Keywords that cannot be enforced exactly are refused (fail closed) unless <see cref="JsonSchemaOptions.Lenient"/> is set.
    /// </summary>
    /// <param name="schema">The schema as JSON text.</param>
    /// <param name="options">Whitespace, draft and strictness; null for the defaults.</param>
    /// <returns>The compiled grammar.</returns>
    /// <exception cref="UnsupportedSchemaException">A keyword cannot be enforced exactly, or the schema is malformed.</exception>
    /// <exception cref="System.Text.Json.JsonException">The text is not JSON.</exception>
    public CompiledGrammar CompileJsonSchema(string schema, JsonSchemaOptions? options = null) =>
        _compiler.Compile(JsonSchemaCompiler.Compile(schema, options).Grammar);

    /// <summary>Compiles the JSON Schema of a parsed schema document against <see cref="Vocabulary"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="options">Whitespace, draft and strictness; null for the defaults.</param>
    /// <returns>The compiled grammar.</returns>
    /// <exception cref="UnsupportedSchemaException">A keyword cannot be enforced exactly, or the schema is malformed.</exception>
    public CompiledGrammar CompileJsonSchema(System.Text.Json.JsonElement schema, JsonSchemaOptions? options = null) =>
        _compiler.Compile(JsonSchemaCompiler.Compile(schema, options).Grammar);

    /// <summary>Compiles the JSON Schema of a .NET type (as System.Text.Json serializes it) against <see cref="Vocabulary"/>.</summary>
    /// <typeparam name="T">The type whose JSON form the output must have.</typeparam>
    /// <param name="serializerOptions">The serializer options the output will be read with (naming, enums as strings, nullability); null for <see cref="System.Text.Json.JsonSerializerOptions.Default"/>. Needs a <see cref="System.Text.Json.JsonSerializerOptions.TypeInfoResolver"/>.</param>
    /// <param name="options">Whitespace, draft and strictness; null for the defaults.</param>
    /// <returns>The compiled grammar.</returns>
    /// <exception cref="UnsupportedSchemaException">The type's schema uses a keyword that cannot be enforced exactly.</exception>
    public CompiledGrammar CompileJsonSchema<T>(System.Text.Json.JsonSerializerOptions? serializerOptions = null, JsonSchemaOptions? options = null) =>
        _compiler.Compile(JsonSchemaCompiler.FromType<T>(serializerOptions, options).Grammar);

    /// <summary>Compiles an already-built grammar against <see cref="Vocabulary"/>.</summary>
    /// <param name="grammar">The grammar.</param>
    /// <returns>The compiled grammar.</returns>
    public CompiledGrammar Compile(Grammars.Grammar grammar) => _compiler.Compile(grammar);

    /// <summary>
    /// Encodes a prompt, with the BOS token first when asked for (or, by default, when the tokenizer's configuration
    /// adds one, or when the prompt is empty and the model names a BOS token).
    /// </summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="addBosToken">Whether to add BOS; null follows the tokenizer configuration.</param>
    /// <returns>The token ids.</returns>
    /// <exception cref="ArgumentException">The prompt encodes to no tokens and there is no BOS token.</exception>
    public int[] EncodePrompt(string prompt, bool? addBosToken = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        IReadOnlyList<int> ids = prompt.Length == 0 ? [] : Tokenizer.EncodeToIds(prompt);
        // An empty prompt starts from BOS when the model has one, unless BOS was explicitly turned off.
        bool bos = (addBosToken ?? (_addBos || ids.Count == 0)) && _bosTokenId is not null;
        int[] result = bos ? [_bosTokenId!.Value, .. ids] : [.. ids];
        if (result.Length == 0) throw new ArgumentException("The prompt is empty and the model has no BOS token to start from.", nameof(prompt));
        return result;
    }

    /// <summary>Generates one sequence.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="grammar">The grammar the output must follow; null for free text.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="cancellationToken">Stops generation before the next step.</param>
    /// <returns>The text, tokens, stop reason and timings.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="ArgumentException">The options are invalid or the grammar was compiled for another vocabulary.</exception>
    public Task<GenerationResult> GenerateAsync(string prompt, CompiledGrammar? grammar = null, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        GenerateAsync(new GenerationRequest(prompt, grammar, options), cancellationToken);

    /// <summary>Generates one sequence.</summary>
    /// <param name="request">Prompt, grammar and settings.</param>
    /// <param name="cancellationToken">Stops generation before the next step.</param>
    /// <returns>The text, tokens, stop reason and timings.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var results = await GenerateBatchAsync([request], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>Generates a batch of sequences together (one forward pass per step for all of them), each with its own grammar and settings.</summary>
    /// <param name="requests">The sequences.</param>
    /// <param name="cancellationToken">Stops generation before the next step.</param>
    /// <returns>One result per request, in order.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<IReadOnlyList<GenerationResult>> GenerateBatchAsync(IReadOnlyList<GenerationRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return Task.FromResult<IReadOnlyList<GenerationResult>>([]);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.Run<IReadOnlyList<GenerationResult>>(() =>
        {
            using var batch = new DecodeBatch(this, requests);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!batch.Step()) break;
            }
            return Enumerable.Range(0, requests.Count).Select(batch.Result).ToArray();
        }, cancellationToken);
    }

    /// <summary>Streams one sequence's text as it is generated; a piece never ends inside a UTF-8 character.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="grammar">The grammar the output must follow; null for free text.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="cancellationToken">Stops generation before the next step.</param>
    /// <returns>Text pieces whose concatenation is the generated text.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public IAsyncEnumerable<string> StreamAsync(string prompt, CompiledGrammar? grammar = null, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync(new GenerationRequest(prompt, grammar, options), null, cancellationToken);

    /// <summary>Streams one sequence's text as it is generated, and reports the final result at the end.</summary>
    /// <param name="request">Prompt, grammar and settings.</param>
    /// <param name="completed">Called once with the result after the last piece; may be null.</param>
    /// <param name="cancellationToken">Stops generation before the next step.</param>
    /// <returns>Text pieces whose concatenation is the generated text.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async IAsyncEnumerable<string> StreamAsync(GenerationRequest request, Action<GenerationResult>? completed = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var batch = new DecodeBatch(this, [request]);
        var row = batch.Rows[0];
        bool more = true;
        while (more)
        {
            cancellationToken.ThrowIfCancellationRequested();
            more = await Task.Run(batch.Step, cancellationToken).ConfigureAwait(false);
            string piece = row.Text.TakePending();
            if (piece.Length > 0) yield return piece;
        }
        completed?.Invoke(batch.Result(0));
    }

    internal DecoderState CreateDecoderState(int batchSize)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new DecoderState(_session, _signature, batchSize, LogitsWidth);
    }

    /// <summary>Frees the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }
}
