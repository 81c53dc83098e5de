namespace ConstrainedDecoding.Tokenizers;

/// <summary>
/// A tokenizer definition could not be read: the file is not JSON, is not a tokenizer, uses an
/// unsupported model, or holds a token that cannot be turned into bytes.
/// </summary>
/// <remarks>
/// <see cref="JsonPath"/> names the offending value (for example <c>$.model.vocab["Ġx"]</c>);
/// <see cref="Line"/>, <see cref="Column"/> and <see cref="ByteOffset"/> locate it in the file
/// when the position is known.
/// </remarks>
public sealed class TokenizerFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, in the form "unexpected X, expected Y".</param>
    /// <param name="jsonPath">JSON path of the offending value, or <see langword="null"/>.</param>
    /// <param name="line">1-based line of the offending value, or <see langword="null"/>.</param>
    /// <param name="column">1-based byte column within <paramref name="line"/>, or <see langword="null"/>.</param>
    /// <param name="byteOffset">0-based byte offset in the file, or <see langword="null"/>.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TokenizerFormatException(string message, string? jsonPath = null, long? line = null, long? column = null, long? byteOffset = null, Exception? innerException = null)
        : base(Describe(message, jsonPath, line, column), innerException)
    {
        Reason = message;
        JsonPath = jsonPath;
        Line = line;
        Column = column;
        ByteOffset = byteOffset;
    }

    /// <summary>Creates the exception with only a message.</summary>
    public TokenizerFormatException() : this("invalid tokenizer definition") { }

    /// <summary>Creates the exception with only a message.</summary>
    public TokenizerFormatException(string message) : this(message, jsonPath: null) { }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public TokenizerFormatException(string message, Exception innerException) : this(message, null, innerException: innerException) { }

    /// <summary>The error without its location.</summary>
    public string Reason { get; }

    /// <summary>JSON path of the offending value (<c>$</c> is the document), or <see langword="null"/> when not applicable.</summary>
    public string? JsonPath { get; }

    /// <summary>1-based line of the offending value, or <see langword="null"/> when unknown.</summary>
    public long? Line { get; }

    /// <summary>1-based byte column of the offending value within <see cref="Line"/>, or <see langword="null"/> when unknown.</summary>
    public long? Column { get; }

    /// <summary>0-based byte offset of the offending value in the file, or <see langword="null"/> when unknown.</summary>
    public long? ByteOffset { get; }

    private static string Describe(string message, string? path, long? line, long? column)
    {
        var where = new List<string>(2);
        if (path is not null) where.Add($"at {path}");
        if (line is not null) where.Add(column is null ? $"line {line}" : $"line {line}, column {column}");
        return where.Count == 0 ? message : $"{message} ({string.Join(", ", where)})";
    }
}
