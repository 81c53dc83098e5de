namespace ConstrainedDecoding.Sampling.Asap;

/// <summary>
/// The prefixes ASAp has sampled, as a trie in flat arrays (one slot per node, children as a sibling list).
/// Only explored children exist: a node stores the model's probability of the token that leads to it, and, once
/// expanded, the total probability of the allowed next tokens and how many there are. Unexplored allowed children
/// count as expected future grammaticality 1 without being stored, so memory grows with explored prefixes only.
/// </summary>
/// <remarks>Node ids only grow: a child always has a larger id than its parent, so one backward sweep recomputes every estimate.</remarks>
internal sealed class AsapTrie
{
    /// <summary>Bytes of one node across the arrays (token, first child, next sibling, allowed count, probability, estimate, allowed mass, kind).</summary>
    public const int BytesPerNode = (4 * sizeof(int)) + (3 * sizeof(double)) + sizeof(byte);

    public const int Root = 0;

    private int[] _token = new int[16];
    private int[] _firstChild = new int[16];
    private int[] _nextSibling = new int[16];
    private int[] _allowedCount = new int[16];
    private double[] _probability = new double[16];
    private double[] _efg = new double[16];
    private double[] _allowedMass = new double[16];
    private NodeKind[] _kind = new NodeKind[16];

    public AsapTrie()
    {
        Count = 1;
        Init(Root, token: -1, probability: 1);
    }

    /// <summary>Number of nodes (the root included).</summary>
    public int Count { get; private set; }

    /// <summary>Bytes the nodes use (<see cref="Count"/> × <see cref="BytesPerNode"/>; the arrays may hold up to twice that while they grow).</summary>
    public long Bytes => (long)Count * BytesPerNode;

    public int Token(int node) => _token[node];

    public double Probability(int node) => _probability[node];

    public double Efg(int node) => _efg[node];

    public NodeKind Kind(int node) => _kind[node];

    public double AllowedMass(int node) => _allowedMass[node];

    public int AllowedCount(int node) => _allowedCount[node];

    public int FirstChild(int node) => _firstChild[node];

    public int NextSibling(int node) => _nextSibling[node];

    /// <summary>The child reached by <paramref name="token"/>, or -1 when it is unexplored.</summary>
    public int FindChild(int node, int token)
    {
        for (int c = _firstChild[node]; c >= 0; c = _nextSibling[c])
        {
            if (_token[c] == token) return c;
        }
        return -1;
    }

    /// <summary>Adds an explored child in front of <paramref name="parent"/>'s list.</summary>
    public int AddChild(int parent, int token, double probability)
    {
        int node = Append(token, probability);
        _nextSibling[node] = _firstChild[parent];
        _firstChild[parent] = node;
        return node;
    }

    /// <summary>Adds a child at the end of <paramref name="parent"/>'s list (loading, which keeps the saved order); <paramref name="last"/> is the current last child or -1.</summary>
    public int AppendChild(int parent, int last, int token, double probability)
    {
        int node = Append(token, probability);
        if (last < 0) _firstChild[parent] = node;
        else _nextSibling[last] = node;
        return node;
    }

    /// <summary>Records the allowed next tokens of a visited prefix; every child is unexplored, so its estimate is the allowed mass.</summary>
    public void Expand(int node, double allowedMass, int allowedCount)
    {
        _kind[node] = NodeKind.Expanded;
        _allowedMass[node] = allowedMass;
        _allowedCount[node] = allowedCount;
        _efg[node] = allowedCount == 0 ? 0 : allowedMass;
    }

    /// <summary>Marks a finished prefix: a complete string (estimate 1) or a dead end (estimate 0).</summary>
    public void Finish(int node, bool complete)
    {
        _kind[node] = complete ? NodeKind.Complete : NodeKind.Dead;
        _efg[node] = complete ? 1 : 0;
    }

