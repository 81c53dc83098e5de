using System.Buffers.Binary;
using System.Text;

namespace ConstrainedDecoding.Sampling.Asap;

/// <summary>What a saved trie must agree with to be loaded.</summary>
internal sealed record AsapTrieHeader(AsapFingerprints Fingerprints, string VocabularyFingerprint, int LogitsWidth, int MaxTokens, float Temperature);

/// <summary>
/// The saved trie, little-endian: magic <c>ASAPTRIE</c>, version (u16), the model, grammar, prompt and vocabulary
/// fingerprints (7-bit length + UTF-8 each), logits width (i32), max tokens (i32), temperature (f32), sample count
/// (i64), node count (i32), the nodes in preorder, and a CRC-32 of everything before it. A node is its token (7-bit,
/// absent for the root), its probability (f64) and kind (u8); an expanded node adds its allowed mass (f64), allowed
/// count and child count (7-bit each), and its children follow. Estimates are not stored: they are recomputed.
/// </summary>
internal static class AsapTrieFile
{
    private const ushort Version = 1;
    private const int MinNodeBytes = 10; // probability + kind + one token byte
    private static ReadOnlySpan<byte> Magic => "ASAPTRIE"u8;

    public static void Write(Stream stream, AsapTrie trie, AsapTrieHeader header, long sampleCount)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(header.Fingerprints.Model);
            w.Write(header.Fingerprints.Grammar);
            w.Write(header.Fingerprints.Prompt);
            w.Write(header.VocabularyFingerprint);
            w.Write(header.LogitsWidth);
            w.Write(header.MaxTokens);
            w.Write(header.Temperature);
            w.Write(sampleCount);
            w.Write(trie.Count);
            // Preorder with an explicit stack (paths may be as deep as MaxTokens); children are pushed in reverse so
            // they come out in list order.
            var stack = new Stack<int>();
            stack.Push(AsapTrie.Root);
            var children = new List<int>();
            while (stack.Count > 0)
            {
                int node = stack.Pop();
                if (node != AsapTrie.Root) w.Write7BitEncodedInt(trie.Token(node));
                w.Write(trie.Probability(node));
                NodeKind kind = trie.Kind(node);
                w.Write((byte)kind);
                if (kind != NodeKind.Expanded) continue;
                w.Write(trie.AllowedMass(node));
                w.Write7BitEncodedInt(trie.AllowedCount(node));
                children.Clear();
                for (int c = trie.FirstChild(node); c >= 0; c = trie.NextSibling(c)) children.Add(c);
                w.Write7BitEncodedInt(children.Count);
                for (int k = children.Count - 1; k >= 0; k--) stack.Push(children[k]);
            }
        }
        uint crc = Crc32.Compute(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        buffer.Write(trailer);
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    public static (AsapTrie Trie, long Samples) Read(Stream stream, AsapTrieHeader expected, int logitsWidth, long maxTrieBytes)
    {
        byte[] data;
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            data = copy.ToArray();
        }
        var r = new Reader(data);
        if (data.Length < Magic.Length || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new AsapTrieFormatException(AsapTrieErrorKind.BadMagic, 0, "unexpected start of file, expected the magic bytes ASAPTRIE");
        }
        r.Position = Magic.Length;
        long at = r.Position;
        ushort version = r.UInt16();
        if (version != Version) throw new AsapTrieFormatException(AsapTrieErrorKind.UnsupportedVersion, at, $"unexpected version {version}, expected {Version}");
        long fingerprintsAt = r.Position;
        var saved = new AsapTrieHeader(new AsapFingerprints(r.String(), r.String(), r.String()), r.String(), 0, 0, 0);
        long settingsAt = r.Position;
        saved = saved with { LogitsWidth = r.Int32(), MaxTokens = r.Int32(), Temperature = r.Single() };
        long samplesAt = r.Position;
        long samples = r.Int64();
        if (samples < 0) throw r.Corrupt(samplesAt, $"unexpected sample count {samples}, expected at least 0");
        long countAt = r.Position;
        int count = r.Int32();
        if (count < 1 || (long)(count - 1) * MinNodeBytes > data.Length - r.Position)
        {
            throw r.Corrupt(countAt, $"unexpected node count {count}, expected 1..{1 + ((data.Length - r.Position) / MinNodeBytes)} for the bytes that follow");
        }
        if ((long)count * AsapTrie.BytesPerNode > maxTrieBytes) throw new AsapMemoryLimitException(maxTrieBytes, count);
        if (saved.LogitsWidth != logitsWidth) throw new AsapTrieFormatException(AsapTrieErrorKind.Mismatch, settingsAt, $"unexpected logits width {saved.LogitsWidth}, expected {logitsWidth}");

        var trie = ReadNodes(ref r, count, saved.LogitsWidth);
        long crcAt = r.Position;
        uint stored = r.UInt32();
        uint actual = Crc32.Compute(data.AsSpan(0, (int)crcAt));
        if (stored != actual) throw r.Corrupt(crcAt, $"unexpected checksum {stored:X8}, expected {actual:X8} (the file was changed or damaged)");
        if (r.Position != data.Length) throw r.Corrupt(r.Position, $"unexpected {data.Length - r.Position} bytes after the checksum, expected the end of the file");

        CheckSame(fingerprintsAt, "model fingerprint", saved.Fingerprints.Model, expected.Fingerprints.Model);
        CheckSame(fingerprintsAt, "grammar fingerprint", saved.Fingerprints.Grammar, expected.Fingerprints.Grammar);
        CheckSame(fingerprintsAt, "prompt fingerprint", saved.Fingerprints.Prompt, expected.Fingerprints.Prompt);
        CheckSame(fingerprintsAt, "vocabulary fingerprint", saved.VocabularyFingerprint, expected.VocabularyFingerprint);
        if (saved.MaxTokens != expected.MaxTokens) throw new AsapTrieFormatException(AsapTrieErrorKind.Mismatch, settingsAt + 4, $"unexpected MaxTokens {saved.MaxTokens}, expected {expected.MaxTokens} (dead ends depend on it)");
        if (saved.Temperature != expected.Temperature) throw new AsapTrieFormatException(AsapTrieErrorKind.Mismatch, settingsAt + 8, $"unexpected temperature {saved.Temperature}, expected {expected.Temperature}");
        trie.RecomputeAll();
        return (trie, samples);
    }

    private static AsapTrie ReadNodes(ref Reader r, int count, int logitsWidth)
    {
        var trie = new AsapTrie();
        // Frames of the preorder walk: the node, its children still to read, and its last child so far.
        var stack = new Stack<(int Node, int Remaining, int Last)>();
        ReadBody(ref r, trie, AsapTrie.Root, stack);
        while (stack.Count > 0)
        {
            var (parent, remaining, last) = stack.Pop();
            if (remaining == 0) continue;
            if (trie.Count >= count) throw r.Corrupt(r.Position, $"unexpected child beyond the {count} nodes in the header, expected no more nodes");
            long tokenAt = r.Position;
            int token = r.SevenBit();
            if (token >= logitsWidth) throw r.Corrupt(tokenAt, $"unexpected token {token}, expected 0..{logitsWidth - 1}");
            if (last >= 0 && trie.FindChild(parent, token) >= 0) throw r.Corrupt(tokenAt, $"unexpected second child for token {token}, expected distinct tokens");
            long probabilityAt = r.Position;
            double probability = r.Double();
            if (!(probability >= 0 && probability <= 1)) throw r.Corrupt(probabilityAt, $"unexpected probability {probability}, expected 0..1");
            int child = trie.AppendChild(parent, last, token, probability);
            stack.Push((parent, remaining - 1, child));
            ReadKindAndChildren(ref r, trie, child, stack);
        }
        if (trie.Count != count) throw r.Corrupt(r.Position, $"unexpected {trie.Count} nodes in the body, expected {count} from the header");
        return trie;
    }

    private static void ReadBody(ref Reader r, AsapTrie trie, int node, Stack<(int, int, int)> stack)
    {
        long at = r.Position;
        double probability = r.Double();
        if (probability != 1) throw r.Corrupt(at, $"unexpected root probability {probability}, expected 1");
        ReadKindAndChildren(ref r, trie, node, stack);
    }

    private static void ReadKindAndChildren(ref Reader r, AsapTrie trie, int node, Stack<(int, int, int)> stack)
    {
        long kindAt = r.Position;
        byte kind = r.Byte();
        if (kind > (byte)NodeKind.Dead) throw r.Corrupt(kindAt, $"unexpected node kind {kind}, expected 0..3");
        if ((NodeKind)kind != NodeKind.Expanded)
        {
            trie.SetLoaded(node, (NodeKind)kind, 0, 0);
            return;
        }
        long massAt = r.Position;
        double mass = r.Double();
        if (!(mass >= 0 && mass <= 1 + 1e-9)) throw r.Corrupt(massAt, $"unexpected allowed mass {mass}, expected 0..1");
        int allowed = r.SevenBit();
        long childrenAt = r.Position;
        int children = r.SevenBit();
        if (children > allowed) throw r.Corrupt(childrenAt, $"unexpected {children} children, expected at most the {allowed} allowed tokens");
        trie.SetLoaded(node, NodeKind.Expanded, mass, allowed);
        stack.Push((node, children, -1));
    }

    private static void CheckSame(long offset, string what, string saved, string expected)
    {
        if (!string.Equals(saved, expected, StringComparison.Ordinal))
        {
            throw new AsapTrieFormatException(AsapTrieErrorKind.Mismatch, offset, $"unexpected {what} '{saved}', expected '{expected}' (the trie was learned for another model, grammar or prompt)");
        }
    }

    /// <summary>A cursor over the file bytes that reports where it ran out.</summary>
    private struct Reader(byte[] data)
    {
        private readonly byte[] _data = data;

        public long Position { get; set; }

        public readonly AsapTrieFormatException Corrupt(long offset, string reason) => new(AsapTrieErrorKind.Corrupt, offset, reason);

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_data.Length - Position < count)
            {
                throw new AsapTrieFormatException(AsapTrieErrorKind.Truncated, _data.Length, $"unexpected end of file, expected {count} more bytes at byte {Position}");
            }
            var span = _data.AsSpan((int)Position, count);
            Position += count;
            return span;
        }

        public byte Byte() => Take(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public float Single() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public int SevenBit()
        {
            long at = Position;
            uint value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                byte b = Byte();
                value |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    if (value > int.MaxValue) break;
                    return (int)value;
                }
            }
            throw Corrupt(at, "unexpected 7-bit integer longer than 5 bytes or above 2^31-1, expected a non-negative int");
        }

        public string String()
        {
            long at = Position;
            int length = SevenBit();
            if (length > 4096) throw Corrupt(at, $"unexpected fingerprint length {length}, expected at most 4096 bytes");
            var bytes = Take(length);
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Corrupt(at, "unexpected invalid UTF-8 in a fingerprint, expected UTF-8 text");
            }
        }
    }
}
