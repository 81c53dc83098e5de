using System.Collections.Immutable;
using System.Text;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// A regular expression over <b>bytes</b>: the immutable form every front end (regex syntax, Lark
/// terminals, GBNF rules, JSON Schema) lowers its patterns to. Unicode classes are lowered to UTF-8
/// byte sequences by <see cref="Codepoints(CodepointSet)"/>, so the automata built from these
/// nodes work on raw bytes and a multi-byte character may be split across tokens.
/// </summary>
public abstract class RegexNode
{
    // What few nodes need (their key, key stand-in, algebra automaton), in one object made on first use: three fields on
    // every node were a sixth of each node, and a compile's patterns and a replay's derivative states are mostly nodes.
    private Extras? _extras;

    private sealed class Extras
    {
        public string? Key;
        public string? KeyReference;
        public Automata.LazyDfa? AlgebraAutomaton;
    }

    private Extras MyExtras => Volatile.Read(ref _extras) ?? Interlocked.CompareExchange(ref _extras, new Extras(), null) ?? _extras!;

    private protected RegexNode()
    {
    }

    /// <summary>Matches the empty string only.</summary>
    public static RegexNode Empty { get; } = new EmptyRegex();

    /// <summary>Matches nothing at all.</summary>
    public static RegexNode Nothing { get; } = new ByteClassRegex(ByteSet.Empty);

    /// <summary>Marker for an unbounded repeat maximum.</summary>
    public const int Unbounded = -1;

    /// <summary>One byte from <paramref name="set"/>.</summary>
    /// <remarks>
    /// Nodes are shared: one per single byte, and one per other set while <see cref="Limits.MaxInternedByteClasses"/>
    /// distinct sets are cached (literals are one class per byte, so most classes of a grammar are repeats).
    /// </remarks>
    public static RegexNode ByteClass(ByteSet set)
    {
        if (set.IsEmpty) return Nothing;
        if (set.TryGetSingle(out byte single)) return s_singleBytes[single];
        // When full the cache starts over: a set seen again only gets a new node (nodes are never compared by identity alone).
        return s_byteClasses.TryGetValue(set, out var known) ? known : s_byteClasses.GetOrAdd(set, new ByteClassRegex(set));
    }

    private static readonly ByteClassRegex[] s_singleBytes = CreateSingleBytes();
    private static readonly Matching.BoundedCache<ByteSet, ByteClassRegex> s_byteClasses = new(Limits.MaxInternedByteClasses);

    private static ByteClassRegex[] CreateSingleBytes()
    {
        var nodes = new ByteClassRegex[256];
        for (int b = 0; b < 256; b++) nodes[b] = new ByteClassRegex(ByteSet.Single((byte)b));
        return nodes;
    }

