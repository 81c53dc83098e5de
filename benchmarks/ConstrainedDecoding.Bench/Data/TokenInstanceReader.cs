using System.Text.Json;

namespace ConstrainedDecoding.Bench.Data;

/// <summary>Reads token JSONL files into instances grouped by schema.</summary>
internal static class TokenInstanceReader
{
    /// <summary>Reads at most <paramref name="limit"/> instances, grouping consecutive lines with the same schema id.</summary>
    /// <exception cref="InvalidDataException">A line lacks a field or has the wrong type.</exception>
    public static List<InstanceGroup> ReadGroups(IReadOnlyList<string> files, int? limit)
    {
        var groups = new List<InstanceGroup>();
        List<TokenInstance>? current = null;
        string? currentId = null;
        int count = 0;
        if (limit == 0) return groups;
        foreach (var (file, line, doc) in JsonlFiles.ReadLines(files))
        {
            var inst = Parse(doc.RootElement, file, line);
            if (current is null || inst.SchemaId != currentId)
            {
                current = [];
                currentId = inst.SchemaId;
                groups.Add(new InstanceGroup(inst.SchemaId, current));
            }
            current.Add(inst);
            if (++count == limit) break;
        }
        return groups;
    }

    private static TokenInstance Parse(JsonElement root, string file, int line)
    {
        try
        {
            string id = JsonlFiles.Property(root, "id", file, line).GetString() ?? throw new InvalidDataException($"{file}:{line}: \"id\" is null");
            int test = JsonlFiles.Property(root, "test", file, line).GetInt32();
            bool valid = JsonlFiles.Property(root, "valid", file, line).GetBoolean();
            var idsElement = JsonlFiles.Property(root, "ids", file, line);
            var ids = new int[idsElement.GetArrayLength()];
            int i = 0;
            foreach (var e in idsElement.EnumerateArray()) ids[i++] = e.GetInt32();
            return new TokenInstance(id, test, valid, ids);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{file}:{line}: unexpected value type in token line ({e.Message})", e);
        }
    }
}
