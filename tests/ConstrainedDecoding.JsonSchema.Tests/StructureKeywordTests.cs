namespace ConstrainedDecoding.JsonSchema.Tests;

public class ObjectKeywordTests
{
    private const string Person = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"]}""";

    [Fact]
    public void Properties_required_and_any_order()
    {
        SchemaAssert.Valid(Person, """{"name": "a", "age": 3}""", """{"age":3,"name":"a"}""", """{"name":"a"}""", """{"name":"a","extra":[1,{}]}""");
        SchemaAssert.Invalid(Person, """{"age":3}""", """{"name":1}""", """{"name":"a","name":"b"}""", """{"name":"a","age":"x"}""", "{}");
    }

    [Fact]
    public void Additional_properties_false_and_schema()
    {
        SchemaAssert.Invalid("""{"properties":{"a":{}},"additionalProperties":false}""", """{"b":1}""");
        SchemaAssert.Valid("""{"properties":{"a":{}},"additionalProperties":false}""", """{"a":1}""", "{}");
        SchemaAssert.Valid("""{"properties":{"a":{"type":"string"}},"additionalProperties":{"type":"integer"}}""", """{"a":"x","b":1}""");
        SchemaAssert.Invalid("""{"properties":{"a":{"type":"string"}},"additionalProperties":{"type":"integer"}}""", """{"a":1}""", """{"b":"x"}""", """{"\u0061":1}""");
    }

    [Fact]
    public void Strict_mode_closes_objects()
    {
        var strict = new JsonSchemaOptions { Strict = true };
        SchemaAssert.Invalid("""{"properties":{"a":{}}}""", strict, """{"b":1}""");
        SchemaAssert.Valid("""{"properties":{"a":{}}}""", strict, """{"a":1}""");
    }

    [Fact]
    public void Large_objects_keep_schema_order()
    {
        const string s = """{"properties":{"a":{},"b":{},"c":{},"d":{},"e":{},"f":{}},"additionalProperties":false}""";
        SchemaAssert.Valid(s, """{"a":1,"c":2,"f":3}""");
        SchemaAssert.Invalid(s, """{"a":1,"a":2}""");
    }

    [Fact]
    public void Pattern_properties_with_closed_objects()
    {
        const string s = """{"patternProperties":{"^x-":{"type":"integer"}},"additionalProperties":false}""";
        SchemaAssert.Valid(s, """{"x-a":1}""", "{}");
        SchemaAssert.Invalid(s, """{"y":1}""", """{"x-a":"s"}""");
    }

    [Fact]
    public void Min_properties_one_and_not_required()
    {
        SchemaAssert.Invalid("""{"type":"object","minProperties":1}""", "{}");
        SchemaAssert.Valid("""{"type":"object","minProperties":1}""", """{"a":1}""");
        SchemaAssert.Invalid("""{"type":"object","not":{"required":["a"]}}""", """{"a":1}""");
        SchemaAssert.Valid("""{"type":"object","not":{"required":["a"]}}""", """{"b":1}""");
    }
}

public class ArrayKeywordTests
{
    [Fact]
    public void Items_and_counts()
    {
        const string s = """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":3}""";
        SchemaAssert.Valid(s, "[1]", "[1, 2, 3]");
        SchemaAssert.Invalid(s, "[]", "[1,2,3,4]", "[\"a\"]", "[1,]");
    }

    [Fact]
    public void Prefix_items_per_draft()
    {
        SchemaAssert.Valid("""{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}""", "[\"a\",1,2]", "[]");
        SchemaAssert.Invalid("""{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}""", "[1]", "[\"a\",\"b\"]");
        const string d7 = """{"$schema":"http://json-schema.org/draft-07/schema#","items":[{"type":"string"}],"additionalItems":false}""";
        SchemaAssert.Valid(d7, "[\"a\"]", "[]");
        SchemaAssert.Invalid(d7, "[\"a\",1]");
    }

    [Fact]
    public void Unique_items_is_refused_with_its_pointer()
    {
        SchemaAssert.Refused("""{"properties":{"tags":{"type":"array","uniqueItems":true}}}""", "uniqueItems", "/properties/tags");
    }
}

