namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>
/// Regexes (over decoded string content, full match) for the <c>format</c> values enforced as assertions.
/// Each is exact or a documented sound subset (never accepts an invalid value); see docs/json-schema.md.
/// </summary>
internal static class StringFormats
{
    private const string Year = @"\d{4}";
    private const string Days31 = @"(0[13578]|1[02])-(0[1-9]|[12]\d|3[01])";
    private const string Days30 = @"(0[469]|11)-(0[1-9]|[12]\d|30)";
    private const string Feb = @"02-(0[1-9]|1\d|2[0-8])";
    private const string LeapDay = @"(\d\d(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29";
    private const string Date = "(" + Year + "-(" + Days31 + "|" + Days30 + "|" + Feb + ")|" + LeapDay + ")";
    // Leap seconds only as 23:59:60 in UTC (a sound subset of RFC 3339, which also allows them with offsets).
    private const string Offset = @"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)";
    private const string Time = @"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?" + Offset + @"|23:59:60(\.\d+)?[Zz])";
    private const string Octet = @"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)";
    private const string Ipv4 = Octet + @"(\." + Octet + "){3}";
    private const string H16 = "[0-9A-Fa-f]{1,4}";
    private const string Ls32 = "(" + H16 + ":" + H16 + "|" + Ipv4 + ")";
    // LDH labels without "--" in positions 3-4 (reserved for IDNA "xn--" labels, which are not validated: subset).
    private const string Label = "([A-Za-z0-9]([A-Za-z0-9-]?[A-Za-z0-9])?|[A-Za-z0-9][A-Za-z0-9-]{2}[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]([A-Za-z0-9][A-Za-z0-9-]|-[A-Za-z0-9])[A-Za-z0-9-]{0,58}[A-Za-z0-9])";
    private const string ShortLabel = "([A-Za-z0-9]([A-Za-z0-9-]?[A-Za-z0-9])?|[A-Za-z0-9][A-Za-z0-9-]{2}[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]([A-Za-z0-9][A-Za-z0-9-]|-[A-Za-z0-9])[A-Za-z0-9-]{0,26}[A-Za-z0-9])";
    // At most 253 characters overall: one label of up to 63 and up to five more of up to 31 (a sound subset).
    private const string Hostname = Label + @"(\." + ShortLabel + "){0,5}";
    private const string Unreserved = @"A-Za-z0-9\-._~";
    private const string SubDelims = @"!$&'()*+,;=";
    private const string Pct = "%[0-9A-Fa-f]{2}";
    private const string PChar = "([" + Unreserved + SubDelims + ":@]|" + Pct + ")";
    private const string Authority = "(([" + Unreserved + SubDelims + ":]|" + Pct + ")*@)?([" + Unreserved + SubDelims + "]|" + Pct + @")*(:\d*)?";
    private const string PathAbEmpty = "(/" + PChar + "*)*";
    private const string PathRootless = PChar + "+" + PathAbEmpty;
    private const string PathAbsolute = "/(" + PathRootless + ")?";
    private const string QueryFragment = @"(\?(" + PChar + "|[/?])*)?(#(" + PChar + "|[/?])*)?";
    private const string Scheme = "[A-Za-z][A-Za-z0-9+.-]*";
    private const string Uri = Scheme + ":(//" + Authority + PathAbEmpty + "|" + PathAbsolute + "|" + PathRootless + ")?" + QueryFragment;
    private const string NoColonSegment = "([" + Unreserved + SubDelims + "@]|" + Pct + ")+";
    private const string RelativeRef = "(//" + Authority + PathAbEmpty + "|" + PathAbsolute + "|" + NoColonSegment + PathAbEmpty + ")?" + QueryFragment;
    private const string JsonPointer = "(/([^~/]|~[01])*)*";

    private static readonly Dictionary<string, string> s_patterns = new(StringComparer.Ordinal)
    {
        ["date-time"] = Date + "[Tt]" + Time,
        ["date"] = Date,
        ["time"] = Time,
        ["duration"] = @"P((\d+Y(\d+M(\d+D)?)?|\d+M(\d+D)?|\d+D)(T(\d+H(\d+M(\d+S)?)?|\d+M(\d+S)?|\d+S))?|T(\d+H(\d+M(\d+S)?)?|\d+M(\d+S)?|\d+S)|\d+W)",
        ["email"] = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@" + Hostname,
        ["hostname"] = Hostname,
        ["ipv4"] = Ipv4,
        ["ipv6"] = "((" + H16 + ":){6}" + Ls32
            + "|::(" + H16 + ":){5}" + Ls32
            + "|(" + H16 + ")?::(" + H16 + ":){4}" + Ls32
            + "|((" + H16 + ":){0,1}" + H16 + ")?::(" + H16 + ":){3}" + Ls32
            + "|((" + H16 + ":){0,2}" + H16 + ")?::(" + H16 + ":){2}" + Ls32
            + "|((" + H16 + ":){0,3}" + H16 + ")?::" + H16 + ":" + Ls32
            + "|((" + H16 + ":){0,4}" + H16 + ")?::" + Ls32
            + "|((" + H16 + ":){0,5}" + H16 + ")?::" + H16
            + "|((" + H16 + ":){0,6}" + H16 + ")?::)",
        ["uuid"] = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}",
        ["uri"] = Uri,
        ["uri-reference"] = "(" + Uri + "|" + RelativeRef + ")",
        ["json-pointer"] = JsonPointer,
        ["relative-json-pointer"] = @"(0|[1-9]\d*)(#|" + JsonPointer + ")",
    };

    // Formats defined by the specification that are not enforced: refused (fail closed) rather than ignored.
    private static readonly HashSet<string> s_refused = new(StringComparer.Ordinal)
    {
        "idn-email", "idn-hostname", "iri", "iri-reference", "uri-template", "regex",
    };

    /// <summary>Fixed decoded lengths of some formats (used to decide min/maxLength next to them).</summary>
    private static readonly Dictionary<string, (int Min, int Max)> s_lengths = new(StringComparer.Ordinal)
    {
        ["date"] = (10, 10),
        ["uuid"] = (36, 36),
        ["ipv4"] = (7, 15),
    };

    /// <summary>The pattern of an enforced format.</summary>
    public static bool TryGetPattern(string format, out string pattern) => s_patterns.TryGetValue(format, out pattern!);

    /// <summary>Whether the format is a known specification format this compiler does not enforce.</summary>
    public static bool IsRefused(string format) => s_refused.Contains(format);

    /// <summary>The decoded length range of the format's values, when known.</summary>
    public static bool TryGetLength(string format, out (int Min, int Max) range) => s_lengths.TryGetValue(format, out range);
}
