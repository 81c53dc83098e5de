using System.Globalization;
using System.Text.Json;
using DotNetRegex = System.Text.RegularExpressions.Regex;
using RegexOptions = System.Text.RegularExpressions.RegexOptions;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Generation;

/// <summary>
/// Test schemas with hand-written validators over System.Text.Json, independent of the JSON Schema compiler: each
/// validator returns the first violation it finds (null when the document is valid).
/// </summary>
internal static class SchemaValidators
{
    public sealed record Case(string Name, string Schema, Func<JsonElement, string?> Validate);

    public static IReadOnlyDictionary<string, Case> All { get; } = new Case[]
    {
        new("flat object", """
            {"type": "object",
             "properties": {
               "name": {"type": "string", "minLength": 1, "maxLength": 24},
               "age": {"type": "integer", "minimum": 0, "maximum": 120},
               "role": {"enum": ["admin", "editor", "viewer"]},
               "active": {"type": "boolean"},
               "tags": {"type": "array", "items": {"type": "string", "maxLength": 12}, "maxItems": 3}},
             "required": ["name", "age", "role", "active"],
             "additionalProperties": false}
            """, FlatObject),
        new("nested object", """
            {"type": "object",
             "properties": {
               "id": {"type": "integer", "minimum": 1},
               "customer": {"type": "object",
                 "properties": {
                   "name": {"type": "string", "maxLength": 24},
                   "address": {"type": "object",
                     "properties": {"city": {"type": "string", "maxLength": 20}, "zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
                     "required": ["city", "zip"], "additionalProperties": false}},
                 "required": ["name", "address"], "additionalProperties": false}},
             "required": ["id", "customer"],
             "additionalProperties": false}
            """, NestedObject),
        new("array of objects", """
            {"type": "array", "minItems": 1, "maxItems": 3,
             "items": {"type": "object",
               "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"}, "qty": {"type": "integer", "minimum": 1, "maximum": 9}},
               "required": ["sku", "qty"], "additionalProperties": false}}
            """, ArrayOfObjects),
        new("string formats", """
            {"type": "object",
             "properties": {
               "host": {"type": "string", "format": "ipv4"},
               "born": {"type": "string", "format": "date"},
               "id": {"type": "string", "format": "uuid"},
               "code": {"type": "string", "pattern": "^[a-z]{3,6}$"}},
             "required": ["host", "born", "code"],
             "additionalProperties": false}
            """, StringFormats),
    }.ToDictionary(c => c.Name);

    private static string? FlatObject(JsonElement e) =>
        Object(e, ["name", "age", "role", "active"], ["tags"]) ?? First(
            String(e.GetProperty("name"), 1, 24, "name"),
            Integer(e.GetProperty("age"), 0, 120, "age"),
            e.GetProperty("role").ValueKind == JsonValueKind.String && e.GetProperty("role").GetString() is "admin" or "editor" or "viewer" ? null : "role is not in the enum",
            e.GetProperty("active").ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "active is not a boolean",
            e.TryGetProperty("tags", out var tags) ? Array(tags, 0, 3, "tags", t => String(t, 0, 12, "tag")) : null);

    private static string? NestedObject(JsonElement e)
    {
        if (Object(e, ["id", "customer"], []) is { } error) return error;
        var customer = e.GetProperty("customer");
        if (Object(customer, ["name", "address"], []) is { } inner) return "customer: " + inner;
        var address = customer.GetProperty("address");
        if (Object(address, ["city", "zip"], []) is { } innermost) return "address: " + innermost;
        return First(
            Integer(e.GetProperty("id"), 1, double.PositiveInfinity, "id"),
            String(customer.GetProperty("name"), 0, 24, "customer.name"),
            String(address.GetProperty("city"), 0, 20, "address.city"),
            Pattern(address.GetProperty("zip"), "^[0-9]{5}$", "address.zip"));
    }

    private static string? ArrayOfObjects(JsonElement e) =>
        Array(e, 1, 3, "root", item => Object(item, ["sku", "qty"], []) ?? First(
            Pattern(item.GetProperty("sku"), "^[A-Z]{2}-[0-9]{3}$", "sku"),
            Integer(item.GetProperty("qty"), 1, 9, "qty")));

