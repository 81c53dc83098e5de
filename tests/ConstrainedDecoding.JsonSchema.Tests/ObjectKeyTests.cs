namespace ConstrainedDecoding.JsonSchema.Tests;

public class ObjectKeyTests
{
    [Fact]
    public void Pattern_properties_partition_the_undeclared_keys()
    {
        const string s = """{"properties":{"foo":{"type":"array","maxItems":3}},"patternProperties":{"f.o":{"minItems":2},"^x":{"type":"string"}},"additionalProperties":{"type":"integer"}}""";
        SchemaAssert.Valid(s, "{\"foo\":[1,2]}", "{\"fao\":[1,2,3,4]}", "{\"xy\":\"s\"}", "{\"q\":1}", "{\"xfoo\":\"s\"}");
        // foo is declared and matches f.o: both apply. xfoo matches both patterns: its value must be a string with
        // at least 2 items, which no value is... except non-arrays, for which minItems holds.
        SchemaAssert.Invalid(s, "{\"foo\":[1]}", "{\"foo\":[1,2,3,4]}", "{\"fao\":[1]}", "{\"q\":\"s\"}", "{\"xy\":1}");
    }

    [Fact]
    public void Property_names_next_to_additional_properties()
    {
        const string s = """{"properties":{"id":{}},"propertyNames":{"maxLength":3,"pattern":"^[a-z]+$"}}""";
        SchemaAssert.Valid(s, "{\"id\":1,\"abc\":2}", "{}");
        SchemaAssert.Invalid(s, "{\"abcd\":1}", "{\"A\":1}", "{\"\":1}");
        SchemaAssert.Invalid("""{"properties":{"long":{}},"propertyNames":{"maxLength":3}}""", "{\"long\":1}");
    }

    [Fact]
    public void Unevaluated_properties_see_adjacent_and_in_place_annotations()
    {
        const string s = """{"properties":{"a":{}},"allOf":[{"properties":{"b":{}}}],"anyOf":[{"patternProperties":{"^x":{}}},{"required":["c"]}],"unevaluatedProperties":false}""";
        SchemaAssert.Valid(s, "{\"a\":1,\"b\":2}", "{\"x1\":0}", "{}");
        SchemaAssert.Invalid(s, "{\"a\":1,\"z\":2}", "{\"c\":1}");
        // Cousins do not see each other.
        SchemaAssert.Invalid("""{"allOf":[{"properties":{"foo":true}},{"unevaluatedProperties":false}]}""", "{\"foo\":1}");
        // Annotations inside `not` are dropped.
        SchemaAssert.Invalid("""{"not":{"not":{"properties":{"bar":{}}}},"unevaluatedProperties":false}""", "{\"bar\":1}");
    }

    [Fact]
    public void Unevaluated_items_after_the_evaluated_positions()
    {
        const string s = """{"prefixItems":[{"type":"string"}],"allOf":[{"prefixItems":[true,{"type":"number"}]}],"unevaluatedItems":false}""";
        SchemaAssert.Valid(s, "[\"a\"]", "[\"a\",1]", "[]");
        SchemaAssert.Invalid(s, "[\"a\",1,null]", "[1]");
        SchemaAssert.Valid("""{"items":{"type":"number"},"unevaluatedItems":{"type":"string"}}""", "[1,2]");
        SchemaAssert.Refused("""{"contains":{"type":"string"},"unevaluatedItems":false}""", "unevaluatedItems", "");
    }
}

public class ReferenceResolutionTests
{
    [Fact]
    public void Draft7_sibling_id_of_a_ref_does_not_change_its_base()
    {
        const string s = """
            {"$schema":"http://json-schema.org/draft-07/schema#","$id":"http://localhost:1234/sibling_id/base/",
             "definitions":{"foo":{"$id":"http://localhost:1234/sibling_id/foo.json","type":"string"},
                            "base_foo":{"$id":"foo.json","type":"number"}},
             "allOf":[{"$id":"http://localhost:1234/sibling_id/","$ref":"foo.json"}]}
            """;
        SchemaAssert.Valid(s, "1");
        SchemaAssert.Invalid(s, "\"a\"");
    }

