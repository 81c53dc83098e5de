using System.Text;
using System.Text.Json;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>A subschema: its element, the document it lives in, and its JSON pointer there.</summary>
internal readonly record struct Located(JsonElement Element, int Doc, string Pointer)
{
    /// <summary>Identity used for memoization.</summary>
    public string Id => Doc + ":" + Pointer;

    /// <summary>A child location.</summary>
    public Located Child(string token, JsonElement element) => new(element, Doc, Pointer + "/" + Escape(token));

    /// <summary>Escapes a JSON pointer token.</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}

/// <summary>
/// Documents, their base URIs and identified resources (<c>$id</c>, <c>$anchor</c>, draft-4 <c>id</c>); resolves
/// <c>$ref</c> against them and loads remote documents only through the caller's resolver.
/// </summary>
internal sealed class SchemaRegistry
{
    private static readonly Uri s_defaultBase = new("https://schema.invalid/root.json");

    // Keywords whose values are data, not subschemas: never scanned for identifiers.
    private static readonly HashSet<string> s_dataKeywords = new(StringComparer.Ordinal) { "enum", "const", "default", "examples", "example" };

    // Keywords whose value is a schema or an array of schemas, and those whose value maps names to schemas.
    private static readonly HashSet<string> s_schemaKeywords = new(StringComparer.Ordinal)
    {
        "items", "prefixItems", "additionalItems", "additionalProperties", "allOf", "anyOf", "oneOf", "not", "if", "then",
        "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "contentSchema",
    };

    private static readonly HashSet<string> s_schemaMapKeywords = new(StringComparer.Ordinal)
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies",
    };

    private enum ScanKind
    {
        Schema,
        Map,
        Data,
    }

    private readonly List<(JsonElement Root, string Name)> _docs = [];
    private readonly Dictionary<string, (int Doc, string Pointer)> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Uri> _bases = new(StringComparer.Ordinal);
    private readonly Func<Uri, JsonElement?>? _remote;
    private readonly bool _draft4Ids;

    // Drafts 4-7: keywords next to $ref are ignored, $id included (it does not change the base of that $ref).
    private readonly bool _refIgnoresSiblings;

    public SchemaRegistry(JsonElement root, bool draft4Ids, Func<Uri, JsonElement?>? remote, bool refIgnoresSiblings = false)
    {
        _refIgnoresSiblings = refIgnoresSiblings;
        _remote = remote;
        _draft4Ids = draft4Ids;
        AddDocument(root, s_defaultBase);
    }

    /// <summary>The root schema.</summary>
    public Located Root => new(_docs[0].Root, 0, "");

    /// <summary>A readable pointer: the document's name for remote documents, then the pointer.</summary>
    public string Display(Located at) => at.Doc == 0 ? at.Pointer : _docs[at.Doc].Name + "#" + at.Pointer;

    private int AddDocument(JsonElement root, Uri baseUri)
    {
        int doc = _docs.Count;
        _docs.Add((root, baseUri.ToString()));
        _resources.TryAdd(WithoutFragment(baseUri), (doc, ""));
        Scan(root, doc, "", baseUri, 0);
        return doc;
    }

    private void Scan(JsonElement el, int doc, string pointer, Uri baseUri, int depth, ScanKind kind = ScanKind.Schema)
    {
        if (depth > 200) return;
        if (el.ValueKind == JsonValueKind.Object)
        {
            if (kind == ScanKind.Map)
            {
                foreach (var p in el.EnumerateObject()) Scan(p.Value, doc, pointer + "/" + Located.Escape(p.Name), baseUri, depth + 1);
                return;
            }
            // Identifiers count only in schemas, not in values of unknown keywords (which are not schemas).
            bool idIgnored = _refIgnoresSiblings && el.TryGetProperty("$ref", out _);
            if (kind != ScanKind.Data && !idIgnored && TryGetId(el, out var id) && TryResolve(baseUri, id, out var idUri))
            {
                if (id.StartsWith('#') && id.Length > 1)
                {
                    _resources.TryAdd(WithoutFragment(baseUri) + id, (doc, pointer)); // draft 4-7 plain-name fragment id
                }
                else
                {
                    baseUri = idUri;
                    _resources.TryAdd(WithoutFragment(idUri), (doc, pointer));
                }
            }
            if (kind != ScanKind.Data && el.TryGetProperty("$anchor", out var anchor) && anchor.ValueKind == JsonValueKind.String)
            {
                _resources.TryAdd(WithoutFragment(baseUri) + "#" + anchor.GetString(), (doc, pointer));
            }
            _bases[doc + ":" + pointer] = baseUri;
            foreach (var p in el.EnumerateObject())
            {
                if (s_dataKeywords.Contains(p.Name)) continue;
                var childKind = kind == ScanKind.Data ? ScanKind.Data
                    : s_schemaMapKeywords.Contains(p.Name) ? ScanKind.Map
                    : s_schemaKeywords.Contains(p.Name) ? ScanKind.Schema
                    : ScanKind.Data;
                Scan(p.Value, doc, pointer + "/" + Located.Escape(p.Name), baseUri, depth + 1, childKind);
            }
        }
        else if (el.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in el.EnumerateArray())
            {
                Scan(item, doc, pointer + "/" + i++, baseUri, depth + 1, kind == ScanKind.Data ? ScanKind.Data : ScanKind.Schema);
            }
        }
    }

    private bool TryGetId(JsonElement el, out string id)
    {
        id = "";
        if (el.TryGetProperty("$id", out var v) && v.ValueKind == JsonValueKind.String) id = v.GetString()!;
        else if (_draft4Ids && el.TryGetProperty("id", out v) && v.ValueKind == JsonValueKind.String) id = v.GetString()!;
        return id.Length > 0;
    }

    private static bool TryResolve(Uri baseUri, string reference, out Uri result)
    {
        try
        {
            return Uri.TryCreate(baseUri, reference, out result!);
        }
        catch (UriFormatException)
        {
            result = baseUri;
            return false;
        }
    }

    private static string WithoutFragment(Uri uri)
    {
        string s = uri.ToString();
        int hash = s.IndexOf('#');
        return hash < 0 ? s : s[..hash];
    }

    /// <summary>The base URI in effect at a location.</summary>
    public Uri BaseOf(Located at)
    {
        string ptr = at.Pointer;
        while (true)
        {
            if (_bases.TryGetValue(at.Doc + ":" + ptr, out var b)) return b;
            if (ptr.Length == 0) return s_defaultBase;
            ptr = ptr[..ptr.LastIndexOf('/')];
        }
    }

    /// <summary>Resolves a reference; null when the target cannot be found (the caller refuses).</summary>
    public Located? Resolve(Located from, string reference)
    {
        if (!TryResolve(BaseOf(from), reference, out var uri)) return null;
        string doc = WithoutFragment(uri);
        string fragment = Uri.UnescapeDataString(uri.Fragment.TrimStart('#'));
        if (!_resources.TryGetValue(doc, out var resource))
        {
            if (_remote is null) return null;
            JsonElement? remote;
            try
            {
                remote = _remote(new Uri(doc));
            }
            catch (UriFormatException)
            {
                return null;
            }
            if (remote is null) return null;
            int d = AddDocument(remote.Value, new Uri(doc));
            resource = (d, "");
        }
        if (fragment.Length == 0) return At(resource.Doc, resource.Pointer);
        if (fragment.StartsWith('/')) return At(resource.Doc, resource.Pointer + fragment);
        return _resources.TryGetValue(doc + "#" + fragment, out var anchored) ? At(anchored.Doc, anchored.Pointer) : null;
    }

    private Located? At(int doc, string pointer)
    {
        var el = _docs[doc].Root;
        if (pointer.Length == 0) return new Located(el, doc, "");
        var canonical = new StringBuilder();
        foreach (var raw in pointer[1..].Split('/'))
        {
            string token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (el.ValueKind == JsonValueKind.Object && el.TryGetProperty(token, out var next)) el = next;
            else if (el.ValueKind == JsonValueKind.Array && int.TryParse(token, out int i) && i >= 0 && i < el.GetArrayLength()) el = el[i];
            else return null;
            canonical.Append('/').Append(Located.Escape(token));
        }
        return new Located(el, doc, canonical.ToString());
    }
}
