using System.Text.Json;
using ConstrainedDecoding.OnnxRuntime.Generation;
using ConstrainedDecoding.Sampling;
using Xunit.Abstractions;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Generation;

/// <summary>JSON Schema → JSON with the embedded model, checked by validators independent of the schema compiler.</summary>
[Collection(TinyModelCollection.Name)]
public class SchemaGenerationTests(TinyModel model, ITestOutputHelper output)
{
    public static TheoryData<string> Schemas => new(SchemaValidators.All.Keys);

    [Fact]
    public void TheValidatorsRejectInvalidDocuments()
    {
        // The hand-written validators must be able to fail, or the generation test proves nothing.
        (string Schema, string Json)[] invalid =
        [
            ("flat object", """{"name": "a", "age": 7, "role": "admin"}"""),
            ("flat object", """{"name": "a", "age": 7.5, "role": "admin", "active": true}"""),
            ("flat object", """{"name": "a", "age": 7, "role": "root", "active": true}"""),
            ("flat object", """{"name": "a", "age": 7, "role": "admin", "active": true, "tags": ["a", "b", "c", "d"]}"""),
            ("flat object", """{"name": "a", "age": 7, "role": "admin", "active": true, "extra": 1}"""),
            ("nested object", """{"id": 1, "customer": {"name": "a", "address": {"city": "b", "zip": "1234"}}}"""),
            ("nested object", """{"id": 0, "customer": {"name": "a", "address": {"city": "b", "zip": "12345"}}}"""),
            ("array of objects", "[]"),
            ("array of objects", """[{"sku": "ab-123", "qty": 1}]"""),
            ("array of objects", """[{"sku": "AB-123", "qty": 10}]"""),
            ("string formats", """{"host": "1.2.3.256", "born": "2020-01-01", "code": "abc"}"""),
            ("string formats", """{"host": "1.2.3.04", "born": "2020-01-01", "code": "abc"}"""),
            ("string formats", """{"host": "1.2.3.4", "born": "2021-02-29", "code": "abc"}"""),
            ("string formats", """{"host": "1.2.3.4", "born": "1900-02-29", "code": "abc"}"""),
            ("string formats", """{"host": "1.2.3.4", "born": "2020-04-31", "code": "abc"}"""),
            ("string formats", """{"host": "1.2.3.4", "born": "2020-01-01", "code": "ab"}"""),
            ("string formats", """{"host": "1.2.3.4", "born": "2020-01-01", "code": "abc", "id": "1234"}"""),
        ];
        foreach (var (schema, json) in invalid)
        {
            using var document = JsonDocument.Parse(json);
            Assert.NotNull(SchemaValidators.All[schema].Validate(document.RootElement));
        }
        (string Schema, string Json)[] valid =
        [
            ("flat object", """{"active": false, "name": "é", "age": 120.0, "role": "viewer", "tags": []}"""),
            ("nested object", """{"id": 3, "customer": {"address": {"zip": "01234", "city": ""}, "name": "x"}}"""),
            ("array of objects", """[{"sku": "AB-123", "qty": 9}, {"qty": 1, "sku": "ZZ-000"}]"""),
            ("string formats", """{"host": "255.0.10.199", "born": "0000-02-29", "code": "abcdef", "id": "123e4567-e89b-12d3-a456-426614174000"}"""),
        ];
        foreach (var (schema, json) in valid)
        {
            using var document = JsonDocument.Parse(json);
            Assert.Null(SchemaValidators.All[schema].Validate(document.RootElement));
        }
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task TwentySeeds_OutputValidatesAgainstTheSchema(string name)
    {
        var schema = SchemaValidators.All[name];
        var grammar = model.Generator.CompileJsonSchema(schema.Schema);
        var lengths = new List<int>();
        for (ulong seed = 0; seed < 20; seed++)
        {
            // Alternate sample-first (pure temperature) and full masks (top-k/min-p truncation).
            var sampling = seed % 2 == 0
                ? new SamplingOptions { Temperature = 0.8f, Seed = seed }
                : new SamplingOptions { Temperature = 0.8f, Seed = seed, TopK = 40, MinP = 0.02f };
            var result = await model.Generator.GenerateAsync("", grammar, new GenerationOptions { Sampling = sampling, MaxNewTokens = 300 });
            Assert.True(result.StopReason is GenerationStopReason.StopToken or GenerationStopReason.GrammarComplete,
                $"{name}, seed {seed}: stopped by {result.StopReason} after {result.TokenIds.Count} tokens: {result.Text}");
            Assert.Contains(result.TokenIds[^1], model.Generator.StopTokenIds);
            using var document = JsonDocument.Parse(result.Text);
            string? error = schema.Validate(document.RootElement);
            Assert.True(error is null, $"{name}, seed {seed}: {error} in {result.Text}");
            lengths.Add(result.TokenIds.Count);
            if (seed < 3) output.WriteLine($"seed {seed}: {result.Text.ReplaceLineEndings(" ")}");
        }
        output.WriteLine($"tokens per output: {string.Join(", ", lengths)}");
    }

    // No free-text or array member: the tiny model can write one string or list for hundreds of tokens, and a
    // type gives no maxLength/maxItems.
    public sealed record Reading(Sensor Sensor, int Value, bool Calibrated, Level Level);

    public enum Sensor { Temperature, Pressure, Humidity }

    public enum Level { Low, High }

    [Fact]
    public async Task CSharpType_OutputDeserializesIntoIt()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web) 
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        web.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        var grammar = model.Generator.CompileJsonSchema<Reading>(web, new ConstrainedDecoding.JsonSchema.JsonSchemaOptions
        {
            Strict = true,                                               // no keys beyond the type's
            Whitespace = ConstrainedDecoding.JsonSchema.JsonWhitespace.Compact, // the tiny model likes long indentation
        });
        for (ulong seed = 0; seed < 5; seed++)
        {
            var result = await model.Generator.GenerateAsync("", grammar, new GenerationOptions { Sampling = new SamplingOptions { Temperature = 0.8f, Seed = seed }, MaxNewTokens = 200 });
            output.WriteLine($"{result.StopReason}: {result.Text.ReplaceLineEndings(" ")}");
            Assert.NotEqual(GenerationStopReason.MaxTokens, result.StopReason);
            var reading = JsonSerializer.Deserialize<Reading>(result.Text, web); // throws on a missing or mistyped member
            Assert.NotNull(reading);
            Assert.True(Enum.IsDefined(reading.Sensor));
            Assert.True(Enum.IsDefined(reading.Level));
        }
    }
}