    /// <summary>Loading: sets what <see cref="Expand"/> or <see cref="Finish"/> would, without recomputing.</summary>
    public void SetLoaded(int node, NodeKind kind, double allowedMass, int allowedCount)
    {
        _kind[node] = kind;
        _allowedMass[node] = allowedMass;
        _allowedCount[node] = allowedCount;
        _efg[node] = kind switch { NodeKind.Complete => 1, NodeKind.Dead => 0, NodeKind.Expanded => allowedMass, _ => 1 };
    }

    /// <summary>
    /// The two parts of an expanded node's estimate: explored children weighted by their estimates, and the mass of
    /// the allowed tokens not explored yet (exactly 0 once every allowed token has a child).
    /// </summary>
    public void Weights(int node, out double explored, out double unexplored)
    {
        double exploredMass = 0, weighted = 0;
        int n = 0;
        for (int c = _firstChild[node]; c >= 0; c = _nextSibling[c])
        {
            exploredMass += _probability[c];
            weighted += _probability[c] * _efg[c];
            n++;
        }
        explored = weighted;
        unexplored = n >= _allowedCount[node] ? 0 : Math.Max(_allowedMass[node] - exploredMass, 0);
    }

    /// <summary>EFG(w) = Σ P(t|w)·EFG(w·t) over allowed t, with 1 for unexplored children: recomputed from the children.</summary>
    public void Recompute(int node)
    {
        if (_kind[node] != NodeKind.Expanded) return;
        Weights(node, out double explored, out double unexplored);
        _efg[node] = explored + unexplored;
    }

    /// <summary>Sets an unexplored remainder that turned out to carry no probability (every unexplored allowed logit was -inf) to zero.</summary>
    public void ClearUnexplored(int node)
    {
        double exploredMass = 0;
        for (int c = _firstChild[node]; c >= 0; c = _nextSibling[c]) exploredMass += _probability[c];
        _allowedMass[node] = exploredMass;
        Recompute(node);
    }

    /// <summary>Recomputes every expanded node, children before parents.</summary>
    public void RecomputeAll()
    {
        for (int node = Count - 1; node >= 0; node--) Recompute(node);
    }

    /// <summary>
    /// Removes the nodes with ids from <paramref name="firstRemoved"/> on: they must be a chain created by one sample,
    /// the first being the newest child of <paramref name="parent"/>.
    /// </summary>
    public void RemoveChain(int parent, int firstRemoved)
    {
        if (firstRemoved >= Count) return;
        _firstChild[parent] = _nextSibling[firstRemoved];
        Count = firstRemoved;
    }

    private int Append(int token, double probability)
    {
        if (Count == _token.Length) Grow();
        int node = Count++;
        Init(node, token, probability);
        return node;
    }

    private void Init(int node, int token, double probability)
    {
        _token[node] = token;
        _probability[node] = probability;
        _firstChild[node] = -1;
        _nextSibling[node] = -1;
        _allowedCount[node] = 0;
        _allowedMass[node] = 0;
        _efg[node] = 1;
        _kind[node] = NodeKind.Open;
    }

    private void Grow()
    {
        int size = (int)Math.Min((long)_token.Length * 2, Array.MaxLength);
        if (size == _token.Length) throw new InvalidOperationException("The ASAp trie cannot hold more nodes.");
        Array.Resize(ref _token, size);
        Array.Resize(ref _firstChild, size);
        Array.Resize(ref _nextSibling, size);
        Array.Resize(ref _allowedCount, size);
        Array.Resize(ref _probability, size);
        Array.Resize(ref _efg, size);
        Array.Resize(ref _allowedMass, size);
        Array.Resize(ref _kind, size);
    }
}

/// <summary>State of a trie node.</summary>
internal enum NodeKind : byte
{
    /// <summary>Created but not visited yet (only while a sample is running).</summary>
    Open = 0,

    /// <summary>Visited: allowed mass and count are known.</summary>
    Expanded = 1,

    /// <summary>A complete string of the grammar (estimate 1).</summary>
    Complete = 2,

    /// <summary>A dead end: nothing allowed and not complete, or the sample length limit (estimate 0).</summary>
    Dead = 3,
}
