namespace ConstrainedDecoding.Testing;

/// <summary>A fact that is skipped, with the reason shown, when the shared evaluation data is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresDataFactAttribute : Xunit.FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public RequiresDataFactAttribute()
    {
        if (TestData.DataRoot is null) Skip = TestData.MissingDataReason;
    }
}

/// <summary>A theory that is skipped, with the reason shown, when the shared evaluation data is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresDataTheoryAttribute : Xunit.TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public RequiresDataTheoryAttribute()
    {
        if (TestData.DataRoot is null) Skip = TestData.MissingDataReason;
    }
}
