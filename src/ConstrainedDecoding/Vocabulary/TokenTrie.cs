namespace ConstrainedDecoding.Vocabulary;

/// <summary>
/// The vocabulary's non-special tokens as a byte trie laid out in DFS order: node <c>n</c>'s subtree
/// is the index range <c>[n, SubtreeEnd[n])</c>, so a walk that finds a dead byte skips the whole
/// subtree with one jump. Node 0 is the root (empty prefix).
/// </summary>
internal sealed class TokenTrie
{
    public readonly byte[] Label;       // byte leading into the node (root: 0)
    public readonly int[] SubtreeEnd;   // exclusive end of the node's subtree
    public readonly int[] TokenStart;   // index into TokenIds of the tokens ending at this node
    public readonly int[] Depth;
    public readonly int[] TokenIds;     // grouped by node, nodes in DFS order
    public readonly int NodeCount;
    public readonly int MaxDepth;

    private TokenTrie(byte[] label, int[] subtreeEnd, int[] tokenStart, int[] depth, int[] tokenIds, int nodeCount, int maxDepth)
    {
        Label = label;
        SubtreeEnd = subtreeEnd;
        TokenStart = tokenStart;
        Depth = depth;
        TokenIds = tokenIds;
        NodeCount = nodeCount;
        MaxDepth = maxDepth;
    }

    /// <summary>Tokens ending exactly at <paramref name="node"/>.</summary>
    public ReadOnlySpan<int> TokensAt(int node) => TokenIds.AsSpan(TokenStart[node], TokenStart[node + 1] - TokenStart[node]);

    public static TokenTrie Build(TokenVocabulary vocab)
    {
        var ids = new List<int>(vocab.Count);
        for (int i = 0; i < vocab.Count; i++)
        {
            if (!vocab.IsSpecial(i)) ids.Add(i);
        }
        var arr = ids.ToArray();
        Array.Sort(arr, (a, b) =>
        {
            int c = vocab.GetTokenBytes(a).SequenceCompareTo(vocab.GetTokenBytes(b));
            return c != 0 ? c : a.CompareTo(b);
        });

        var label = new List<byte> { 0 };
        var depth = new List<int> { 0 };
        var subtreeEnd = new List<int> { 0 };
        var nodeOfToken = new int[arr.Length];
        var stack = new List<int> { 0 }; // node index per depth
        ReadOnlySpan<byte> prev = default;
        int maxDepth = 0;
        for (int k = 0; k < arr.Length; k++)
        {
            var bytes = vocab.GetTokenBytes(arr[k]);
            int common = bytes.CommonPrefixLength(prev);
            // Close nodes deeper than the common prefix.
            while (stack.Count - 1 > common)
            {
                int n = stack[^1];
                stack.RemoveAt(stack.Count - 1);
                subtreeEnd[n] = label.Count;
            }
            for (int d = common; d < bytes.Length; d++)
            {
                label.Add(bytes[d]);
                depth.Add(d + 1);
                subtreeEnd.Add(0);
                stack.Add(label.Count - 1);
            }
            maxDepth = Math.Max(maxDepth, bytes.Length);
            nodeOfToken[k] = stack[^1];
            prev = bytes;
        }
        while (stack.Count > 0)
        {
            int n = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            subtreeEnd[n] = label.Count;
        }

        int nodeCount = label.Count;
        var tokenStart = new int[nodeCount + 1];
        foreach (int n in nodeOfToken) tokenStart[n + 1]++;
        for (int i = 0; i < nodeCount; i++) tokenStart[i + 1] += tokenStart[i];
        var fill = (int[])tokenStart.Clone();
        var tokenIds = new int[arr.Length];
        for (int k = 0; k < arr.Length; k++) tokenIds[fill[nodeOfToken[k]]++] = arr[k];
        return new TokenTrie(label.ToArray(), subtreeEnd.ToArray(), tokenStart, depth.ToArray(), tokenIds, nodeCount, maxDepth);
    }
}
