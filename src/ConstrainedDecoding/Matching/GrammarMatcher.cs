using System.Diagnostics.CodeAnalysis;
using System.Text;
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Parsing;

namespace ConstrainedDecoding.Matching;

/// <summary>
/// Tracks one sequence against a <see cref="CompiledGrammar"/>: fills the exact next-token bitmask,
/// accepts tokens or raw bytes, rolls back, forks, and reports what the grammar forces next.
/// </summary>
/// <remarks>
/// <para>Mask semantics: after consuming bytes <c>p</c>, token <c>t</c> is allowed iff <c>p·bytes(t)</c>
/// is a prefix of some string in the grammar's language; stop tokens are allowed iff <c>p</c> itself is
/// in the language; special tokens and ids past the vocabulary (logits padding) are never allowed.
/// Bit <c>i &amp; 31</c> of word <c>i &gt;&gt; 5</c> is token <c>i</c>.</para>
/// <para>Not thread-safe: one matcher per sequence. Use <see cref="Fork"/> to branch. Steady-state
/// mask fills and token accepts do not allocate (apart from amortized growth of the history).</para>
/// </remarks>
public sealed class GrammarMatcher
{
    private readonly CompiledGrammar _grammar;
    private readonly EarleyRecognizer _recognizer;
    private int[] _tokenStart = new int[64];   // recognizer position before each accepted unit
    private bool[] _tokenIsStop = new bool[64];
    private int _tokenCount;
    private bool _terminated;
    private readonly List<int> _scratch = [];
    private readonly List<TokenSet> _denseScratch = [];
    private uint[]? _maskScratch;

    /// <summary>Creates a matcher at the start of the language.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="grammar"/> is null.</exception>
    public GrammarMatcher(CompiledGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _grammar = grammar;
        _recognizer = new EarleyRecognizer(grammar.Tables, grammar.Dfas);
    }

    private GrammarMatcher(GrammarMatcher other)
    {
        _grammar = other._grammar;
        _recognizer = other._recognizer.Clone();
        _tokenStart = (int[])other._tokenStart.Clone();
        _tokenIsStop = (bool[])other._tokenIsStop.Clone();
        _tokenCount = other._tokenCount;
        _terminated = other._terminated;
    }

    /// <summary>The compiled grammar.</summary>
    public CompiledGrammar Grammar => _grammar;

    /// <summary>Words a mask needs (<see cref="CompiledGrammar.MaskWordCount"/>).</summary>
    public int MaskWordCount => _grammar.MaskWordCount;

    /// <summary>Whether the bytes consumed so far form a complete string of the language (a stop token is allowed).</summary>
    public bool IsAccepting => !_terminated && _recognizer.IsAccepting;

    /// <summary>Whether a stop token has been accepted; nothing else is allowed until rollback or reset.</summary>
    public bool IsTerminated => _terminated;

    /// <summary>Number of accepted units (tokens, byte strings, stop) that <see cref="Rollback"/> can undo.</summary>
    public int AcceptedCount => _tokenCount;

    /// <summary>Number of bytes consumed (excluding stop).</summary>
    public int ConsumedByteCount { get; private set; }

    /// <summary>Fills <paramref name="mask"/> with the allowed next tokens.</summary>
    /// <param name="mask">At least <see cref="MaskWordCount"/> words; words past that are left untouched.</param>
    /// <exception cref="ArgumentException"><paramref name="mask"/> is too short.</exception>
    /// <exception cref="Grammars.GrammarLimitException">A named limit was hit while extending a lazy table.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void FillNextTokenMask(Span<uint> mask)
    {
        if (mask.Length < MaskWordCount) ThrowMaskTooShort(mask.Length, nameof(mask));
        mask = mask[..MaskWordCount];
        mask.Clear();
        if (_terminated) return;
        var r = _recognizer;
        var tables = _grammar.TerminalTables;
        int hs = r.HeadStart, he = r.HeadEnd;
        for (int h = hs; h < he; h++)
        {
            int term = r.HeadTerminal(h);
            int q = r.HeadState(h);
            if (!tables[term].TryGetComputed(q, out var st)) st = ComputeHeadTables(h);
            st.Inside.OrInto(mask);
            if (st.AcceptNodes.Length == 0) continue;
            int origin = r.HeadOrigin(h);
            var key = new ContextKey(term, q, r.SetHash1(origin), r.SetHash2(origin));
            if (!_grammar.TryGetContext(key, out var entry))
            {
                int pos = r.Position;
                try
                {
                    entry = ComputeContext(term, q, origin);
                }
                catch (GrammarLimitException)
                {
                    r.TruncateTo(pos); // the matcher stays usable
                    throw;
                }
                _grammar.AddContext(key, entry);
            }
            entry.Boundary.Valid.OrInto(mask);
            foreach (int id in entry.DoubleTokens) mask[id >> 5] |= 1u << (id & 31);
            foreach (var dense in entry.DenseExtras) dense.OrInto(mask);
        }
        bool accepting = r.IsAccepting;
        foreach (int id in _grammar.StopTokenIds)
        {
            if (accepting) mask[id >> 5] |= 1u << (id & 31);
            else mask[id >> 5] &= ~(1u << (id & 31));
        }
    }

