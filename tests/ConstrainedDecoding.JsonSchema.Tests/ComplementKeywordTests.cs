namespace ConstrainedDecoding.JsonSchema.Tests;

public class ComplementKeywordTests
{
    [Fact]
    public void Not_over_bounds_lengths_and_patterns()
    {
        // minimum holds for every non-number, so its complement is a number below 5.
        SchemaAssert.Valid("""{"not":{"minimum":5}}""", "4", "4.99", "-10");
        SchemaAssert.Invalid("""{"not":{"minimum":5}}""", "5", "5.0", "100", "\"x\"", "null");
        SchemaAssert.Invalid("""{"not":{"required":["a"]}}""", "1", "{\"a\":1}");
        SchemaAssert.Valid("""{"not":{"required":["a"]}}""", "{\"b\":1}");
        SchemaAssert.Invalid("""{"not":{"maxLength":2}}""", "5", "\"ab\"");
        SchemaAssert.Valid("""{"not":{"maxLength":2}}""", "\"abc\"");
        SchemaAssert.Valid("""{"type":"string","not":{"maxLength":2}}""", "\"abc\"");
        SchemaAssert.Invalid("""{"type":"string","not":{"maxLength":2}}""", "\"ab\"", "\"\"");
        SchemaAssert.Valid("""{"type":"string","not":{"pattern":"^a"}}""", "\"ba\"", "\"\"");
        SchemaAssert.Invalid("""{"type":"string","not":{"pattern":"^a"}}""", "\"abc\"", "\"\\u0061\"");
    }

    [Fact]
    public void Not_of_a_conjunction_is_a_union_of_complements()
    {
        const string s = """{"not":{"type":"integer","minimum":3}}""";
        SchemaAssert.Valid(s, "2", "2.5", "3.5", "\"a\"", "[]");
        SchemaAssert.Invalid(s, "3", "4", "100");
        // Two keywords of one type: not (string and at most 2 long) is a longer string or any non-string.
        SchemaAssert.Valid("""{"not":{"type":"string","maxLength":2}}""", "\"abc\"", "1", "null");
        SchemaAssert.Invalid("""{"not":{"type":"string","maxLength":2}}""", "\"ab\"");
        SchemaAssert.Valid("""{"not":{"not":{"type":"string"}}}""", "\"a\"");
        SchemaAssert.Invalid("""{"not":{"not":{"type":"string"}}}""", "1");
        SchemaAssert.Valid("""{"type":"object","not":{"required":["a","b"]}}""", "{\"a\":1}", "{}");
        SchemaAssert.Invalid("""{"type":"object","not":{"required":["a","b"]}}""", "{\"a\":1,\"b\":2}");
    }

    [Fact]
    public void Excluded_numbers_drop_every_spelling()
    {
        SchemaAssert.Valid("""{"type":"number","not":{"const":1}}""", "2", "1.5", "0");
        SchemaAssert.Invalid("""{"type":"number","not":{"const":1}}""", "1", "1.0", "1.00");
        SchemaAssert.Valid("""{"not":{"type":"integer"},"minimum":1,"maximum":2}""", "1.5");
        SchemaAssert.Invalid("""{"not":{"type":"integer"},"minimum":1,"maximum":2}""", "1", "2.0", "2.5");
    }

    [Fact]
    public void Not_of_properties_needs_a_present_property_with_a_wrong_value()
    {
        const string s = """{"type":"object","not":{"properties":{"a":{"type":"string"},"b":{"minimum":3}}}}""";
        SchemaAssert.Valid(s, "{\"a\":1}", "{\"b\":2,\"a\":\"x\"}");
        SchemaAssert.Invalid(s, "{}", "{\"a\":\"x\"}", "{\"b\":3}", "{\"c\":1}");
    }

