namespace ConstrainedDecoding.OnnxRuntime.Model;

/// <summary>What was wrong with a model folder.</summary>
public enum ModelLoadError
{
    /// <summary>The folder or a required file does not exist.</summary>
    MissingFile,

    /// <summary>A file exists but cannot be read or parsed (not ONNX, not JSON, truncated).</summary>
    UnreadableFile,

    /// <summary>The ONNX graph lacks an input or output of the decoder layout (<c>input_ids</c>, <c>attention_mask</c>, <c>past_key_values.{i}.key/value</c>, <c>logits</c>, <c>present.{i}.key/value</c>).</summary>
    MissingInputOrOutput,

    /// <summary>An input or output has a shape or element type the decode loop does not support.</summary>
    UnsupportedSignature,

    /// <summary>The model's logits row is narrower than the tokenizer's vocabulary.</summary>
    LogitsTooNarrow,
}

/// <summary>A model folder cannot be used: raised at load, never in the middle of generation.</summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">What kind of problem.</param>
    /// <param name="path">The file or folder at fault.</param>
    /// <param name="message">A sentence saying what was found and what was expected.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ModelLoadException(ModelLoadError error, string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Error = error;
        Path = path;
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public ModelLoadException() : this(ModelLoadError.UnreadableFile, "", "the model cannot be loaded") { }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ModelLoadException(string message) : this(ModelLoadError.UnreadableFile, "", message) { }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelLoadException(string message, Exception innerException) : this(ModelLoadError.UnreadableFile, "", message, innerException) { }

    /// <summary>What kind of problem.</summary>
    public ModelLoadError Error { get; }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }
}
