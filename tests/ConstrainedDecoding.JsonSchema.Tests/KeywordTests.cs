namespace ConstrainedDecoding.JsonSchema.Tests;

public class TypeAndValueKeywordTests
{
    [Fact]
    public void Type_single_and_list()
    {
        SchemaAssert.Valid("""{"type":"string"}""", "\"a\"", "\"\"");
        SchemaAssert.Invalid("""{"type":"string"}""", "1", "null", "\"a");
        SchemaAssert.Valid("""{"type":["integer","null"]}""", "12", "-3", "null", "0");
        SchemaAssert.Invalid("""{"type":["integer","null"]}""", "1.5", "01", "\"x\"", "true");
        SchemaAssert.Valid("""{"type":"number"}""", "1.5", "-0.25e+3", "1E9", "0");
        SchemaAssert.Invalid("""{"type":"number"}""", "+1", ".5", "1.", "00");
        SchemaAssert.Valid("""{"type":"boolean"}""", "true", "false");
    }

    [Fact]
    public void Integer_with_zero_fraction_follows_the_draft()
    {
        SchemaAssert.Valid("""{"type":"integer"}""", "1.0", "-0");
        SchemaAssert.Invalid("""{"$schema":"http://json-schema.org/draft-04/schema#","type":"integer"}""", "1.0");
    }

    [Fact]
    public void Enum_and_const_accept_every_escape_spelling()
    {
        SchemaAssert.Valid("""{"enum":["a/b", 1, null, {"k":[1]}]}""", "\"a/b\"", "\"a\\/b\"", "\"\\u0061/b\"", "1", "1.0", "null", "{\"k\": [1]}");
        SchemaAssert.Invalid("""{"enum":["a/b", 1, null]}""", "\"a/c\"", "2", "true");
        SchemaAssert.Valid("""{"const":"x"}""", "\"x\"");
        SchemaAssert.Invalid("""{"const":"x"}""", "\"y\"");
        SchemaAssert.Valid("""{"type":"string","enum":["a",1]}""", "\"a\"");
        SchemaAssert.Invalid("""{"type":"string","enum":["a",1]}""", "1");
    }

    [Fact]
    public void Integer_ranges_are_exact()
    {
        const string s = """{"type":"integer","minimum":-12,"exclusiveMaximum":105}""";
        SchemaAssert.Valid(s, "-12", "-1", "0", "-0", "9", "99", "104");
        SchemaAssert.Invalid(s, "-13", "105", "1000", "-100", "007");
        SchemaAssert.Valid("""{"type":"integer","minimum":123456789012345678901234567890}""", "123456789012345678901234567890", "223456789012345678901234567890");
        SchemaAssert.Invalid("""{"type":"integer","minimum":123456789012345678901234567890}""", "123456789012345678901234567889", "5");
        SchemaAssert.Valid("""{"$schema":"http://json-schema.org/draft-04/schema#","type":"integer","minimum":0,"exclusiveMinimum":true}""", "1");
        SchemaAssert.Invalid("""{"$schema":"http://json-schema.org/draft-04/schema#","type":"integer","minimum":0,"exclusiveMinimum":true}""", "0");
    }

    [Fact]
    public void Number_ranges_are_exact_on_decimals()
    {
        const string s = """{"type":"number","minimum":0.5,"maximum":10}""";
        SchemaAssert.Valid(s, "0.5", "0.50", "0.6", "1", "9.999", "10", "10.000");
        SchemaAssert.Invalid(s, "0.4999", "0", "-1", "10.0001", "11");
        SchemaAssert.Valid("""{"type":"number","exclusiveMinimum":0}""", "0.001", "5");
        SchemaAssert.Invalid("""{"type":"number","exclusiveMinimum":0}""", "0", "-0.0", "0.000", "-1");
    }

    [Fact]
    public void Sign_bounds_keep_exponent_spellings()
    {
        // A bound of 0 on one side only depends on the mantissa's sign, so exponent forms stay exact.
        SchemaAssert.Valid("""{"type":"number","minimum":0}""", "1e-6", "2.5E+3", "0e5", "-0e5", "-0.00E1", "0.001e2", "7");
        SchemaAssert.Invalid("""{"type":"number","minimum":0}""", "-1e-6", "-2E3", "-0.1e1", "01e2", "1e", "-7");
        SchemaAssert.Valid("""{"type":"number","exclusiveMinimum":0}""", "1e-6", "0.5E1");
        SchemaAssert.Invalid("""{"type":"number","exclusiveMinimum":0}""", "0e5", "-0e1", "0.000E3", "-1e2");
        SchemaAssert.Valid("""{"type":"number","maximum":0}""", "-1e3", "0E0", "-0e1", "-0.5e-1");
        SchemaAssert.Invalid("""{"type":"number","maximum":0}""", "1e-3", "0.1E1");
        SchemaAssert.Valid("""{"type":"number","exclusiveMaximum":0}""", "-1e3", "-0.01E2");
        SchemaAssert.Invalid("""{"type":"number","exclusiveMaximum":0}""", "0E2", "-0E2", "3e1");
        // Other bounds keep plain decimals only (a sound subset): exponent forms are rejected.
        SchemaAssert.Valid("""{"type":"number","minimum":1}""", "1", "20.5");
        SchemaAssert.Invalid("""{"type":"number","minimum":1}""", "2e1", "1E0");
        SchemaAssert.Invalid("""{"type":"number","minimum":0,"maximum":10}""", "1e0");
    }
}

