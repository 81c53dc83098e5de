using System.Text;
using ConstrainedDecoding.Automata;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Vocabulary;
using Xunit;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>
/// A terminal state's token table (tokens that stay inside the terminal, trie nodes where it may end mid-token) from the
/// trie walk, against a reference that steps the automaton through every trie node without skipping anything; with the
/// walk setting tokens node by node, noting dead subtrees from the first alive node on, and switching between the two.
/// </summary>
public class TerminalTableWalkTests
{
    private static readonly string[] Patterns =
    [
        "\"([^\"\\\\]|\\\\.)*\"",
        "\"[a-z ]{0,4}\"",
        "\"(name|nam|x)\":",
        "-?(0|[1-9][0-9]*)(\\.[0-9]+)?",
        "[a-z]+",
        "\"[a-wz]*x[a-wz]*\"",
    ];

    private static TokenVocabulary Vocabulary() =>
        FakeVocabularies.BytesAndRandomWords(["\"", "\":", "name", "na", "n", "x", "ab", "q", "\\", "z", "1", "23", "0", ".", "-", " ", "o", "\\\""], wordCount: 2500, maxPieces: 5, seed: 5);

    // inlineNodes: alive nodes set node by node before the walk notes dead subtrees instead (0: from the start).
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(int.MaxValue)]
    public void Walked_tables_equal_a_walk_through_every_node(int inlineNodes)
    {
        int savedInline = TerminalTable.WalkInlineNodes, savedShared = TerminalTable.MinSharedWeight;
        TerminalTable.WalkInlineNodes = inlineNodes;
        TerminalTable.MinSharedWeight = int.MaxValue; // plain walks only
        try
        {
            var vocab = Vocabulary();
            var rng = new Random(inlineNodes & 0xFFFF);
            int compared = 0, switched = 0;
            foreach (var pattern in Patterns)
            {
                var table = new TerminalTable(RegexParser.Parse(pattern), vocab);
                foreach (int q in States(table.Dfa, pattern, rng))
                {
                    var walked = table.GetState(q);
                    var (inside, acceptNodes, alive) = Reference(table.Dfa, vocab.Trie, q);
                    for (int t = 0; t < vocab.Count; t++)
                    {
                        Assert.True(inside.Contains(t) == walked.Inside.Contains(t), $"{pattern}, state {q}, token {t}: expected inside={inside.Contains(t)}");
                    }
                    Assert.Equal(inside.Count, walked.Inside.Count);
                    Assert.Equal(acceptNodes, walked.AcceptNodes);
                    compared++;
                    if (alive > inlineNodes) switched++;
                }
            }
            Assert.True(compared >= 20, $"only {compared} states compared");
            if (inlineNodes < 1000) Assert.True(switched >= 10, $"only {switched} walks went past {inlineNodes} alive nodes");
        }
        finally
        {
            TerminalTable.WalkInlineNodes = savedInline;
            TerminalTable.MinSharedWeight = savedShared;
        }
    }

    // The initial state and states reached by prefixes of strings the pattern accepts, and by random bytes.
    private static IEnumerable<int> States(LazyDfa dfa, string pattern, Random rng)
    {
        var seen = new HashSet<int> { LazyDfa.Initial };
        yield return LazyDfa.Initial;
        string[] samples = ["\"nam\\\"e x\"", "\"ab z\"", "\"name\":", "-12.5", "abcq", "\"abxz\""];
        foreach (var sample in samples.Append(new string([.. Enumerable.Range(0, 6).Select(_ => (char)rng.Next(32, 127))])))
        {
            int q = LazyDfa.Initial;
            foreach (byte b in Encoding.UTF8.GetBytes(sample))
            {
                q = dfa.Step(q, b);
                if (q == LazyDfa.Dead) break;
                if (seen.Add(q)) yield return q;
            }
        }
    }

    // Steps through every trie node (dead stays dead), no subtree skipped.
    private static (HashSet<int> Inside, int[] AcceptNodes, int AliveNodes) Reference(LazyDfa dfa, TokenTrie trie, int q)
    {
        var stateAt = new int[trie.MaxDepth + 1];
        stateAt[0] = q;
        var inside = new HashSet<int>();
        var accepts = new List<int>();
        int alive = 0;
        for (int i = 1; i < trie.NodeCount; i++)
        {
            int parent = stateAt[trie.Depth[i] - 1];
            int s = parent == LazyDfa.Dead ? LazyDfa.Dead : dfa.Step(parent, trie.Label[i]);
            stateAt[trie.Depth[i]] = s;
            if (s == LazyDfa.Dead) continue;
            alive++;
            foreach (int t in trie.TokensAt(i)) inside.Add(t);
            if (dfa.IsAccepting(s) && trie.SubtreeEnd[i] > i + 1) accepts.Add(i);
        }
        return (inside, [.. accepts], alive);
    }
}