    /// <summary>Exactly the given byte string.</summary>
    public static RegexNode Bytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return Empty;
        var parts = new RegexNode[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) parts[i] = ByteClass(ByteSet.Single(bytes[i]));
        return Concat(parts);
    }

    /// <summary>Exactly the UTF-8 encoding of <paramref name="text"/>.</summary>
    public static RegexNode Literal(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    /// <summary>The UTF-8 encoding of <paramref name="text"/>, matching each character case-insensitively (simple case folding).</summary>
    public static RegexNode LiteralIgnoreCase(string text)
    {
        var parts = new List<RegexNode>();
        foreach (var rune in text.EnumerateRunes())
        {
            parts.Add(Codepoints(CaseFolding.AddSimpleCaseVariants(CodepointSet.Single(rune.Value))));
        }
        return Concat(parts);
    }

    /// <summary>One Unicode scalar value from <paramref name="set"/>, encoded as UTF-8.</summary>
    public static RegexNode Codepoints(CodepointSet set) => Utf8Lowering.Lower(set);

    /// <summary>Concatenation; flattens nested concatenations and drops empty parts.</summary>
    public static RegexNode Concat(IEnumerable<RegexNode> parts) =>
        parts is RegexNode[] array ? Concat(array, owned: false) : Concat(parts.ToArray(), owned: true);

    /// <summary>Concatenation.</summary>
    public static RegexNode Concat(params RegexNode[] parts) => Concat(parts, owned: false);

    // Flattens into one exactly sized array (the caller's own when nothing changes and it hands it over).
    internal static RegexNode Concat(RegexNode[] parts, bool owned)
    {
        int count = 0;
        bool same = true;
        foreach (var p in parts)
        {
            if (p is ByteClassRegex { Set.IsEmpty: true }) return Nothing;
            if (p is EmptyRegex) { same = false; continue; }
            if (p is ConcatRegex c) { count += c.Parts.Length; same = false; }
            else count++;
        }
        if (count == 0) return Empty;
        if (same && count == 1) return parts[0];
        RegexNode[] items;
        if (same)
        {
            items = owned ? parts : (RegexNode[])parts.Clone();
        }
        else
        {
            items = new RegexNode[count];
            int k = 0;
            foreach (var p in parts)
            {
                if (p is EmptyRegex) continue;
                if (p is ConcatRegex c)
                {
                    c.Parts.CopyTo(items, k);
                    k += c.Parts.Length;
                }
                else
                {
                    items[k++] = p;
                }
            }
            if (count == 1) return items[0];
        }
        return new ConcatRegex(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(items));
    }

    /// <summary>Alternation; flattens nested alternations, drops <see cref="Nothing"/> and merges single-byte branches.</summary>
    public static RegexNode Alternate(IEnumerable<RegexNode> branches)
    {
        // One buffer for the flattened branches; duplicates found by structure (a linear scan while few). Equal
        // structure means equal keys, hence equal languages, and comparing it builds no key: derivatives of
        // alternations are built in mask steps, and keying every branch was a string per new derivative node.
        var buffer = new RegexNode[branches is ICollection<RegexNode> col ? Math.Max(col.Count, 2) + 1 : 8];
        int count = 1; // slot 0 is kept for the merged byte class
        var bytes = ByteSet.Empty;
        bool anyBytes = false;
        HashSet<RegexNode>? seen = null;
        foreach (var b in branches)
        {
            if (b is AlternationRegex a)
            {
                foreach (var item in a.Branches) Add(item);
            }
            else
            {
                Add(b);
            }
        }
        int start = anyBytes ? 0 : 1;
        if (anyBytes) buffer[0] = ByteClass(bytes);
        int n = count - start;
        if (n == 0) return Nothing;
        if (n == 1) return buffer[start];
        n = CountedRuns.DropSubsumed(buffer.AsSpan(start, n));
        if (n == 1) return buffer[start];
        var items = new RegexNode[n];
        Array.Copy(buffer, start, items, 0, n);
        return new AlternationRegex(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(items));

        void Add(RegexNode item)
        {
            if (item is ByteClassRegex bc)
            {
                if (!bc.Set.IsEmpty) { bytes = bytes.Union(bc.Set); anyBytes = true; }
                return;
            }
            if (seen is not null)
            {
                if (!seen.Add(item)) return;
            }
            else
            {
                for (int i = 1; i < count; i++)
                {
                    if (StructuralComparer.Instance.Equals(buffer[i], item)) return;
                }
                if (count > 16)
                {
                    seen = new HashSet<RegexNode>(StructuralComparer.Instance);
                    for (int i = 1; i < count; i++) seen.Add(buffer[i]);
                    seen.Add(item);
                }
            }
            if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            buffer[count++] = item;
        }
    }

    /// <summary>Alternation.</summary>
    public static RegexNode Alternate(params RegexNode[] branches) => Alternate((IEnumerable<RegexNode>)branches);

    /// <summary><paramref name="node"/> repeated <paramref name="min"/> to <paramref name="max"/> times (<see cref="Unbounded"/> for no maximum).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are negative or reversed.</exception>
    public static RegexNode Repeat(RegexNode node, int min, int max)
    {
        if (min < 0 || (max != Unbounded && max < min))
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"Invalid repeat bounds {{{min},{max}}}.");
        }
        if (max == 0 || node is EmptyRegex) return Empty;
        if (min == 1 && max == 1) return node;
        if (node is ByteClassRegex { Set.IsEmpty: true }) return min == 0 ? Empty : Nothing;
        return new RepeatRegex(node, min, max);
    }

    /// <summary>Zero or one occurrence.</summary>
    public static RegexNode Optional(RegexNode node) => Repeat(node, 0, 1);

    /// <summary>Zero or more occurrences.</summary>
    public static RegexNode Star(RegexNode node) => Repeat(node, 0, Unbounded);

    /// <summary>One or more occurrences.</summary>
    public static RegexNode Plus(RegexNode node) => Repeat(node, 1, Unbounded);

    /// <summary>
    /// A canonical text form of the node, equal for structurally equal nodes (for display and diagnostics; built on
    /// first use and kept). Grammars share a terminal's automaton and mask tables by comparing pattern structure, which
    /// builds no key.
    /// </summary>
    public string Key
    {
        get
        {
            var extras = MyExtras;
            return Volatile.Read(ref extras.Key) ?? Interlocked.CompareExchange(ref extras.Key, BuildKey(), null) ?? extras.Key!;
        }
    }

    /// <summary>
    /// The key as it appears inside a parent's key: the key itself when short, otherwise a reference
    /// to it in a process-wide table of long keys. Each reference names exactly one key forever, so
    /// parent keys stay canonical (equal keys, equal structure) while costing O(children) to build
    /// instead of the size of the whole subtree.
    /// </summary>
    internal string KeyReference
    {
        get
        {
            var extras = MyExtras;
            return Volatile.Read(ref extras.KeyReference) ?? Interlocked.CompareExchange(ref extras.KeyReference, KeyInterner.Reference(Key), null) ?? extras.KeyReference!;
        }
    }

    // A lazily computed flag in an int (0: not computed, 1: false, 2: true): one aligned store, safe
    // to race on (every thread computes the same value).
    private protected bool CachedFlag(ref int slot, Func<RegexNode, bool> compute)
    {
        int v = Volatile.Read(ref slot);
        if (v == 0)
        {
            v = compute(this) ? 2 : 1;
            Volatile.Write(ref slot, v);
        }
        return v == 2;
    }

    /// <summary>
    /// Bytes that can start a non-empty match, as <see cref="RegexDerivative"/> sees the node: a derivative by
    /// any other byte is <see cref="Nothing"/> (exact, because the factories build no empty language other than
    /// <see cref="Nothing"/>). <see cref="ByteSet.All"/> for node kinds derivatives do not know, so that nothing
    /// is ever skipped for them. Cached on concatenations and alternations.
    /// </summary>
    internal static ByteSet LeadBytes(RegexNode node) => node switch
    {
        ByteClassRegex c => c.Set,
        EmptyRegex => ByteSet.Empty,
        ConcatRegex c => c.Lead,
        AlternationRegex a => a.Lead,
        RepeatRegex r => LeadBytes(r.Body),
        AutomatonRegex m => m.Lead,
        _ => ByteSet.All,
    };

    /// <summary>Cache slot for <see cref="StructuralComparer"/>'s hash code of a composite node (0: not computed).</summary>
    internal int StructuralHash;

    /// <summary>
    /// Cache slot for <c>Automata.DerivativeAutomaton</c>'s NFA size estimate: 0 not computed, -1 unknown node kinds,
    /// else the size (saturated at <see cref="int.MaxValue"/>, far above every threshold it is compared with).
    /// </summary>
    internal int CachedNfaSize;

    /// <summary>
    /// The automaton RegexAlgebra explores for this node (intersections, differences, emptiness), kept with the node (a
    /// ConditionalWeakTable for this made every garbage collection scan a dependent handle per node); null until set.
    /// </summary>
    internal Automata.LazyDfa? AlgebraAutomaton => Volatile.Read(ref _extras)?.AlgebraAutomaton;

    /// <summary>Sets <see cref="AlgebraAutomaton"/> unless another thread did first; returns the one that stays.</summary>
    internal Automata.LazyDfa SetAlgebraAutomaton(Automata.LazyDfa dfa)
    {
        var extras = MyExtras;
        return Interlocked.CompareExchange(ref extras.AlgebraAutomaton, dfa, null) ?? dfa;
    }

    /// <summary>Whether the node matches the empty string.</summary>
    public abstract bool IsNullable { get; }

    /// <summary>Builds the canonical key.</summary>
    private protected abstract string BuildKey();

    // "(" + the children's key references joined by the separator ('\0': none) + ")", built as one string of
    // exact length (keys are built for every derivative state, so no enumerators or builders here).
    private protected static string JoinKeys(ImmutableArray<RegexNode> children, char separator)
    {
        int length = 2 + (separator == '\0' ? 0 : Math.Max(children.Length - 1, 0));
        foreach (var c in children) length += c.KeyReference.Length;
        return string.Create(length, (children, separator), static (span, state) =>
        {
            span[0] = '(';
            int at = 1;
            for (int i = 0; i < state.children.Length; i++)
            {
                if (i > 0 && state.separator != '\0') span[at++] = state.separator;
                var k = state.children[i].KeyReference;
                k.AsSpan().CopyTo(span[at..]);
                at += k.Length;
            }
            span[at] = ')';
        });
    }

    /// <inheritdoc/>
    public override string ToString() => Key;
}

