using ConstrainedDecoding.Sampling.Asap;
using ConstrainedDecoding.Testing.Asap;

namespace ConstrainedDecoding.Tests.Sampling.Asap;

/// <summary>Saving and loading the ASAp trie: round trip, fingerprints, damaged files.</summary>
public class AsapTrieFileTests
{
    private static readonly AsapFingerprints Prints = new("model-a", AsapFingerprints.Hash("00000|1[01]{4}"), AsapFingerprints.Hash("prompt"));

    private static (AsapTask Task, AsapSampler Sampler, byte[] File) Trained(int samples = 300)
    {
        var task = AsapTasks.NoAdjacentOnes();
        var asap = new AsapSampler(task.Grammar, task.Model, new AsapOptions { Seed = 5, MaxTokens = task.MaxTokens, Fingerprints = Prints });
        for (int i = 0; i < samples; i++) asap.Sample();
        using var stream = new MemoryStream();
        asap.Save(stream);
        return (task, asap, stream.ToArray());
    }

    private static AsapSampler Load(AsapTask task, byte[] file, AsapFingerprints? prints = null, int? maxTokens = null) =>
        AsapSampler.Load(new MemoryStream(file), task.Grammar, task.Model,
            new AsapOptions { Seed = 5, MaxTokens = maxTokens ?? task.MaxTokens, Fingerprints = prints ?? Prints });

    [Fact]
    public void RoundTrip_KeepsEveryEstimate_AndSavesTheSameBytes()
    {
        var (task, original, file) = Trained();
        var loaded = Load(task, file);
        Assert.Equal(original.NodeCount, loaded.NodeCount);
        Assert.Equal(original.SampleCount, loaded.SampleCount);
        Assert.Equal(original.ExpectedFuture, loaded.ExpectedFuture);
        for (int length = 0; length <= 6; length++)
        {
            for (int bits = 0; bits < 1 << length; bits++)
            {
                int[] prefix = Enumerable.Range(0, length).Select(k => (bits >> k) & 1).ToArray();
                Assert.Equal(original.TryGetExpectedFuture(prefix, out double a), loaded.TryGetExpectedFuture(prefix, out double b));
                Assert.Equal(a, b);
            }
        }
        using var again = new MemoryStream();
        loaded.Save(again);
        Assert.Equal(file, again.ToArray());
        // Binary, and small: a few dozen bytes per node.
        Assert.True(file.Length < 40 * original.NodeCount + 200, $"{file.Length} bytes for {original.NodeCount} nodes");
    }

    [Fact]
    public void Loaded_KeepsLearning()
    {
        var (task, original, file) = Trained(50);
        var loaded = Load(task, file);
        double before = loaded.ExpectedFuture;
        for (int i = 0; i < 500; i++) loaded.Sample();
        Assert.Equal(550, loaded.SampleCount);
        Assert.True(loaded.ExpectedFuture <= before);
        Assert.True(loaded.NodeCount >= original.NodeCount);
    }

    [Theory]
    [InlineData("model")]
    [InlineData("grammar")]
    [InlineData("prompt")]
    public void MismatchedFingerprint_IsRefused(string which)
    {
        var (task, _, file) = Trained(20);
        var other = which switch
        {
            "model" => Prints with { Model = "model-b" },
            "grammar" => Prints with { Grammar = AsapFingerprints.Hash("other") },
            _ => Prints with { Prompt = AsapFingerprints.Hash("other prompt") },
        };
        var e = Assert.Throws<AsapTrieFormatException>(() => Load(task, file, other));
        Assert.Equal(AsapTrieErrorKind.Mismatch, e.Kind);
        Assert.Equal(10, e.Offset); // the fingerprints follow the magic and version
        Assert.Contains(which + " fingerprint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedVocabularyOrLength_IsRefused()
    {
        var (task, _, file) = Trained(20);
        var e = Assert.Throws<AsapTrieFormatException>(() => Load(task, file, maxTokens: task.MaxTokens + 1));
        Assert.Equal(AsapTrieErrorKind.Mismatch, e.Kind);
        Assert.Contains("MaxTokens", e.Message, StringComparison.Ordinal);
        var large = AsapTasks.LargeVocabulary(100);
        var width = Assert.Throws<AsapTrieFormatException>(() => AsapSampler.Load(new MemoryStream(file), large.Grammar, large.Model,
            new AsapOptions { MaxTokens = task.MaxTokens, Fingerprints = Prints }));
        Assert.Equal(AsapTrieErrorKind.Mismatch, width.Kind);
        Assert.Contains("logits width", width.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlippedByte_AnywhereInTheBody_IsRefusedAsCorrupt()
    {
        var (task, _, file) = Trained(100);
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var damaged = (byte[])file.Clone();
            int at = random.Next(10, file.Length);
            damaged[at] ^= (byte)(1 << random.Next(8));
            var e = Assert.Throws<AsapTrieFormatException>(() => Load(task, damaged));
            Assert.True(e.Kind is AsapTrieErrorKind.Corrupt or AsapTrieErrorKind.Truncated, $"flip at {at}: {e.Message}");
            Assert.InRange(e.Offset, 0, file.Length);
        }
    }

    [Fact]
    public void TruncatedFile_IsRefused_WithTheOffsetWhereItEnds()
    {
        var (task, _, file) = Trained(100);
        foreach (int length in new[] { 12, 40, file.Length / 2, file.Length - 1 })
        {
            var e = Assert.Throws<AsapTrieFormatException>(() => Load(task, file[..length]));
            Assert.True(e.Kind is AsapTrieErrorKind.Truncated or AsapTrieErrorKind.Corrupt, e.Message);
            Assert.True(e.Offset <= length, e.Message);
        }
    }

    [Fact]
    public void WrongMagicOrVersion_IsRefused()
    {
        var (task, _, file) = Trained(5);
        var magic = (byte[])file.Clone();
        magic[0] = (byte)'X';
        Assert.Equal(AsapTrieErrorKind.BadMagic, Assert.Throws<AsapTrieFormatException>(() => Load(task, magic)).Kind);
        var version = (byte[])file.Clone();
        version[8] = 9;
        var e = Assert.Throws<AsapTrieFormatException>(() => Load(task, version));
        Assert.Equal(AsapTrieErrorKind.UnsupportedVersion, e.Kind);
        Assert.Equal(8, e.Offset);
        Assert.Equal(AsapTrieErrorKind.BadMagic, Assert.Throws<AsapTrieFormatException>(() => Load(task, [])).Kind);
    }

    [Fact]
    public void LoadingPastTheMemoryCap_IsRefused()
    {
        var (task, asap, file) = Trained(100);
        Assert.Throws<AsapMemoryLimitException>(() => AsapSampler.Load(new MemoryStream(file), task.Grammar, task.Model,
            new AsapOptions { MaxTokens = task.MaxTokens, Fingerprints = Prints, MaxTrieBytes = asap.TrieBytes - 1 }));
    }
}
