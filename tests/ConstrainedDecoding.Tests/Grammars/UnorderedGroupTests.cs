using System.Text;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Regex;
using ConstrainedDecoding.Testing;
using ConstrainedDecoding.Tests.Matching;

namespace ConstrainedDecoding.Tests.Grammars;

public class UnorderedGroupTests
{
    private static GrammarExpression L(string s) => GrammarExpression.Pattern(RegexNode.Literal(s), "\"" + s + "\"");

    private static GrammarExpression R(string name) => GrammarExpression.RuleReference(name, default);

    /// <summary>
    /// start: "[" unordered(a (required), b|bb, "(" start ")" ; extra x ; sep "," ; end "]").
    /// Recursive (a group inside a group member) and lexically ambiguous (b vs bb).
    /// </summary>
    internal static Grammar Nested()
    {
        var b = new GrammarBuilder();
        var group = GrammarExpression.Unordered(
            [
                (L("a"), true),
                (GrammarExpression.Pattern(RegexNode.Alternate(RegexNode.Literal("b"), RegexNode.Literal("bb")), "B"), false),
                (GrammarExpression.Sequence([L("("), R("start"), L(")")]), false),
            ],
            L(","), L("]"), extra: L("x"));
        b.DefineRule("start", GrammarExpression.Sequence([L("["), group]), default);
        return b.Build("start");
    }

    // The language of Nested(), by recursive descent (the grammar is LL(1) at the character level).
    internal static bool HandAccepts(string s)
    {
        int pos = 0;
        return Start(ref pos) && pos == s.Length;

        bool Start(ref int p)
        {
            if (p >= s.Length || s[p] != '[') return false;
            p++;
            bool sawA = false, sawB = false, sawParen = false, first = true;
            while (true)
            {
                if (p >= s.Length) return false;
                if (s[p] == ']')
                {
                    p++;
                    return sawA;
                }
                if (!first)
                {
                    if (s[p] != ',') return false;
                    p++;
                    if (p >= s.Length) return false;
                }
                first = false;
                switch (s[p])
                {
                    case 'a':
                        if (sawA) return false;
                        sawA = true;
                        p++;
                        break;
                    case 'b':
                        if (sawB) return false;
                        sawB = true;
                        p++;
                        if (p < s.Length && s[p] == 'b') p++;
                        break;
                    case 'x':
                        p++;
                        break;
                    case '(':
                        if (sawParen) return false;
                        sawParen = true;
                        p++;
                        if (!Start(ref p)) return false;
                        if (p >= s.Length || s[p] != ')') return false;
                        p++;
                        break;
                    default:
                        return false;
                }
            }
        }
    }

    private static IEnumerable<string> AllStrings(string alphabet, int maxLength)
    {
        var current = new List<string> { "" };
        for (int len = 1; len <= maxLength; len++)
        {
            var next = new List<string>(current.Count * alphabet.Length);
            foreach (var p in current)
            {
                foreach (char c in alphabet) next.Add(p + c);
            }
            foreach (var s in next) yield return s;
            current = next;
        }
    }

    [Fact]
    public void Matcher_accepts_exactly_the_unordered_language_on_every_short_string()
    {
        var compiled = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(Nested());
        var m = compiled.CreateMatcher();
        int accepted = 0, checkedCount = 0;
        // Every string "[" + w with |w| <= 7 over the alphabet: 8^7 + ... ≈ 2.4M strings would be slow, so the
        // alphabet drops "[" (it only appears right after "("), which keeps nesting reachable through "([".
        foreach (var w in AllStrings("ab(x,]", 7))
        {
            foreach (var s in new[] { "[" + w, "[" + w.Replace("(", "([", StringComparison.Ordinal) })
            {
                m.Reset();
                bool fast = m.TryAcceptString(s) && m.IsAccepting;
                bool hand = HandAccepts(s);
                Assert.True(fast == hand, $"'{s}': matcher {fast}, reference {hand}");
                if (hand) accepted++;
                checkedCount++;
            }
        }
        // The enumeration reaches the interesting cases: orders, extras, nesting.
        Assert.True(accepted >= 40, $"only {accepted} of {checkedCount} accepted");
        foreach (var s in new[] { "[a]", "[b,a]", "[bb,x,a,x]", "[([a]),a]", "[x,([b,a]),bb,a]", "[([([x,a]),a]),x,a,b]" })
        {
            Assert.True(HandAccepts(s), s);
            m.Reset();
            Assert.True(m.TryAcceptString(s) && m.IsAccepting, s);
        }
        foreach (var s in new[] { "[]", "[a,a]", "[b,a,bb]", "[a,]", "[,a]", "[(),a]", "[([a]),([a]),a]", "[([a,a]),a]" })
        {
            Assert.False(HandAccepts(s), s);
            m.Reset();
            Assert.False(m.TryAcceptString(s) && m.IsAccepting, s);
        }
    }

