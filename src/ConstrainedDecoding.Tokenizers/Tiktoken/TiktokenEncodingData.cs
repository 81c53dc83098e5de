using System.IO.Compression;
using System.Reflection;

namespace ConstrainedDecoding.Tokenizers.Tiktoken;

/// <summary>
/// The rank files that the Microsoft.ML.Tokenizers data packages embed (deflate-compressed
/// manifest resources), found by encoding name.
/// </summary>
internal sealed record TiktokenEncodingData(string EncodingName, string AssemblyName, string ResourceName, int EndOfTextId)
{
    public static IReadOnlyList<TiktokenEncodingData> Known { get; } =
    [
        new("o200k_base", "Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate", 199_999),
        new("cl100k_base", "Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate", 100_257),
    ];

    public static TiktokenEncodingData? Find(string encodingName) =>
        Known.FirstOrDefault(e => string.Equals(e.EncodingName, encodingName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the data package's assembly can be loaded.</summary>
    public bool IsAvailable => TryLoadAssembly() is not null;

    /// <summary>Reads the embedded rank file.</summary>
    /// <exception cref="InvalidOperationException">The data package is not referenced, or lacks the resource.</exception>
    public List<byte[]?> ReadRanks()
    {
        var assembly = TryLoadAssembly()
            ?? throw new InvalidOperationException($"The {EncodingName} rank file needs the NuGet package {AssemblyName}; add a reference to it.");
        using var compressed = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{AssemblyName} has no resource {ResourceName}; this version of the package is not supported.");
        using var ranks = new DeflateStream(compressed, CompressionMode.Decompress);
        return TiktokenRankFile.Read(ranks);
    }

    private Assembly? TryLoadAssembly()
    {
        try
        {
            return Assembly.Load(new AssemblyName(AssemblyName));
        }
        catch (IOException)
        {
            return null; // FileNotFoundException / FileLoadException: the package is not referenced
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }
}
