using System.Text.Json;
using ConstrainedDecoding.Bench.Cli;

namespace ConstrainedDecoding.Bench.Data;

/// <summary>Finds and reads JSON Lines inputs: a file, or every *.jsonl under a folder (recursive, ordinal path order).</summary>
internal static class JsonlFiles
{
    /// <summary>Nesting allowed per line: the data reaches 64 levels inside a value, plus the line's own object.</summary>
    public const int MaxDepth = 256;

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>The files a path argument names.</summary>
    /// <param name="path">A file or a folder.</param>
    /// <param name="option">The option name, for messages.</param>
    /// <exception cref="UsageException">The path does not exist or the folder holds no *.jsonl.</exception>
    public static IReadOnlyList<string> Resolve(string path, string option)
    {
        if (File.Exists(path)) return [Path.GetFullPath(path)];
        if (!Directory.Exists(path)) throw new UsageException($"--{option}: no such file or folder: {path}", showUsage: false);
        var files = Directory.EnumerateFiles(path, "*.jsonl", SearchOption.AllDirectories)
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0) throw new UsageException($"--{option}: no *.jsonl file under {path}", showUsage: false);
        return files;
    }

    /// <summary>Parses each non-empty line of the files, in order.</summary>
    /// <exception cref="InvalidDataException">A line is not valid JSON (message names file and line).</exception>
    public static IEnumerable<(string File, int Line, JsonDocument Document)> ReadLines(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            int lineNo = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNo++;
                if (line.Length == 0) continue;
                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(line, DocumentOptions);
                }
                catch (JsonException e)
                {
                    throw new InvalidDataException($"{file}:{lineNo}: not a JSON line ({e.Message})", e);
                }
                using (doc) yield return (file, lineNo, doc);
            }
        }
    }

    /// <summary>A required property, or a clear error naming the file and line.</summary>
    public static JsonElement Property(JsonElement obj, string name, string file, int line)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v)) return v;
        throw new InvalidDataException($"{file}:{line}: missing property \"{name}\"");
    }
}
