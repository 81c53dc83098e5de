using System.Runtime.InteropServices;
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
            // Equal text is equal value; integers without a fraction or exponent differ in value when their text
            // differs (JSON has no leading zeros), except 0 and -0. Only the rest is parsed (it allocates).
            var ra = JsonMarshal.GetRawUtf8Value(a);
            var rb = JsonMarshal.GetRawUtf8Value(b);
            if (ra.SequenceEqual(rb)) return true;
            if (PlainNonZeroInteger(ra) && PlainNonZeroInteger(rb)) return false;
            return JsonDecimal.TryParse(a.GetRawText(), out var x) && JsonDecimal.TryParse(b.GetRawText(), out var y) && x.CompareTo(y) == 0;
        }
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.String:
            {
                // Compared as written when neither has an escape (the common case, no allocation); decoded otherwise.
                var ra = JsonMarshal.GetRawUtf8Value(a);
                var rb = JsonMarshal.GetRawUtf8Value(b);
                if (ra.SequenceEqual(rb)) return true;
                if (!ra.Contains((byte)'\\') && !rb.Contains((byte)'\\')) return false;
                return a.GetString() == b.GetString();
            }
            case JsonValueKind.Array:
            {
                if (a.GetArrayLength() != b.GetArrayLength()) return false;
                var ea = a.EnumerateArray();
                var eb = b.EnumerateArray();
                while (ea.MoveNext() && eb.MoveNext())
                {
                    if (!Equal(ea.Current, eb.Current)) return false;
                }
                return true;
            }
            case JsonValueKind.Object:
            {
                int count = 0;
                foreach (var _ in b.EnumerateObject()) count++;
                foreach (var p in a.EnumerateObject())
                {
                    count--;
                    var name = JsonMarshal.GetRawUtf8PropertyName(p);
                    bool found = name.Contains((byte)'\\') ? b.TryGetProperty(p.Name, out var q) : b.TryGetProperty(name, out q);
                    if (!found || !Equal(p.Value, q)) return false;
                }
                return count == 0;
            }
            default:
                return true; // null, true, false: equal kinds are equal values
        }
    }

    private static bool PlainNonZeroInteger(ReadOnlySpan<byte> raw) =>
        raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && !raw.SequenceEqual("0"u8) && !raw.SequenceEqual("-0"u8);
}
