using System.Text.Json;
using System.Text.Json.Serialization;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;

namespace ConstrainedDecoding.JsonSchema.Tests;

public enum Priority
{
    Low,
    High,
}

public sealed record LineItem(string Sku, int Quantity, double? Discount);

public sealed record Order(string Id, Priority Priority, List<LineItem> Items, List<List<int>> Matrix, string? Note, DateTime? Due);

public class FromTypeTests
{
    [Fact]
    public void Records_with_nested_lists_enums_and_nullables()
    {
        var options = new JsonSerializerOptions(JsonSerializerOptions.Default) { Converters = { new JsonStringEnumConverter() } };
        var result = JsonSchemaCompiler.FromType<Order>(options);
        var compiled = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(result.Grammar);
        var order = new Order("o1", Priority.High, [new LineItem("A-1", 2, null), new LineItem("B", 1, 0.5)], [[1, 2], []], null, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        string json = JsonSerializer.Serialize(order, options);
        Assert.True(SchemaAssert.Accepts(compiled, json), json);
        Assert.False(SchemaAssert.Accepts(compiled, json.Replace("\"High\"", "\"Urgent\"", StringComparison.Ordinal)));
        Assert.False(SchemaAssert.Accepts(compiled, json.Replace("\"Quantity\":2", "\"Quantity\":\"2\"", StringComparison.Ordinal)));
        Assert.True(SchemaAssert.Accepts(compiled, json.Replace("\"Note\":null", "\"Note\":\"rush\"", StringComparison.Ordinal)));
    }
}