    [Fact]
    public void Brute_force_reference_agrees_with_the_hand_written_checker()
    {
        var g = Nested();
        foreach (var w in AllStrings("ab(x,]", 4))
        {
            string s = "[" + w.Replace("(", "([", StringComparison.Ordinal);
            Assert.True(BruteForceRecognizer.Accepts(g, s) == HandAccepts(s), s);
        }
        Assert.True(BruteForceRecognizer.Accepts(g, "[x,bb,a]"));
        Assert.False(BruteForceRecognizer.Accepts(g, "[bb,b,a]"));
    }

    [Fact]
    public void Masks_equal_the_reference_along_random_walks_with_multi_byte_tokens()
    {
        var vocab = FakeVocabularies.BytesAndWords(["[a", "a,", ",b", "bb", "b,", "([", "])", ")]", "x,x", "]]", "a]", ",a]", "x]"]);
        var compiled = new GrammarCompiler(vocab).Compile(Nested());
        int stop = FakeVocabularies.StopId(vocab);
        int finished = 0;
        for (int seed = 0; seed < 25; seed++)
        {
            var rng = new Random(seed);
            var m = compiled.CreateMatcher();
            var fast = new uint[compiled.MaskWordCount];
            var slow = new uint[compiled.MaskWordCount];
            var text = new List<byte>();
            for (int step = 0; step < 40; step++)
            {
                MatcherCrossCheckTests.AssertMasksEqual(m, fast, slow, vocab, Encoding.UTF8.GetString(text.ToArray()));
                var allowed = MatcherCrossCheckTests.Allowed(fast);
                Assert.NotEmpty(allowed);
                int pick = allowed.Contains(stop) && (step > 12 || allowed.Count == 1) ? stop : allowed.Where(t => t != stop).ElementAt(rng.Next(allowed.Count(t => t != stop)));
                Assert.True(m.TryAcceptToken(pick));
                if (pick == stop)
                {
                    finished++;
                    Assert.True(HandAccepts(Encoding.UTF8.GetString(text.ToArray())), Encoding.UTF8.GetString(text.ToArray()));
                    break;
                }
                text.AddRange(vocab.GetTokenBytes(pick).ToArray());
            }
        }
        Assert.True(finished >= 10, $"only {finished} walks finished");
    }

    [Fact]
    public void Rollback_and_fork_restore_the_set_of_written_members()
    {
        var m = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(Nested()).CreateMatcher();
        Assert.True(m.TryAcceptString("[b,"));
        var fork = m.Fork();
        Assert.True(m.TryAcceptString("a"));
        Assert.False(m.Fork().TryAcceptString(",b"));
        m.Rollback(1);
        Assert.False(m.TryAcceptString("b"));
        Assert.True(m.TryAcceptString("a]"));
        Assert.True(m.IsAccepting);
        Assert.True(fork.TryAcceptString("x,a]"));
        Assert.True(fork.IsAccepting);
    }

