namespace ConstrainedDecoding.JsonSchema;

/// <summary>
/// The schema accepts no instance at all (e.g. <c>false</c>, an empty <c>enum</c>, contradictory <c>allOf</c>), so
/// there is no grammar to decode with. A validator would reject every instance; the keyword is <c>false</c>.
/// </summary>
public sealed class UnsatisfiableSchemaException : UnsupportedSchemaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jsonPointer">JSON pointer of the schema (<c>""</c> = root).</param>
    public UnsatisfiableSchemaException(string jsonPointer)
        : base("false", jsonPointer, "the schema accepts no instance at all")
    {
    }
}