    [Fact]
    public void Not_of_prefix_items_needs_a_listed_position_outside_its_schema()
    {
        const string s = """{"type":"array","not":{"prefixItems":[{"type":"string"},{"type":"integer"}]}}""";
        SchemaAssert.Valid(s, "[1]", "[\"a\",\"b\"]", "[\"a\",1.5,3]");
        SchemaAssert.Invalid(s, "[]", "[\"a\"]", "[\"a\",1]", "[\"a\",1,null]");
    }

    [Fact]
    public void A_failed_if_gives_no_annotations_to_unevaluated_properties()
    {
        const string s = """{"if":{"properties":{"foo":{"const":"then"}},"required":["foo"]},"else":{"properties":{"baz":{}},"required":["baz"]},"unevaluatedProperties":false}""";
        SchemaAssert.Valid(s, "{\"foo\":\"then\"}", "{\"baz\":1}");
        SchemaAssert.Invalid(s, "{\"foo\":\"else\",\"baz\":1}", "{\"foo\":\"then\",\"x\":1}");
    }

    [Fact]
    public void Not_refuses_what_has_no_complement_here()
    {
        var e = SchemaAssert.Refused("""{"properties":{"p":{"not":{"uniqueItems":true}}}}""", "not", "/properties/p/not");
        Assert.Contains("uniqueItems", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void If_then_else_with_a_complement_of_if()
    {
        const string s = """{"if":{"minimum":10},"then":{"type":"integer"},"else":{"type":"string"}}""";
        // A string satisfies minimum (it only constrains numbers), so it takes the then branch and fails it.
        SchemaAssert.Valid(s, "10", "12");
        SchemaAssert.Invalid(s, "5", "10.5", "\"x\"");
        const string t = """{"if":{"type":"string","maxLength":2},"then":{"pattern":"^a"},"else":{"type":"integer"}}""";
        SchemaAssert.Valid(t, "\"ab\"", "3");
        SchemaAssert.Invalid(t, "\"ba\"", "\"abc\"", "null");
    }

    [Fact]
    public void Unsatisfiable_schemas_throw_their_own_exception()
    {
        var e = Assert.Throws<UnsatisfiableSchemaException>(() => JsonSchemaCompiler.Compile("""{"allOf":[{"type":"string"},{"type":"integer"}]}"""));
        Assert.Equal("false", e.Keyword);
        Assert.Throws<UnsatisfiableSchemaException>(() => JsonSchemaCompiler.Compile("false"));
        Assert.Throws<UnsatisfiableSchemaException>(() => JsonSchemaCompiler.Compile("""{"not":{}}"""));
    }
}

public class DependencyAndContainsTests
{
    [Fact]
    public void DependentRequired_tracks_presence()
    {
        const string s = """{"dependentRequired":{"card":["billing"]}}""";
        SchemaAssert.Valid(s, "{}", "{\"billing\":1}", "{\"card\":1,\"billing\":2}", "{\"billing\":2,\"card\":1}", "3");
        SchemaAssert.Invalid(s, "{\"card\":1}", "{\"x\":0,\"card\":1}");
    }

    [Fact]
    public void DependentSchemas_apply_when_the_trigger_is_present()
    {
        const string s = """{"dependentSchemas":{"a":{"properties":{"b":{"type":"integer"}},"required":["b"]}}}""";
        SchemaAssert.Valid(s, "{\"b\":\"x\"}", "{\"a\":0,\"b\":1}");
        SchemaAssert.Invalid(s, "{\"a\":0}", "{\"a\":0,\"b\":\"x\"}");
        SchemaAssert.Valid("""{"$schema":"http://json-schema.org/draft-07/schema#","dependencies":{"a":["b"]}}""", "{\"a\":1,\"b\":1}");
        SchemaAssert.Invalid("""{"$schema":"http://json-schema.org/draft-07/schema#","dependencies":{"a":["b"]}}""", "{\"a\":1}");
    }

    [Fact]
    public void Contains_counts_matching_items()
    {
        SchemaAssert.Valid("""{"contains":{"type":"integer"}}""", "[1]", "[\"a\",2]", "[1,2,3]", "{}");
        SchemaAssert.Invalid("""{"contains":{"type":"integer"}}""", "[]", "[\"a\"]");
        const string s = """{"contains":{"const":1},"minContains":2,"maxContains":3}""";
        SchemaAssert.Valid(s, "[1,1]", "[1,2,1,1]", "[0,1,0,1,0]");
        SchemaAssert.Invalid(s, "[1]", "[1,1,1,1]", "[2,2]");
        SchemaAssert.Valid("""{"contains":{"type":"string"},"minContains":0,"maxContains":1}""", "[]", "[1]", "[\"a\",1]");
        SchemaAssert.Invalid("""{"contains":{"type":"string"},"minContains":0,"maxContains":1}""", "[\"a\",\"b\"]");
    }

    [Fact]
    public void Contains_next_to_positional_items_is_refused()
    {
        SchemaAssert.Refused("""{"prefixItems":[{"type":"string"}],"contains":{"type":"integer"}}""", "contains", "");
    }
}

public class CountingKeywordTests
{
    [Fact]
    public void MultipleOf_on_integers_and_decimals()
    {
        SchemaAssert.Valid("""{"type":"integer","multipleOf":3}""", "0", "3", "-9", "123456", "12.0");
        SchemaAssert.Invalid("""{"type":"integer","multipleOf":3}""", "1", "10", "-4", "12.5");
        SchemaAssert.Valid("""{"type":"number","multipleOf":0.25,"maximum":2}""", "0.25", "1.5", "2", "-0.75", "1.50");
        SchemaAssert.Invalid("""{"type":"number","multipleOf":0.25,"maximum":2}""", "0.1", "1.255", "2.25", "1.05");
        SchemaAssert.Refused("""{"properties":{"n":{"multipleOf":123456789}}}""", "multipleOf", "/properties/n");
    }

    [Fact]
    public void Property_counts_are_tracked()
    {
        SchemaAssert.Valid("""{"maxProperties":2}""", "{}", "{\"a\":1,\"b\":2}", "[1,2,3]");
        SchemaAssert.Invalid("""{"maxProperties":2}""", "{\"a\":1,\"b\":2,\"c\":3}");
        const string s = """{"properties":{"a":{},"b":{}},"minProperties":2,"maxProperties":3}""";
        SchemaAssert.Valid(s, "{\"b\":1,\"a\":2}", "{\"a\":1,\"x\":2}", "{\"x\":1,\"y\":2,\"a\":3}");
        SchemaAssert.Invalid(s, "{\"a\":1}", "{}", "{\"a\":1,\"b\":2,\"x\":3,\"y\":4}");
    }
}

public class EnumFilteringTests
{
    [Fact]
    public void Enum_values_are_checked_against_every_other_keyword()
    {
        const string s = """{"enum":[{"a":1},{"a":"x"},{"b":1},[1,1],[1,2]],"properties":{"a":{"type":"integer"}},"uniqueItems":true,"not":{"type":"object","required":["b"]}}""";
        SchemaAssert.Valid(s, "{\"a\":1}", "[1,2]");
        SchemaAssert.Invalid(s, "{\"a\":\"x\"}", "{\"b\":1}", "[1,1]");
        // Applicators and complements next to a const need no distribution: the value is validated.
        SchemaAssert.Valid("""{"const":{"k":[1,2]},"oneOf":[{"properties":{"k":{"contains":{"const":2}}}},{"properties":{"k":{"maxItems":1}}}]}""", "{\"k\":[1,2]}");
        Assert.Throws<UnsatisfiableSchemaException>(() => JsonSchemaCompiler.Compile("""{"const":"abc","not":{"pattern":"b"}}"""));
    }
}

public class DisjointnessAndSubsetTests
{
    [Fact]
    public void OneOf_branches_requiring_what_the_other_forbids_are_disjoint()
    {
        // Neither branch has a complement here (items), so this compiles only through the disjointness proof.
        const string s = """{"type":"object","oneOf":[{"properties":{"x":{"items":{"type":"string"}}},"required":["x"],"additionalProperties":false},{"properties":{"y":{"items":{"type":"integer"}}},"required":["y"],"additionalProperties":false}]}""";
        SchemaAssert.Valid(s, "{\"x\":[\"a\"]}", "{\"y\":[1]}");
        SchemaAssert.Invalid(s, "{\"x\":[1]}", "{\"x\":[],\"y\":[]}", "{}");
    }

    [Fact]
    public void Huge_maxLength_is_exact()
    {
        // 100,000 repeats of a JSON character: compiled lazily (derivative states), no blow-up.
        var g = SchemaAssert.Compile("""{"type":"string","minLength":3,"maxLength":100000}""");
        Assert.True(SchemaAssert.Accepts(g, "\"" + new string('a', 300) + "\""));
        Assert.True(SchemaAssert.Accepts(g, "\"" + new string('a', 100_000) + "\""));
        Assert.False(SchemaAssert.Accepts(g, "\"" + new string('a', 100_001) + "\""));
        Assert.False(SchemaAssert.Accepts(g, "\"ab\""));
    }
}

public class DiscriminatedConditionalTests
{
    private const string Schema = """
        {"allOf":[
          {"if":{"properties":{"kind":{"const":"a"}},"required":["kind"]},"then":{"required":["x"]},"else":{"not":{"required":["x"]}}},
          {"if":{"properties":{"kind":{"const":"b"}},"required":["kind"]},"then":{"required":["y"]}},
          {"if":{"properties":{"kind":{"enum":["c","d"]}},"required":["kind"]},"then":{"properties":{"z":{"type":"integer"}}},"else":{"type":["object","string"]}}
        ]}
        """;

    [Fact]
    public void Conditions_on_one_discriminator_combine_linearly()
    {
        SchemaAssert.Valid(Schema, "{\"kind\":\"a\",\"x\":1}", "{\"kind\":\"b\",\"y\":1}", "{\"kind\":\"c\",\"z\":1}", "{\"kind\":\"e\"}", "{}", "\"s\"", "[]");
        SchemaAssert.Invalid(Schema, "{\"kind\":\"a\"}", "{\"kind\":\"b\",\"x\":1}", "{\"kind\":\"d\",\"z\":\"no\"}", "{\"x\":1}", "{\"kind\":\"b\"}");
    }

    [Fact]
    public void Conditions_with_type_object_fail_on_non_objects()
    {
        const string s = """{"allOf":[{"if":{"type":"object","properties":{"k":{"const":1}},"required":["k"]},"then":{"required":["a"]},"else":{"not":{"type":"null"}}},{"if":{"type":"object","properties":{"k":{"const":2}},"required":["k"]},"then":{"required":["b"]}}]}""";
        SchemaAssert.Valid(s, "{\"k\":1,\"a\":0}", "{\"k\":2,\"b\":0}", "{}", "3");
        SchemaAssert.Invalid(s, "null", "{\"k\":1}", "{\"k\":2,\"a\":0}");
    }

    [Fact]
    public void Overlapping_oneOf_with_too_many_complement_alternatives_is_refused_early()
    {
        var branches = string.Join(",", Enumerable.Range(0, 6).Select(i => "{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\"},\"c\":{\"minimum\":" + i + "}}}"));
        var e = SchemaAssert.Refused("{\"oneOf\":[" + branches + "]}", "oneOf", "");
        Assert.Contains("alternatives", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_required_an_absent_discriminator_takes_every_then()
    {
        const string s = """{"allOf":[{"if":{"properties":{"k":{"const":1}}},"then":{"required":["a"]}},{"if":{"properties":{"k":{"const":2}}},"then":{"required":["b"]},"else":{"maxProperties":2}}]}""";
        SchemaAssert.Valid(s, "{\"a\":1,\"b\":2}", "{\"k\":1,\"a\":0}", "{\"k\":3}");
        SchemaAssert.Invalid(s, "{}", "{\"a\":1}", "{\"k\":1}", "{\"k\":1,\"a\":0,\"z\":0}");
    }
}
