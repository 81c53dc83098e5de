using System.Text.Json;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>JSON value equality (numbers by value, objects regardless of key order) and type classification.</summary>
internal static class JsonValues
{
    public static JsonTypes TypeOf(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => JsonTypes.Null,
        JsonValueKind.True or JsonValueKind.False => JsonTypes.Boolean,
        JsonValueKind.Object => JsonTypes.Object,
        JsonValueKind.Array => JsonTypes.Array,
        JsonValueKind.String => JsonTypes.String,
        JsonValueKind.Number => JsonDecimal.TryParse(v.GetRawText(), out var d) && !d.IsInteger ? JsonTypes.NonInteger : JsonTypes.Integer,
        _ => JsonTypes.None,
    };

    public static bool Equal(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return JsonDecimal.TryParse(a.GetRawText(), out var x) && JsonDecimal.TryParse(b.GetRawText(), out var y) ? x.CompareTo(y) == 0 : a.GetRawText() == b.GetRawText();
        }
        if (a.ValueKind != b.ValueKind && !(a.ValueKind is JsonValueKind.True or JsonValueKind.False && a.ValueKind == b.ValueKind)) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength()) return false;
                return a.EnumerateArray().Zip(b.EnumerateArray()).All(p => Equal(p.First, p.Second));
            case JsonValueKind.Object:
                var pa = a.EnumerateObject().ToList();
                var pb = b.EnumerateObject().ToList();
                if (pa.Count != pb.Count) return false;
                return pa.All(p => b.TryGetProperty(p.Name, out var q) && Equal(p.Value, q));
            default:
                return true;
        }
    }
}