/// <summary>Matches the empty string.</summary>
public sealed class EmptyRegex : RegexNode
{
    internal EmptyRegex()
    {
    }

    /// <inheritdoc/>
    public override bool IsNullable => true;

    private protected override string BuildKey() => "()";
}

/// <summary>Matches one byte from a set.</summary>
public sealed class ByteClassRegex : RegexNode
{
    internal ByteClassRegex(ByteSet set) => Set = set;

    /// <summary>The accepted bytes.</summary>
    public ByteSet Set { get; }

    /// <inheritdoc/>
    public override bool IsNullable => false;

    private protected override string BuildKey()
    {
        if (Set.Count == 1)
        {
            byte b = Set.Members().First();
            return b is >= 0x21 and < 0x7F and not (byte)'\\' and not (byte)'[' and not (byte)'(' and not (byte)')' and not (byte)'|' and not (byte)'{' and not (byte)'*' and not (byte)'+' and not (byte)'?'
                ? ((char)b).ToString()
                : "\\x" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
        }
        return Set.ToString();
    }
}

/// <summary>A sequence of parts.</summary>
public sealed class ConcatRegex : RegexNode
{
    internal ConcatRegex(ImmutableArray<RegexNode> parts) => Parts = parts;

    /// <summary>The parts in order.</summary>
    public ImmutableArray<RegexNode> Parts { get; }

