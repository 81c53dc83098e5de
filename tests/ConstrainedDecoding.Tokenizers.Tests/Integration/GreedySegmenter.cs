using System.Collections.Concurrent;
using System.Text;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Tokenizers.Tests.Integration;

/// <summary>
/// Splits a document into tokens of a vocabulary by greedy longest match, keeping only tokens the
/// matcher accepts. Not the tokenizer's own segmentation (the tests need any segmentation the grammar
/// allows, not the real one): at each position the longest vocabulary piece (up to
/// <see cref="MaxPieceBytes"/> bytes) that the matcher accepts is taken, falling back to shorter pieces.
/// Byte-level BPE vocabularies hold all 256 single bytes and SentencePiece ones the <c>&lt;0xNN&gt;</c>
/// byte-fallback tokens, so a document in the language never gets stuck.
/// </summary>
internal sealed class GreedySegmenter
{
    /// <summary>Longest piece tried; longer tokens (long whitespace runs) are never needed for a segmentation.</summary>
    public const int MaxPieceBytes = 32;

    private static readonly ConcurrentDictionary<TokenVocabulary, Lazy<GreedySegmenter>> s_byVocabulary = new();

    // Token bytes as Latin-1 strings (one char per byte), so spans of a Latin-1 copy of the document can be looked up.
    private readonly Dictionary<string, int> _pieces = new(StringComparer.Ordinal);

    private GreedySegmenter(TokenVocabulary vocabulary)
    {
        for (int id = 0; id < vocabulary.Count; id++)
        {
            if (vocabulary.IsSpecial(id) || vocabulary.IsStop(id)) continue;
            var bytes = vocabulary.GetTokenBytes(id);
            if (bytes.Length == 0 || bytes.Length > MaxPieceBytes) continue;
            _pieces.TryAdd(Encoding.Latin1.GetString(bytes), id); // the lowest id wins among equal byte strings
        }
    }

    /// <summary>The segmenter of a vocabulary, built once per test run.</summary>
    public static GreedySegmenter For(TokenVocabulary vocabulary) =>
        s_byVocabulary.GetOrAdd(vocabulary, v => new Lazy<GreedySegmenter>(() => new GreedySegmenter(v))).Value;

    /// <summary>The longest token whose bytes start <paramref name="pending"/> and whose bit is set in <paramref name="mask"/>, or -1.</summary>
    public int LongestAllowedPrefix(ReadOnlySpan<byte> pending, ReadOnlySpan<uint> mask)
    {
        var text = Encoding.Latin1.GetString(pending);
        var lookup = _pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int len = Math.Min(MaxPieceBytes, text.Length); len > 0; len--)
        {
            if (lookup.TryGetValue(text.AsSpan(0, len), out int id) && MaskAssertions.IsSet(mask, id)) return id;
        }
        return -1;
    }

    /// <summary>
    /// Token ids spelling <paramref name="document"/>, each accepted by a fresh matcher of
    /// <paramref name="grammar"/> in turn. Fails the test when no piece is accepted at some position.
    /// </summary>
    public List<int> Segment(CompiledGrammar grammar, byte[] document)
    {
        var matcher = grammar.CreateMatcher();
        var text = Encoding.Latin1.GetString(document);
        var lookup = _pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        var ids = new List<int>();
        int pos = 0;
        while (pos < text.Length)
        {
            int taken = 0;
            for (int len = Math.Min(MaxPieceBytes, text.Length - pos); len > 0 && taken == 0; len--)
            {
                if (lookup.TryGetValue(text.AsSpan(pos, len), out int id) && matcher.TryAcceptToken(id))
                {
                    ids.Add(id);
                    taken = len;
                }
            }
            Assert.True(taken > 0, $"No token of {grammar.Vocabulary.Name} is accepted at byte {pos} after {MaskAssertions.Tail(document.AsSpan(0, pos))}");
            pos += taken;
        }
        Assert.True(matcher.IsAccepting, $"The whole document is not accepted: {MaskAssertions.Tail(document)}");
        return ids;
    }
}
