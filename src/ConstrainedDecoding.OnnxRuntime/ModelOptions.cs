using Microsoft.ML.OnnxRuntime;

namespace ConstrainedDecoding.OnnxRuntime;

/// <summary>How <see cref="ConstrainedGenerator.Load"/> opens a model folder.</summary>
public sealed record ModelOptions
{
    /// <summary>The ONNX file inside the folder; null finds <c>model.onnx</c>, or the only <c>*.onnx</c> file.</summary>
    public string? ModelFileName { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator; null leaves its default (one per core).</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Further session settings (execution providers, graph options), applied after the defaults.</summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }

    /// <summary>Stop token ids on top of those the config files and the tokenizer name.</summary>
    public IReadOnlyCollection<int>? AdditionalStopTokenIds { get; init; }

    /// <summary>
    /// The tokenizer that encodes prompts; null builds one from <c>tokenizer.json</c> (byte-level BPE). Needed for
    /// SentencePiece models, e.g. <c>LlamaTokenizer.Create(File.OpenRead("tokenizer.model"))</c>.
    /// </summary>
    public Microsoft.ML.Tokenizers.Tokenizer? PromptTokenizer { get; init; }
}