public class StringKeywordTests
{
    [Fact]
    public void Lengths_count_code_points_and_escapes()
    {
        const string s = """{"type":"string","minLength":2,"maxLength":3}""";
        SchemaAssert.Valid(s, "\"ab\"", "\"abc\"", "\"\\n\\t\"", "\"é😀\"", "\"\\ud83d\\ude00x\"");
        SchemaAssert.Invalid(s, "\"a\"", "\"abcd\"", "\"\\ud83d\"", "\"\\ud83d\\ude00\"");
    }

    [Fact]
    public void Pattern_has_search_semantics()
    {
        SchemaAssert.Valid("""{"type":"string","pattern":"b+"}""", "\"abbc\"", "\"b\"");
        SchemaAssert.Invalid("""{"type":"string","pattern":"b+"}""", "\"ac\"");
        SchemaAssert.Valid("""{"type":"string","pattern":"^a\\d$"}""", "\"a1\"", "\"\\u00611\"");
        SchemaAssert.Invalid("""{"type":"string","pattern":"^a\\d$"}""", "\"xa1\"", "\"a12\"");
    }

    [Fact]
    public void Pattern_with_lengths_when_a_class_repeat()
    {
        SchemaAssert.Valid("""{"type":"string","pattern":"^[a-z]+$","maxLength":3}""", "\"abc\"", "\"a\"");
        SchemaAssert.Invalid("""{"type":"string","pattern":"^[a-z]+$","maxLength":3}""", "\"abcd\"", "\"\"", "\"A\"");
    }

    [Fact]
    public void Pattern_with_lengths_by_intersection()
    {
        // Search semantics: "a(b|cd)" anywhere, and at most 3 code points in total (escapes count as one).
        const string s = """{"type":"string","pattern":"a(b|cd)","maxLength":3}""";
        SchemaAssert.Valid(s, "\"ab\"", "\"xab\"", "\"acd\"", "\"\\u0061b\"");
        SchemaAssert.Invalid(s, "\"xacd\"", "\"abxy\"", "\"a\"", "\"ac\"");
    }

    [Fact]
    public void Several_patterns_and_format_with_length_intersect()
    {
        const string s = """{"type":"string","allOf":[{"pattern":"^[a-z]"},{"pattern":"[0-9]$"}],"minLength":3}""";
        SchemaAssert.Valid(s, "\"ab1\"", "\"a-x-9\"");
        SchemaAssert.Invalid(s, "\"a1\"", "\"1ab1\"", "\"abc\"");
        SchemaAssert.Valid("""{"type":"string","format":"ipv4","maxLength":8}""", "\"1.2.3.4\"", "\"10.0.0.1\"");
        SchemaAssert.Invalid("""{"type":"string","format":"ipv4","maxLength":8}""", "\"10.20.3.4\"", "\"1.2.3\"");
    }

    [Fact]
    public void Formats_are_asserted()
    {
        SchemaAssert.Valid("""{"format":"date","type":"string"}""", "\"2024-02-29\"", "\"2023-12-31\"");
        SchemaAssert.Invalid("""{"format":"date","type":"string"}""", "\"2023-02-29\"", "\"2023-04-31\"", "\"2023-1-01\"");
        SchemaAssert.Valid("""{"format":"date-time","type":"string"}""", "\"2023-01-01T10:00:00Z\"", "\"2023-01-01T10:00:00.5+02:00\"");
        SchemaAssert.Invalid("""{"format":"date-time","type":"string"}""", "\"2023-01-01 10:00:00Z\"", "\"2023-01-01T25:00:00Z\"");
        SchemaAssert.Valid("""{"format":"ipv4","type":"string"}""", "\"192.168.0.1\"");
        SchemaAssert.Invalid("""{"format":"ipv4","type":"string"}""", "\"256.1.1.1\"", "\"01.1.1.1\"");
        SchemaAssert.Valid("""{"format":"uuid"}""", "\"123e4567-e89b-12d3-a456-426614174000\"");
        SchemaAssert.Valid("""{"format":"email"}""", "\"a.b@example.com\"");
        SchemaAssert.Invalid("""{"format":"email"}""", "\"a..b@example.com\"", "\"@x.com\"");
        SchemaAssert.Valid("""{"format":"ipv6"}""", "\"::1\"", "\"2001:db8::8a2e:370:7334\"");
        SchemaAssert.Invalid("""{"format":"ipv6"}""", "\"1:2:3:4:5:6:7:8:9\"", "\"::1%eth0\"");
        SchemaAssert.Valid("""{"format":"hostname"}""", "\"a.example.com\"", "\"a-b\"", "\"a--b\"");
        SchemaAssert.Invalid("""{"format":"hostname"}""", "\"xn--X\"", "\"ab--c\"", "\"-a\"", "\"a_b\"", "\"a.\"");
        SchemaAssert.Refused("""{"format":"regex"}""", "format", "");
    }

    [Fact]
    public void Large_max_length_compiles()
    {
        var g = SchemaAssert.Compile("""{"type":"string","maxLength":10000}""");
        Assert.True(SchemaAssert.Accepts(g, "\"" + new string('x', 10000) + "\""));
        Assert.False(SchemaAssert.Accepts(g, "\"" + new string('x', 10001) + "\""));
    }
}
