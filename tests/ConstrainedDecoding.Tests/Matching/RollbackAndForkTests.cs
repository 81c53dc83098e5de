using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Testing;
using static ConstrainedDecoding.Tests.Matching.MatcherTestHelpers;

namespace ConstrainedDecoding.Tests.Matching;

/// <summary>Rollback, Reset and Fork restore or copy exactly the observable state.</summary>
public class RollbackAndForkTests
{
    private static readonly Lazy<CompiledGrammar> Json = new(() => Lark(LarkJson, FakeVocabularies.JsonLike()));

    private static readonly string[] Strings = ["{\"a\": [1, 2]}", " ", "\"x\"", "null", ", "];

    /// <summary>
    /// Advances by one random unit: an allowed token (stop only rarely), or sometimes an allowed string
    /// (which must count as one unit).
    /// </summary>
    private static void Advance(GrammarMatcher m, Random rng)
    {
        if (rng.Next(6) == 0)
        {
            foreach (var s in Strings)
            {
                if (m.IsBytesAllowed(Utf8(s)))
                {
                    int count = m.AcceptedCount;
                    Assert.True(m.TryAcceptString(s));
                    Assert.Equal(count + 1, m.AcceptedCount);
                    return;
                }
            }
        }
        var allowed = Allowed(Mask(m));
        int stop = Stop(m.Grammar.Vocabulary);
        var choices = allowed.Count > 1 && rng.Next(10) != 0 ? allowed.Where(t => t != stop).ToList() : allowed;
        Assert.NotEmpty(choices);
        Assert.True(m.TryAcceptToken(choices[rng.Next(choices.Count)]));
    }

    [Fact]
    public void RollbackRestoresTheRecordedStateForManyCounts()
    {
        for (int seed = 0; seed < 8; seed++)
        {
            var rng = new Random(seed);
            var m = Json.Value.CreateMatcher();
            var history = new List<(int, int, bool, bool, string)> { State(m) }; // history[k]: state after k units
            for (int round = 0; round < 12; round++)
            {
                int steps = rng.Next(1, 15);
                for (int s = 0; s < steps && !m.IsTerminated; s++)
                {
                    Advance(m, rng);
                    history.Add(State(m));
                    Assert.Equal(history.Count - 1, m.AcceptedCount);
                }
                int n = rng.Next(0, m.AcceptedCount + 1);
                m.Rollback(n);
                history.RemoveRange(history.Count - n, n);
                Assert.Equal(history[^1], State(m));
            }
            m.Rollback(m.AcceptedCount);
            Assert.Equal(history[0], State(m));
        }
    }

    [Fact]
    public void RollbackRestoresMaskEqualToReference()
    {
        var m = Json.Value.CreateMatcher();
        var rng = new Random(42);
        for (int i = 0; i < 25 && !m.IsTerminated; i++) Advance(m, rng);
        foreach (int n in new[] { 3, 1, 5, 2 })
        {
            m.Rollback(Math.Min(n, m.AcceptedCount));
            AssertMaskMatchesReference(m, $"after rollback to {m.AcceptedCount}");
        }
    }

    [Fact]
    public void RollbackBeyondAcceptedCountThrows()
    {
        var m = Json.Value.CreateMatcher();
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => m.Rollback(1)).ParamName);
        Assert.True(m.TryAcceptString("[1"));
        Assert.True(m.TryAcceptToken(','));
        var before = State(m);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Rollback(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Rollback(-1));
        Assert.Equal(before, State(m));
        m.Rollback(0);
        Assert.Equal(before, State(m));
        m.Rollback(2);
        Assert.Equal(0, m.AcceptedCount);
        Assert.Equal(0, m.ConsumedByteCount);
    }

    [Fact]
    public void ResetReturnsToTheInitialState()
    {
        var m = Json.Value.CreateMatcher();
        var initial = State(m);
        Assert.True(m.TryAcceptString("{\"k\": [true]}"));
        Assert.True(m.TryAcceptToken(Stop(m.Grammar.Vocabulary)));
        Assert.True(m.IsTerminated);
        m.Reset();
        Assert.Equal(initial, State(m));
        Assert.Equal(initial, State(Json.Value.CreateMatcher()));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Rollback(1));
    }

    [Fact]
    public void ForkIsIndependentAndBothAgreeWithReplays()
    {
        var rng = new Random(7);
        var a = Json.Value.CreateMatcher();
        var tokensA = new List<int>();
        foreach (byte b in Utf8("{\"name\": [1, "))
        {
            Assert.True(a.TryAcceptToken(b));
            tokensA.Add(b);
        }
        var b2 = a.Fork();
        var tokensB = new List<int>(tokensA);
        Assert.Equal(State(a), State(b2));

        var aBefore = State(a);
        Assert.True(b2.TryAcceptString("\"x\"]"));
        tokensB.AddRange(Utf8("\"x\"]").Select(x => (int)x));
        Assert.Equal(aBefore, State(a)); // advancing the fork leaves the original alone

        var bBefore = State(b2);
        a.Rollback(3);
        tokensA.RemoveRange(tokensA.Count - 3, 3);
        for (int i = 0; i < 10 && !a.IsTerminated; i++)
        {
            var allowed = Allowed(Mask(a)).Where(t => t != Stop(a.Grammar.Vocabulary)).ToList();
            int t = allowed[rng.Next(allowed.Count)];
            Assert.True(a.TryAcceptToken(t));
            tokensA.Add(t);
        }
        Assert.Equal(bBefore, State(b2)); // rolling back and advancing the original leaves the fork alone

        Assert.Equal(State(Replay(tokensA)), State(a));
        var replayB = State(Replay(tokensB)); // the fork accepted a string as one unit, so only counts differ
        Assert.Equal((replayB.Bytes, replayB.Accepting, replayB.Mask), (b2.ConsumedByteCount, b2.IsAccepting, State(b2).Mask));
        Assert.Equal(tokensB.Count - 3, b2.AcceptedCount);
    }

    [Fact]
    public void ForkOfTerminatedMatcherCanRollBackSeparately()
    {
        var a = Json.Value.CreateMatcher();
        Assert.True(a.TryAcceptString("[]"));
        Assert.True(a.TryAcceptToken(Stop(a.Grammar.Vocabulary)));
        var b = a.Fork();
        b.Rollback(1);
        Assert.True(a.IsTerminated);
        Assert.False(b.IsTerminated);
        Assert.True(b.IsAccepting);
        Assert.Equal(a.ConsumedByteCount, b.ConsumedByteCount);
    }

    private static GrammarMatcher Replay(List<int> tokens)
    {
        var m = Json.Value.CreateMatcher();
        foreach (int t in tokens) Assert.True(m.TryAcceptToken(t));
        return m;
    }
}