    /// <inheritdoc/>
    public override bool IsNullable => CachedFlag(ref _nullable, static n => AllNullable(((ConcatRegex)n).Parts));

    private int _nullable;

    /// <summary>Cached <see cref="RegexNode.LeadBytes"/>: the parts' lead bytes up to the first part that is not nullable.</summary>
    internal ByteSet Lead
    {
        get
        {
            if (Volatile.Read(ref _leadKnown) != 0) return _lead;
            var lead = ByteSet.Empty;
            foreach (var p in Parts)
            {
                lead = lead.Union(LeadBytes(p));
                if (!p.IsNullable) break;
            }
            // Racing threads store the same value; the flag is published after it.
            _lead = lead;
            Volatile.Write(ref _leadKnown, 1);
            return lead;
        }
    }

    private ByteSet _lead;
    private int _leadKnown;

    private static bool AllNullable(ImmutableArray<RegexNode> parts)
    {
        foreach (var p in parts)
        {
            if (!p.IsNullable) return false;
        }
        return true;
    }

    private protected override string BuildKey() => JoinKeys(Parts, '\0');
}

/// <summary>A choice between branches.</summary>
public sealed class AlternationRegex : RegexNode
{
    internal AlternationRegex(ImmutableArray<RegexNode> branches) => Branches = branches;

    /// <summary>The branches.</summary>
    public ImmutableArray<RegexNode> Branches { get; }

    /// <inheritdoc/>
    public override bool IsNullable => CachedFlag(ref _nullable, static n => AnyNullable(((AlternationRegex)n).Branches));

    private int _nullable;

    /// <summary>Cached <see cref="RegexNode.LeadBytes"/>: the union of the branches' lead bytes.</summary>
    internal ByteSet Lead
    {
        get
        {
            if (Volatile.Read(ref _leadKnown) != 0) return _lead;
            var lead = ByteSet.Empty;
            foreach (var b in Branches) lead = lead.Union(LeadBytes(b));
            _lead = lead;
            Volatile.Write(ref _leadKnown, 1);
            return lead;
        }
    }

    private ByteSet _lead;
    private int _leadKnown;

    private static bool AnyNullable(ImmutableArray<RegexNode> branches)
    {
        foreach (var b in branches)
        {
            if (b.IsNullable) return true;
        }
        return false;
    }

    private protected override string BuildKey() => JoinKeys(Branches, '|');
}

/// <summary>A bounded or unbounded repetition.</summary>
public sealed class RepeatRegex : RegexNode
{
    internal RepeatRegex(RegexNode body, int min, int max)
    {
        Body = body;
        Min = min;
        Max = max;
    }

    /// <summary>The repeated node.</summary>
    public RegexNode Body { get; }

    /// <summary>Minimum count.</summary>
    public int Min { get; }

    /// <summary>Maximum count, or <see cref="RegexNode.Unbounded"/>.</summary>
    public int Max { get; }

    /// <inheritdoc/>
    public override bool IsNullable => Min == 0 || Body.IsNullable;

    private protected override string BuildKey() =>
        "(" + Body.KeyReference + "){" + Min.ToString(System.Globalization.CultureInfo.InvariantCulture) + "," +
        (Max == Unbounded ? "" : Max.ToString(System.Globalization.CultureInfo.InvariantCulture)) + "}";
}