    [Fact]
    public void Many_members_in_any_order_from_many_threads()
    {
        // 100 members: far beyond a rule per subset. Every thread writes random permutations of random subsets.
        const int n = 100;
        var b = new GrammarBuilder();
        var members = Enumerable.Range(0, n).Select(i => (L("m" + i), i % 50 == 0)).ToList();
        b.DefineRule("start", GrammarExpression.Sequence([L("{"), GrammarExpression.Unordered(members, L(","), L("}"))]), default);
        var compiled = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(b.Build("start"));
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, t =>
        {
            var rng = new Random(t);
            var m = compiled.CreateMatcher();
            for (int round = 0; round < 10; round++)
            {
                var chosen = Enumerable.Range(0, n).Where(i => i % 50 == 0 || rng.Next(4) == 0).OrderBy(_ => rng.Next()).ToList();
                string text = "{" + string.Join(",", chosen.Select(i => "m" + i)) + "}";
                m.Reset();
                if (!(m.TryAcceptString(text) && m.IsAccepting)) failures.Add("rejected " + text);
                // A duplicate, a missing required member, an unknown member.
                string dup = "{" + string.Join(",", chosen.Append(chosen[0]).Select(i => "m" + i)) + "}";
                string missing = "{" + string.Join(",", chosen.Where(i => i != 50).Select(i => "m" + i)) + "}";
                foreach (var bad in new[] { dup, missing, "{m0,m50,m100}" })
                {
                    m.Reset();
                    if (m.TryAcceptString(bad) && m.IsAccepting) failures.Add("accepted " + bad);
                }
            }
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void States_made_on_demand_stop_at_their_limit_and_the_matcher_stays_usable()
    {
        const int n = Limits.MaxUnorderedMembers;
        var b = new GrammarBuilder();
        b.DefineRule("start", GrammarExpression.Sequence([L("{"), GrammarExpression.Unordered(Enumerable.Range(0, n).Select(i => (L("k" + i + ";"), false)), L(","), L("}"))]), default);
        var m = new GrammarCompiler(FakeVocabularies.Bytes()).Compile(b.Build("start")).CreateMatcher();
        var rng = new Random(5);
        List<int>? firstOrder = null;
        GrammarLimitException? hit = null;
        // Each state of 256 members makes about a thousand items, so random orders reach the limit after a few thousand states.
        for (int round = 0; round < 100 && hit is null; round++)
        {
            var order = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToList();
            firstOrder ??= order;
            m.Reset();
            Assert.True(m.TryAcceptString("{"));
            for (int k = 0; k < order.Count; k++)
            {
                string key = (k == 0 ? "" : ",") + "k" + order[k] + ";";
                int before = m.ConsumedByteCount;
                try
                {
                    Assert.True(m.TryAcceptString(key));
                }
                catch (GrammarLimitException e)
                {
                    hit = e;
                    // As after a refused token: nothing consumed, and the matcher goes on where it was.
                    Assert.Equal(before, m.ConsumedByteCount);
                    Assert.False(m.IsAccepting);
                    Assert.True(m.TryAcceptString("}"));
                    Assert.True(m.IsAccepting);
                    break;
                }
            }
        }
        Assert.NotNull(hit);
        Assert.Equal(nameof(Limits.MaxUnorderedItems), hit.LimitName);
        // States already made keep working.
        m.Reset();
        Assert.True(m.TryAcceptString("{" + string.Join(",", firstOrder!.Select(i => "k" + i + ";")) + "}"));
        Assert.True(m.IsAccepting);
    }

    [Fact]
    public void Dead_members_and_bad_delimiters()
    {
        var nothing = GrammarExpression.Pattern(RegexNode.Nothing, "nothing");
        // An optional member that matches nothing is dropped; a required one empties the group.
        var b = new GrammarBuilder();
        b.DefineRule("start", GrammarExpression.Sequence([L("{"), GrammarExpression.Unordered([(L("a"), false), (nothing, false)], L(","), L("}"))]), default);
        var g = b.Build("start");
        Assert.Single(g.Unordered);
        Assert.Single(g.Unordered[0].Members);
        Assert.Contains("unordered(", g.ToString(), StringComparison.Ordinal);
        Assert.True(GrammarAcceptance.MatcherAccepts(g, "{a}"));
        Assert.True(GrammarAcceptance.MatcherAccepts(g, "{}"));

        b = new GrammarBuilder();
        b.DefineRule("start", GrammarExpression.Sequence([L("{"), GrammarExpression.Unordered([(L("a"), false), (nothing, true)], L(","), L("}"))]), default);
        Assert.Throws<GrammarDefinitionException>(() => b.Build("start"));

        // A nullable separator or end would make states derive the empty string.
        b = new GrammarBuilder();
        b.DefineRule("start", GrammarExpression.Unordered([(L("a"), false)], GrammarExpression.Repeat(L(","), 0, 1), L("}")), default);
        var e = Assert.Throws<GrammarDefinitionException>(() => b.Build("start"));
        Assert.Contains("separator", e.Message, StringComparison.Ordinal);

        b = new GrammarBuilder();
        b.DefineRule("start", GrammarExpression.Unordered([(L("a"), false)], L(","), GrammarExpression.Empty), default);
        e = Assert.Throws<GrammarDefinitionException>(() => b.Build("start"));
        Assert.Contains("end", e.Message, StringComparison.Ordinal);

        // Not inside terminals.
        b = new GrammarBuilder();
        b.DefineTerminal("T", GrammarExpression.Unordered([(L("a"), false)], L(","), L("}")), default);
        b.DefineRule("start", GrammarExpression.TerminalReference("T", default), default);
        Assert.Throws<GrammarDefinitionException>(() => b.Build("start"));

        var tooMany = Enumerable.Range(0, Limits.MaxUnorderedMembers + 1).Select(i => (L("m" + i), false));
        var limit = Assert.Throws<GrammarLimitException>(() => GrammarExpression.Unordered(tooMany, L(","), L("}")));
        Assert.Equal(nameof(Limits.MaxUnorderedMembers), limit.LimitName);
    }
}