public class ApplicatorKeywordTests
{
    [Fact]
    public void Ref_and_recursion()
    {
        const string s = """{"$defs":{"node":{"type":"object","properties":{"next":{"$ref":"#/$defs/node"},"v":{"type":"integer"}},"additionalProperties":false}},"$ref":"#/$defs/node"}""";
        SchemaAssert.Valid(s, """{"v":1,"next":{"next":{"v":2}}}""");
        SchemaAssert.Invalid(s, """{"next":{"w":1}}""");
    }

    [Fact]
    public void AllOf_intersects_objects()
    {
        const string s = """{"allOf":[{"properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"a":{"minimum":5}}}]}""";
        SchemaAssert.Valid(s, """{"a":5}""");
        SchemaAssert.Invalid(s, """{"a":4}""", "{}");
    }

    [Fact]
    public void AnyOf_and_disjoint_oneOf()
    {
        SchemaAssert.Valid("""{"oneOf":[{"type":"string"},{"type":"integer"}]}""", "\"a\"", "1");
        SchemaAssert.Invalid("""{"oneOf":[{"type":"string"},{"type":"integer"}]}""", "null");
        // Overlapping branches: each branch and the complement of the others.
        SchemaAssert.Valid("""{"oneOf":[{"type":"string"},{"minLength":2}]}""", "\"a\"", "3", "null");
        SchemaAssert.Invalid("""{"oneOf":[{"type":"string"},{"minLength":2}]}""", "\"ab\"");
        SchemaAssert.Valid("""{"oneOf":[{"type":"object"},{"properties":{"a":{"type":"string"}}}]}""", "{\"a\":1}", "1");
        SchemaAssert.Invalid("""{"oneOf":[{"type":"object"},{"properties":{"a":{"type":"string"}}}]}""", "{\"a\":\"s\"}", "{}");
        SchemaAssert.Refused("""{"oneOf":[{"type":"array"},{"items":{"type":"string"}}]}""", "not", "/oneOf/1");
        SchemaAssert.Valid("""{"anyOf":[{"type":"string"},{"minLength":2}]}""", "\"a\"", "3");
    }

    [Fact]
    public void OneOf_with_const_discriminators()
    {
        const string s = """{"oneOf":[{"properties":{"k":{"const":"a"},"x":{"type":"integer"}},"required":["k"]},{"properties":{"k":{"const":"b"}},"required":["k"]}]}""";
        SchemaAssert.Valid(s, """{"k":"a","x":1}""", """{"k":"b","x":"s"}""");
        SchemaAssert.Invalid(s, """{"k":"a","x":"s"}""", """{"k":"c"}""");
    }

    [Fact]
    public void Not_over_types_and_values()
    {
        SchemaAssert.Valid("""{"not":{"type":"string"}}""", "1", "null");
        SchemaAssert.Invalid("""{"not":{"type":"string"}}""", "\"a\"");
        SchemaAssert.Invalid("""{"type":"string","not":{"enum":["a"]}}""", "\"a\"");
        SchemaAssert.Valid("""{"type":"string","not":{"enum":["a"]}}""", "\"ab\"", "\"\"");
    }

    [Fact]
    public void Lenient_mode_reports_relaxations()
    {
        var r = JsonSchemaCompiler.Compile("""{"type":"array","uniqueItems":true}""", new JsonSchemaOptions { Lenient = true });
        var w = Assert.Single(r.Warnings);
        Assert.Equal("uniqueItems", w.Keyword);
    }
}

public class WhitespaceTests
{
    [Fact]
    public void Flexible_accepts_python_separators_and_indentation_only()
    {
        const string s = """{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}}}""";
        SchemaAssert.Valid(s, """{"a": [1, 2]}""", "{\n  \"a\": [\n    1\n  ]\n}");
        SchemaAssert.Invalid(s, """{"a" : [1]}""", """{"a":  [1]}""");
        SchemaAssert.Invalid(s, new JsonSchemaOptions { Whitespace = JsonWhitespace.Compact }, """{"a": [1]}""");
        SchemaAssert.Valid(s, new JsonSchemaOptions { Whitespace = JsonWhitespace.Any }, """ { "a" : [ 1 ] } """);
    }
}
