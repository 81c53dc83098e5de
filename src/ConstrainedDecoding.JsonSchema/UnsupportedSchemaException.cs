namespace ConstrainedDecoding.JsonSchema;

/// <summary>A schema uses a keyword (or keyword combination) that cannot be enforced exactly, or is malformed.</summary>
public class UnsupportedSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="keyword">The keyword at fault.</param>
    /// <param name="jsonPointer">JSON pointer of the schema object holding it (<c>""</c> = root).</param>
    /// <param name="reason">Why it cannot be enforced.</param>
    public UnsupportedSchemaException(string keyword, string jsonPointer, string reason)
        : base($"Unsupported schema keyword '{keyword}' at '{(jsonPointer.Length == 0 ? "#" : "#" + jsonPointer)}': {reason}")
    {
        Keyword = keyword;
        JsonPointer = jsonPointer;
        Reason = reason;
    }

    /// <summary>The keyword at fault.</summary>
    public string Keyword { get; }

    /// <summary>JSON pointer (RFC 6901) of the schema object holding the keyword; empty for the root.</summary>
    public string JsonPointer { get; }

    /// <summary>Why the keyword cannot be enforced.</summary>
    public string Reason { get; }
}
