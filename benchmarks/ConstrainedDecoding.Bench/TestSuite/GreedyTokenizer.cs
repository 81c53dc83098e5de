using ConstrainedDecoding.Vocabulary;

namespace ConstrainedDecoding.Bench.TestSuite;

/// <summary>
/// Tokenizes bytes by greedy longest match over the vocabulary's non-special token bytes (a byte trie). Any
/// tokenization whose bytes are the text exercises the matcher the same way; this one needs no merges.
/// </summary>
internal sealed class GreedyTokenizer
{
    private sealed class Node
    {
        public Dictionary<byte, Node> Next { get; } = [];

        public int Token { get; set; } = -1;
    }

    private readonly Node _root = new();

    public GreedyTokenizer(TokenVocabulary vocab)
    {
        for (int id = 0; id < vocab.Count; id++)
        {
            if (vocab.IsSpecial(id) || vocab.IsStop(id)) continue;
            var bytes = vocab.GetTokenBytes(id);
            if (bytes.IsEmpty) continue;
            var node = _root;
            foreach (byte b in bytes)
            {
                if (!node.Next.TryGetValue(b, out var next)) node.Next[b] = next = new Node();
                node = next;
            }
            if (node.Token < 0) node.Token = id;
        }
    }

    /// <summary>Token ids whose bytes concatenate to <paramref name="text"/>; null when some byte has no token.</summary>
    public List<int>? Encode(ReadOnlySpan<byte> text)
    {
        var ids = new List<int>();
        int pos = 0;
        while (pos < text.Length)
        {
            var node = _root;
            int best = -1, bestLen = 0;
            for (int i = pos; i < text.Length && node.Next.TryGetValue(text[i], out var next); i++)
            {
                node = next;
                if (node.Token >= 0)
                {
                    best = node.Token;
                    bestLen = i - pos + 1;
                }
            }
            if (best < 0) return null;
            ids.Add(best);
            pos += bestLen;
        }
        return ids;
    }
}
