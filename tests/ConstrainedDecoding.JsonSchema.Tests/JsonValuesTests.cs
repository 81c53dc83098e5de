using System.Text.Json;
using ConstrainedDecoding.JsonSchema.Internal;

namespace ConstrainedDecoding.JsonSchema.Tests;

/// <summary>JSON value equality as <c>enum</c>, <c>const</c> and <c>uniqueItems</c> use it: numbers by value, strings decoded, objects regardless of key order.</summary>
public class JsonValuesTests
{
    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("0", "-0")]
    [InlineData("-0.0", "0")]
    [InlineData("100", "1e2")]
    [InlineData("1.50", "15E-1")]
    [InlineData("\"a\"", "\"\\u0061\"")]
    [InlineData("\"é\"", "\"\\u00e9\"")]
    [InlineData("\"a\\\"b\"", "\"a\\u0022b\"")]
    [InlineData("[1, \"x\", null]", "[1.0, \"\\u0078\", null]")]
    [InlineData("{\"a\": 1, \"b\": [true]}", "{\"b\": [true], \"a\": 1.0}")]
    [InlineData("{\"k\\u0065y\": 1}", "{\"key\": 1}")]
    [InlineData("{\"key\": 1}", "{\"k\\u0065y\": 1}")]
    [InlineData("null", "null")]
    [InlineData("true", "true")]
    [InlineData("{}", "{}")]
    public void Equal_values_are_equal_both_ways(string x, string y) => AssertEqualBothWays(x, y, equal: true);

    [Theory]
    [InlineData("10", "11")]
    [InlineData("1", "-1")]
    [InlineData("0", "0.5")]
    [InlineData("1e2", "1e3")]
    [InlineData("1", "\"1\"")]
    [InlineData("\"ab\"", "\"ac\"")]
    [InlineData("\"a\\\"\"", "\"a\\\\\"")]
    [InlineData("\"\\u0061\"", "\"b\"")]
    [InlineData("true", "false")]
    [InlineData("null", "false")]
    [InlineData("[1, 2]", "[2, 1]")]
    [InlineData("[1]", "[1, 1]")]
    [InlineData("{\"a\": 1}", "{\"a\": 1, \"b\": 2}")]
    [InlineData("{\"a\": 1}", "{\"b\": 1}")]
    [InlineData("{\"a\": 1}", "{\"a\": 2}")]
    [InlineData("{\"k\\u0065y\": 1}", "{\"kez\": 1}")]
    public void Different_values_are_different_both_ways(string x, string y) => AssertEqualBothWays(x, y, equal: false);

    private static void AssertEqualBothWays(string x, string y, bool equal)
    {
        using var a = JsonDocument.Parse(x);
        using var b = JsonDocument.Parse(y);
        Assert.Equal(equal, JsonValues.Equal(a.RootElement, b.RootElement));
        Assert.Equal(equal, JsonValues.Equal(b.RootElement, a.RootElement));
    }
}