    private static string? StringFormats(JsonElement e) =>
        Object(e, ["host", "born", "code"], ["id"]) ?? First(
            Ipv4(e.GetProperty("host")),
            FullDate(e.GetProperty("born")),
            e.TryGetProperty("id", out var id) && !(id.ValueKind == JsonValueKind.String && Guid.TryParseExact(id.GetString(), "D", out _)) ? $"id is not a uuid: {id}" : null,
            Pattern(e.GetProperty("code"), "^[a-z]{3,6}$", "code"));

    // An object with exactly these required keys, optional ones, no others, no duplicates.
    private static string? Object(JsonElement e, string[] required, string[] optional)
    {
        if (e.ValueKind != JsonValueKind.Object) return $"expected an object, got {e.ValueKind}";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in e.EnumerateObject())
        {
            if (!seen.Add(property.Name)) return $"duplicate key '{property.Name}'";
            if (!required.Contains(property.Name) && !optional.Contains(property.Name)) return $"unexpected key '{property.Name}'";
        }
        return required.FirstOrDefault(k => !seen.Contains(k)) is { } missing ? $"missing required key '{missing}'" : null;
    }

    private static string? Array(JsonElement e, int min, int max, string what, Func<JsonElement, string?> item)
    {
        if (e.ValueKind != JsonValueKind.Array) return $"{what} is not an array";
        int count = e.GetArrayLength();
        if (count < min || count > max) return $"{what} has {count} items, expected {min}..{max}";
        return e.EnumerateArray().Select(item).FirstOrDefault(error => error is not null);
    }

    private static string? String(JsonElement e, int minLength, int maxLength, string what)
    {
        if (e.ValueKind != JsonValueKind.String) return $"{what} is not a string";
        int length = e.GetString()!.EnumerateRunes().Count(); // JSON Schema counts code points
        return length < minLength || length > maxLength ? $"{what} has {length} characters, expected {minLength}..{maxLength}" : null;
    }

    private static string? Integer(JsonElement e, double min, double max, string what)
    {
        if (e.ValueKind != JsonValueKind.Number) return $"{what} is not a number";
        double value = e.GetDouble(); // an integer may be written 7.0 or 7e0
        return Math.Floor(value) != value || value < min || value > max ? $"{what} = {e.GetRawText()} is not an integer in {min}..{max}" : null;
    }

    private static string? Pattern(JsonElement e, string pattern, string what) =>
        e.ValueKind == JsonValueKind.String && DotNetRegex.IsMatch(e.GetString()!, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
            ? null : $"{what} = {e.GetRawText()} does not match {pattern}";

    // RFC 3339 full-date: yyyy-mm-dd, any 4-digit year (0000 included, proleptic Gregorian leap years), real days.
    private static string? FullDate(JsonElement e)
    {
        string text = e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
        bool shaped = text.Length == 10 && text[4] == '-' && text[7] == '-' && text.Where((c, i) => i is not (4 or 7)).All(char.IsAsciiDigit);
        if (!shaped) return $"born = {e.GetRawText()} is not yyyy-mm-dd";
        int year = int.Parse(text[..4], CultureInfo.InvariantCulture), month = int.Parse(text[5..7], CultureInfo.InvariantCulture), day = int.Parse(text[8..], CultureInfo.InvariantCulture);
        bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        int[] days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        return month is >= 1 and <= 12 && day >= 1 && day <= days[month - 1] ? null : $"born = {text} is not a calendar date";
    }

    // Four decimal octets 0..255 without leading zeros (RFC 2673 dotted-quad, as the format asks).
    private static string? Ipv4(JsonElement e)
    {
        string[] parts = e.ValueKind == JsonValueKind.String ? e.GetString()!.Split('.') : [];
        bool valid = parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0') && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
        return valid ? null : $"host = {e.GetRawText()} is not an IPv4 address";
    }

    private static string? First(params string?[] errors) => errors.FirstOrDefault(error => error is not null);
}
