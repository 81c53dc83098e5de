namespace ConstrainedDecoding.Bench.Data;

/// <summary>Schema texts by id, read from schema JSONL lines <c>{id, schema, tests}</c>.</summary>
internal sealed class SchemaCatalog
{
    private readonly Dictionary<string, string> _schemas;

    private SchemaCatalog(Dictionary<string, string> schemas) => _schemas = schemas;

    /// <summary>Number of schemas read.</summary>
    public int Count => _schemas.Count;

    /// <summary>Reads the schemas whose id is in <paramref name="wanted"/> (all when null), keeping each schema's raw JSON text.</summary>
    /// <exception cref="InvalidDataException">A line lacks <c>id</c> or <c>schema</c>.</exception>
    public static SchemaCatalog Read(IReadOnlyList<string> files, IReadOnlySet<string>? wanted)
    {
        var schemas = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, line, doc) in JsonlFiles.ReadLines(files))
        {
            var root = doc.RootElement;
            var idElement = JsonlFiles.Property(root, "id", file, line);
            string id = idElement.ValueKind == System.Text.Json.JsonValueKind.String
                ? idElement.GetString()!
                : throw new InvalidDataException($"{file}:{line}: unexpected {idElement.ValueKind} for \"id\", expected a string");
            if (wanted is not null && !wanted.Contains(id)) continue;
            schemas[id] = JsonlFiles.Property(root, "schema", file, line).GetRawText();
        }
        return new SchemaCatalog(schemas);
    }

    /// <summary>The raw schema JSON of an id, if read.</summary>
    public bool TryGet(string id, out string schemaJson) => _schemas.TryGetValue(id, out schemaJson!);
}