    // The first head without a computed table: computes its table and those of the later heads that lack one in one
    // batch (dense states needing a full trie walk share one pass), and returns the first one's.
    private StateTokens ComputeHeadTables(int from)
    {
        var r = _recognizer;
        var tables = _grammar.TerminalTables;
        var pending = new List<(TerminalTable Table, int State)>();
        var seen = new HashSet<(TerminalTable, int)>();
        for (int h = from; h < r.HeadEnd; h++)
        {
            var table = tables[r.HeadTerminal(h)];
            int q = r.HeadState(h);
            if (!table.TryGetComputed(q, out _) && seen.Add((table, q))) pending.Add((table, q));
        }
        if (pending.Count > 1) TerminalTable.ComputeMany(pending);
        return tables[r.HeadTerminal(from)].GetState(r.HeadState(from));
    }

    // Tokens that end `term` inside themselves and continue validly after the boundary: the
    // one-more-lexeme part comes from the shared boundary table; tokens that end a second terminal
    // inside themselves are checked exactly by walking their trie subtrees with the parser.
    // For each node where a further terminal ends inside the token: build the real Earley set after
    // it (exact), then take the next lexeme's tokens from the shared cache and recurse.
    private int _doubleSteps;

    /// <summary>Signals that following splits one by one got too expensive for this context.</summary>
    private sealed class DoubleBudgetExceeded : Exception
    {
    }

    // Exact and polynomial: step the recognizer over every subtree below the accept nodes, starting
    // from the boundary position already pushed. Collects every token valid through the boundary,
    // which includes the one-lexeme tokens of the boundary table (harmless duplicates).
    private void WalkBelowAcceptNodes(int[] acceptNodes, int boundary)
    {
        var r = _recognizer;
        var trie = _grammar.Vocabulary.Trie;
        var depth = trie.Depth;
        var label = trie.Label;
        var end = trie.SubtreeEnd;
        // Each accept node is walked on its own: below a nested one the terminal may also have gone on.
        foreach (int v in acceptNodes)
        {
            int dv = depth[v];
            int i = v + 1, stop = end[v];
            while (i < stop)
            {
                r.TruncateTo(boundary + depth[i] - dv - 1);
                if (!r.Step(label[i]))
                {
                    i = end[i];
                    continue;
                }
                foreach (int t in trie.TokensAt(i)) _scratch.Add(t);
                i++;
            }
            r.TruncateTo(boundary);
        }
    }

    private const int RememberedGroupNodes = 32;

    private void CollectDoubles((int Node, int Terminal)[] doubles, int set, int depth)
    {
        var r = _recognizer;
        int pos = r.Position;
        // Doubles are sorted by terminal: the Earley set after a terminal does not depend on the
        // node where it ended, so it is built once per terminal.
        int k = 0;
        while (k < doubles.Length)
        {
            int terminal = doubles[k].Terminal;
            int groupEnd = k;
            while (groupEnd < doubles.Length && doubles[groupEnd].Terminal == terminal) groupEnd++;
            if (++_doubleSteps > Limits.MaxDoubleBoundaryPushes) throw new DoubleBudgetExceeded();
            int next = r.PushBoundary(terminal, set);
            if (next >= 0)
            {
                // Large groups (identifier-heavy grammars) are remembered; small ones are cheaper to redo
                // than to store (every stored group is an allocation that young collections would copy).
                if (groupEnd - k >= RememberedGroupNodes)
                {
                    CollectGroupRemembered(doubles, k, groupEnd, next, depth);
                }
                else
                {
                    CollectGroup(doubles, k, groupEnd, next, depth);
                }
                r.TruncateTo(pos);
            }
            k = groupEnd;
        }
    }

    private void CollectGroup((int Node, int Terminal)[] doubles, int k, int groupEnd, int next, int depth)
    {
        int expected = _grammar.Boundaries.InternExpected(_recognizer.ExpectedTerminals(next));
        for (int j = k; j < groupEnd; j++)
        {
            var below = _grammar.Boundaries.GetBelowNode(doubles[j].Node, expected);
            if (below.Valid.IsDense) _denseScratch.Add(below.Valid);
            else foreach (int t in below.Valid.Ids) _scratch.Add(t);
            if (below.Double.Length > 0) CollectDoubles(below.Double, next, depth + 1);
        }
    }