    [Fact]
    public void Identifiers_inside_unknown_keywords_are_not_resources()
    {
        const string s = """
            {"$defs":{"unknown":{"x-data":{"$id":"https://example.com/id.json","type":"null"}},
                      "real":{"$id":"https://example.com/id.json","type":"string"}},
             "$ref":"https://example.com/id.json"}
            """;
        SchemaAssert.Valid(s, "\"a\"");
        SchemaAssert.Invalid(s, "null");
    }
}

public class LargeObjectOrderTests
{
    [Fact]
    public void Large_objects_accept_any_order_with_each_member_once()
    {
        var props = string.Join(",", "abcdefghij".Select(c => $"\"{c}\":{{\"type\":\"integer\"}}"));
        string s = "{\"properties\":{" + props + "},\"required\":[\"j\",\"b\"],\"additionalProperties\":false}";
        SchemaAssert.Valid(s, "{\"b\":1,\"c\":2,\"j\":3}", "{\"j\":1,\"b\":2,\"a\":3,\"c\":4}", "{\"c\":1,\"b\":2,\"j\":3}",
            "{\"j\":1,\"i\":1,\"h\":1,\"g\":1,\"f\":1,\"e\":1,\"d\":1,\"c\":1,\"b\":1,\"a\":1}");
        // A duplicate; a missing required member; an undeclared member; a wrong value type.
        SchemaAssert.Invalid(s, "{\"b\":1,\"j\":2,\"b\":3}", "{\"j\":1}", "{\"j\":1,\"b\":2,\"z\":3}", "{\"j\":1,\"b\":\"x\"}");
    }

    [Fact]
    public void Hundreds_of_properties_with_additional_ones_in_any_order()
    {
        // 150 declared properties (beyond any rule-per-subset construction) plus string-valued extras.
        var names = Enumerable.Range(0, 150).Select(i => "p" + i).ToList();
        var props = string.Join(",", names.Select(n => $"\"{n}\":{{\"type\":\"boolean\"}}"));
        string s = "{\"properties\":{" + props + "},\"required\":[\"p7\"],\"additionalProperties\":{\"type\":\"string\"}}";
        var grammar = SchemaAssert.Compile(s);
        var rng = new Random(3);
        for (int round = 0; round < 10; round++)
        {
            var chosen = names.Where(n => n == "p7" || rng.Next(5) == 0).OrderBy(_ => rng.Next()).ToList();
            var members = chosen.Select(n => $"\"{n}\":true").Append("\"extra\":\"x\"").OrderBy(_ => rng.Next()).ToList();
            string doc = "{" + string.Join(",", members) + "}";
            Assert.True(SchemaAssert.Accepts(grammar, doc), doc);
            Assert.False(SchemaAssert.Accepts(grammar, "{" + string.Join(",", members.Append(members[0])) + "}"), "duplicate accepted");
        }
        Assert.False(SchemaAssert.Accepts(grammar, "{\"p1\":true}"));
        Assert.False(SchemaAssert.Accepts(grammar, "{\"p7\":true,\"extra\":1}"));
    }

    [Fact]
    public void Objects_with_property_count_bounds_keep_a_sound_order()
    {
        // Count bounds with many members fall back to schema order (or required order first): exact, but narrower.
        var props = string.Join(",", "abcdefghij".Select(c => $"\"{c}\":{{\"type\":\"integer\"}}"));
        string s = "{\"properties\":{" + props + "},\"required\":[\"j\",\"b\"],\"maxProperties\":3,\"additionalProperties\":{\"type\":\"string\"}}";
        SchemaAssert.Valid(s, "{\"b\":1,\"c\":2,\"j\":3}", "{\"j\":1,\"b\":2,\"x\":\"s\"}");
        SchemaAssert.Invalid(s, "{\"b\":1,\"c\":2,\"j\":3,\"a\":4}", "{\"b\":1,\"j\":2,\"b\":3}", "{\"j\":1}");
    }
}