    // What a group contributes depends only on the group and on the Earley set after its terminal
    // (by structure), so it is remembered per grammar under that set's hash (as parser contexts are):
    // other contexts reaching the same set reuse it.
    private void CollectGroupRemembered((int Node, int Terminal)[] doubles, int k, int groupEnd, int next, int depth)
    {
        var r = _recognizer;
        var key = new DoubleGroupKey(doubles, k, r.SetHash1(next), r.SetHash2(next));
        if (_grammar.TryGetDoubleGroup(key, out var known))
        {
            foreach (int t in known.Ids) _scratch.Add(t);
            foreach (var set in known.Dense) _denseScratch.Add(set);
            return;
        }
        int scratchStart = _scratch.Count, denseStart = _denseScratch.Count;
        CollectGroup(doubles, k, groupEnd, next, depth);
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scratch)[scratchStart..];
        span.Sort();
        int n = span.Length == 0 ? 0 : 1;
        for (int x = 1; x < span.Length; x++)
        {
            if (span[x] != span[n - 1]) span[n++] = span[x];
        }
        var dense = _denseScratch.Count == denseStart ? [] : _denseScratch.GetRange(denseStart, _denseScratch.Count - denseStart).ToArray();
        _grammar.AddDoubleGroup(key, new DoubleGroup(TokenSet.ToCacheArray<int>(span[..n]), dense));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private ContextEntry ComputeContext(int term, int q, int origin)
    {
        var r = _recognizer;
        int basePos = r.Position;
        int set = r.PushBoundary(term, origin);
        if (set < 0)
        {
            return new ContextEntry(new BoundaryTokens(TokenSet.Empty, []), [], []);
        }
        int boundary = r.Position;
        var boundaryTokens = _grammar.Boundaries.Get(term, q, _grammar.Boundaries.InternExpected(r.ExpectedTerminals(set)));
        _scratch.Clear();
        _denseScratch.Clear();
        _doubleSteps = 0;
        try
        {
            CollectDoubles(boundaryTokens.Double, set, 0);
        }
        catch (DoubleBudgetExceeded)
        {
            // Each lexical split of a token is followed separately above, and some grammars have
            // exponentially many (a run of 64 dashes where both "-" and "--" are operators). The
            // byte-level recognizer merges all splits that end at the same byte, so walking the
            // subtrees below the terminal's accept nodes with it is polynomial; use that instead.
            _scratch.Clear();
            _denseScratch.Clear();
            r.TruncateTo(boundary);
            WalkBelowAcceptNodes(_grammar.TerminalTables[term].GetState(q).AcceptNodes, boundary);
        }
        r.TruncateTo(basePos);
        int[] doubles = [];
        if (_scratch.Count > 0)
        {
            _scratch.Sort();
            int n = 1;
            for (int k = 1; k < _scratch.Count; k++)
            {
                if (_scratch[k] != _scratch[n - 1]) _scratch[n++] = _scratch[k];
            }
            doubles = TokenSet.ToCacheArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scratch)[..n]);
        }
        return new ContextEntry(boundaryTokens, doubles, _denseScratch.Count == 0 ? [] : _denseScratch.ToArray());
    }

    /// <summary>Whether <paramref name="tokenId"/> is allowed now (same answer as its mask bit).</summary>
    public bool IsTokenAllowed(int tokenId)
    {
        if (_terminated || (uint)tokenId >= (uint)_grammar.Vocabulary.Count) return false;
        if (_grammar.Vocabulary.IsStop(tokenId)) return _recognizer.IsAccepting;
        if (_grammar.Vocabulary.IsSpecial(tokenId)) return false;
        return IsBytesAllowed(_grammar.Vocabulary.GetTokenBytes(tokenId));
    }

    /// <summary>Whether consuming <paramref name="bytes"/> now would keep the input a viable prefix. Does not change state.</summary>
    public bool IsBytesAllowed(ReadOnlySpan<byte> bytes)
    {
        if (_terminated) return false;
        var r = _recognizer;
        int pos = r.Position;
        bool ok = true;
        try
        {
            foreach (byte b in bytes)
            {
                if (!r.Step(b)) { ok = false; break; }
            }
        }
        finally
        {
            r.TruncateTo(pos);
        }
        return ok;
    }

    /// <summary>Accepts a token if the grammar allows it.</summary>
    /// <returns>Whether it was allowed (and so accepted); on false the state is unchanged.</returns>
    public bool TryAcceptToken(int tokenId)
    {
        if (_terminated || (uint)tokenId >= (uint)_grammar.Vocabulary.Count) return false;
        if (_grammar.Vocabulary.IsStop(tokenId))
        {
            if (!_recognizer.IsAccepting) return false;
            PushUnit(isStop: true);
            _terminated = true;
            return true;
        }
        if (_grammar.Vocabulary.IsSpecial(tokenId)) return false;
        return TryAcceptBytes(_grammar.Vocabulary.GetTokenBytes(tokenId));
    }

    /// <summary>Accepts raw bytes (one rollback unit) if they keep the input a viable prefix.</summary>
    /// <returns>Whether they were accepted; on false the state is unchanged.</returns>
    public bool TryAcceptBytes(ReadOnlySpan<byte> bytes)
    {
        if (_terminated) return false;
        var r = _recognizer;
        int pos = r.Position;
        try
        {
            foreach (byte b in bytes)
            {
                if (!r.Step(b))
                {
                    r.TruncateTo(pos);
                    return false;
                }
            }
        }
        catch (GrammarLimitException)
        {
            r.TruncateTo(pos); // the state is unchanged, as on false
            throw;
        }
        PushUnit(isStop: false, startPosition: pos);
        ConsumedByteCount += bytes.Length;
        return true;
    }

    /// <summary>Accepts the UTF-8 encoding of <paramref name="text"/> (one rollback unit).</summary>
    public bool TryAcceptString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryAcceptBytes(Encoding.UTF8.GetBytes(text));
    }

    private void PushUnit(bool isStop, int startPosition = -1)
    {
        if (_tokenCount == _tokenStart.Length)
        {
            Array.Resize(ref _tokenStart, _tokenCount * 2);
            Array.Resize(ref _tokenIsStop, _tokenCount * 2);
        }
        _tokenStart[_tokenCount] = startPosition < 0 ? _recognizer.Position : startPosition;
        _tokenIsStop[_tokenCount] = isStop;
        _tokenCount++;
    }

    /// <summary>Undoes the last <paramref name="count"/> accepted units (tokens, byte strings or stop).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="AcceptedCount"/>.</exception>
    public void Rollback(int count)
    {
        if (count < 0 || count > _tokenCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Cannot roll back {count} units; {_tokenCount} were accepted.");
        }
        if (count == 0) return;
        int target = _tokenCount - count;
        for (int k = target; k < _tokenCount; k++)
        {
            if (_tokenIsStop[k]) _terminated = false;
        }
        _recognizer.TruncateTo(_tokenStart[target]);
        _tokenCount = target;
        ConsumedByteCount = CountBytes();
    }

    private int CountBytes()
    {
        // Positions are bytes plus one per virtual boundary, and there are none outside mask walks.
        return _recognizer.Position;
    }

    /// <summary>Returns to the start of the language.</summary>
    public void Reset()
    {
        _recognizer.TruncateTo(0);
        _tokenCount = 0;
        _terminated = false;
        ConsumedByteCount = 0;
    }

    /// <summary>An independent copy sharing the compiled grammar.</summary>
    public GrammarMatcher Fork() => new(this) { ConsumedByteCount = ConsumedByteCount };

    /// <summary>
    /// The bytes the grammar forces next: the longest byte string that every continuation starts with
    /// (stops early where ending is allowed). Does not change state.
    /// </summary>
    public byte[] GetForcedBytes()
    {
        if (_terminated) return [];
        var r = _recognizer;
        int pos = r.Position;
        var bytes = new List<byte>();
        while (bytes.Count < Limits.MaxForcedBytes && !r.IsAccepting)
        {
            var next = r.NextBytes();
            if (next.Count != 1) break;
            byte b = next.Members().First();
            if (!r.Step(b)) break;
            bytes.Add(b);
        }
        r.TruncateTo(pos);
        return bytes.ToArray();
    }

    /// <summary>Whether exactly one token is allowed next (a forced token that can be appended without sampling).</summary>
    public bool TryGetForcedToken(out int tokenId)
    {
        _maskScratch ??= new uint[MaskWordCount];
        FillNextTokenMask(_maskScratch);
        tokenId = -1;
        for (int w = 0; w < _maskScratch.Length; w++)
        {
            uint bits = _maskScratch[w];
            if (bits == 0) continue;
            if ((bits & (bits - 1)) != 0 || tokenId >= 0) { tokenId = -1; return false; }
            tokenId = (w << 5) + System.Numerics.BitOperations.TrailingZeroCount(bits);
        }
        return tokenId >= 0;
    }

    [DoesNotReturn]
    private void ThrowMaskTooShort(int length, string paramName) =>
        throw new ArgumentException($"The mask has {length} words; {MaskWordCount} are needed for logits width {_grammar.Vocabulary.LogitsWidth}.", paramName);
}
