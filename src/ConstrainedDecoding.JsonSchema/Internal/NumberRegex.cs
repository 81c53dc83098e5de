using System.Globalization;
using System.Numerics;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>A numeric bound: a value and whether it is included.</summary>
internal readonly record struct NumberBound(JsonDecimal Value, bool Inclusive);

/// <summary>
/// Regexes over JSON number spellings with exact value ranges. JSON numbers have no leading zeros, and <c>-0</c>
/// (with any zero fraction) equals 0. Bounded ranges accept plain decimal spellings (<c>-12.50</c>) and no exponent
/// forms: a sound subset; unbounded numbers accept every spelling.
/// </summary>
internal static class NumberRegex
{
    private static readonly RegexNode s_digit = RegexNode.ByteClass(ByteSet.Range((byte)'0', (byte)'9'));
    private static readonly RegexNode s_digits = RegexNode.Star(s_digit);
    private static readonly RegexNode s_nonZeroDigit = RegexNode.ByteClass(ByteSet.Range((byte)'1', (byte)'9'));
    private static readonly RegexNode s_natural = RegexNode.Alternate(RegexNode.Literal("0"), RegexNode.Concat(s_nonZeroDigit, s_digits));
    private static readonly RegexNode s_fraction = RegexNode.Optional(RegexNode.Concat(RegexNode.Literal("."), RegexNode.Plus(s_digit)));
    private static readonly RegexNode s_zeroFraction = RegexNode.Optional(RegexNode.Concat(RegexNode.Literal("."), RegexNode.Plus(RegexNode.Literal("0"))));
    private static readonly RegexNode s_someExponent = RegexNode.Concat(
        RegexNode.ByteClass(ByteSet.Single((byte)'e').With((byte)'E')),
        RegexNode.Optional(RegexNode.ByteClass(ByteSet.Single((byte)'+').With((byte)'-'))),
        RegexNode.Plus(s_digit));
    private static readonly RegexNode s_exponent = RegexNode.Optional(s_someExponent);

    /// <summary>Any JSON number.</summary>
    public static RegexNode AnyNumber { get; } = RegexNode.Concat(RegexNode.Optional(RegexNode.Literal("-")), s_natural, s_fraction, s_exponent);

    /// <summary>
    /// Exponent spellings (<c>1e-6</c>, <c>-2.5E+3</c>) of the numbers on one side of zero, for a bound of 0 with no
    /// bound on the other side (<c>minimum: 0</c> and the like): the sign of such a number is the sign of its
    /// mantissa, so the set is regular without any arithmetic. Null for other bounds.
    /// </summary>
    public static RegexNode? ExponentFormsBeyondZero(NumberBound? lo, NumberBound? hi)
    {
        if ((lo is null) == (hi is null)) return null;
        var bound = (lo ?? hi)!.Value;
        if (bound.Value.Sign != 0) return null;
        // Mantissas of value zero (0, 0.000) and of non-zero value (any other).
        var zero = RegexNode.Concat(RegexNode.Literal("0"), s_zeroFraction);
        var nonZero = RegexNode.Alternate(
            RegexNode.Concat(s_nonZeroDigit, s_digits, s_fraction),
            RegexNode.Concat(RegexNode.Literal("0."), s_digits, s_nonZeroDigit, s_digits));
        var minus = RegexNode.Literal("-");
        RegexNode mantissas = lo is not null
            ? (bound.Inclusive ? RegexNode.Alternate(nonZero, zero, RegexNode.Concat(minus, zero)) : nonZero)
            : (bound.Inclusive ? RegexNode.Alternate(RegexNode.Concat(minus, nonZero), zero, RegexNode.Concat(minus, zero)) : RegexNode.Concat(minus, nonZero));
        return RegexNode.Concat(mantissas, s_someExponent);
    }

    /// <summary>Any number written as a plain decimal (no exponent).</summary>
    public static RegexNode AnyPlainNumber { get; } = RegexNode.Concat(RegexNode.Optional(RegexNode.Literal("-")), s_natural, s_fraction);

    /// <summary>Largest divisor mantissa (remainder states) <see cref="MultipleOf"/> builds an automaton for.</summary>
    public const int MaxMultipleOfStates = 10_000;

    /// <summary>
    /// Plain decimal spellings (<c>-?D+(.D+)?</c>, leading zeros not excluded here) of the multiples of
    /// <paramref name="divisor"/> = a·10^-s: the digits read so far as a remainder modulo a, the fraction digits
    /// counted up to s, then only zeros. Null when a exceeds <see cref="MaxMultipleOfStates"/> or s exceeds 64.
    /// </summary>
    public static RegexNode? MultipleOf(JsonDecimal divisor)
    {
        var a = divisor.Exponent >= 0 ? divisor.Mantissa * BigInteger.Pow(10, divisor.Exponent) : divisor.Mantissa;
        int s = divisor.Exponent >= 0 ? 0 : -divisor.Exponent;
        if (a.Sign <= 0 || a > MaxMultipleOfStates || s > 64) return null;
        int m = (int)a;
        // States: 0 start, 1 after '-', integer part I(r), fraction F(r, j) for j in 0..s, trailing zeros Z(r).
        int I(int r) => 2 + r;
        int F(int r, int j) => 2 + m + (r * (s + 1)) + j;
        int Z(int r) => 2 + m + (m * (s + 1)) + r;
        int count = 2 + m + (m * (s + 1)) + m;
        var accepting = new bool[count];
        var edges = new List<(ByteSet, int)>[count];
        for (int i = 0; i < count; i++) edges[i] = [];
        var pow = new int[s + 1]; // 10^k mod m
        pow[0] = 1 % m;
        for (int k = 1; k <= s; k++) pow[k] = pow[k - 1] * 10 % m;
        static ByteSet Digit(int d) => ByteSet.Single((byte)('0' + d));
        edges[0].Add((ByteSet.Single((byte)'-'), 1));
        for (int d = 0; d <= 9; d++)
        {
            edges[0].Add((Digit(d), I(d % m)));
            edges[1].Add((Digit(d), I(d % m)));
        }
        for (int r = 0; r < m; r++)
        {
            for (int d = 0; d <= 9; d++) edges[I(r)].Add((Digit(d), I(((r * 10) + d) % m)));
            edges[I(r)].Add((ByteSet.Single((byte)'.'), F(r, 0)));
            accepting[I(r)] = (long)r * pow[s] % m == 0;
            for (int j = 0; j <= s; j++)
            {
                if (j < s)
                {
                    for (int d = 0; d <= 9; d++) edges[F(r, j)].Add((Digit(d), F(((r * 10) + d) % m, j + 1)));
                }
                else
                {
                    edges[F(r, j)].Add((Digit(0), Z(r)));
                }
                accepting[F(r, j)] = j >= 1 && (long)r * pow[s - j] % m == 0;
            }
            edges[Z(r)].Add((Digit(0), Z(r)));
            accepting[Z(r)] = r == 0;
        }
        string key = "multipleOf:" + divisor.Mantissa.ToString(CultureInfo.InvariantCulture) + "e" + divisor.Exponent.ToString(CultureInfo.InvariantCulture);
        return RegexAlgebra.FromAutomaton(key, accepting, edges);
    }

    /// <summary>Non-integer numbers written as plain decimals with a non-zero fraction digit (a sound subset).</summary>
    public static RegexNode NonIntegerDecimal { get; } = RegexNode.Concat(
        RegexNode.Optional(RegexNode.Literal("-")), s_natural, RegexNode.Literal("."), s_digits, s_nonZeroDigit, s_digits);

    /// <summary>Any integer written without fraction or exponent.</summary>
    public static RegexNode AnyPlainInteger { get; } = RegexNode.Concat(RegexNode.Optional(RegexNode.Literal("-")), s_natural);

    /// <summary>Any integer-valued number, plain or with a zero fraction (<c>3.0</c>, JSON Schema draft 6+).</summary>
    public static RegexNode AnyIntegerValued { get; } = RegexNode.Concat(AnyPlainInteger, s_zeroFraction);

    /// <summary>Integers in [lo, hi] (null = unbounded), plain, optionally followed by a zero fraction.</summary>
    public static RegexNode IntegerRange(BigInteger? lo, BigInteger? hi, bool allowZeroFraction)
    {
        if (lo is null && hi is null) return allowZeroFraction ? AnyIntegerValued : AnyPlainInteger;
        var branches = new List<RegexNode>();
        if (hi is null || hi >= 0)
        {
            var a = lo is null || lo < 0 ? BigInteger.Zero : lo.Value;
            if (hi is null || a <= hi) branches.Add(Natural(a, hi));
        }
        if (lo is null || lo < 0)
        {
            // Negative values -y with y in [max(1, -hi), -lo].
            var ylo = hi is null || hi >= 0 ? BigInteger.One : -hi.Value;
            BigInteger? yhi = lo is null ? null : -lo.Value;
            if (yhi is null || ylo <= yhi) branches.Add(RegexNode.Concat(RegexNode.Literal("-"), Natural(ylo, yhi)));
        }
        if ((lo is null || lo <= 0) && (hi is null || hi >= 0)) branches.Add(RegexNode.Literal("-0"));
        var core = RegexNode.Alternate(branches);
        return allowZeroFraction ? RegexNode.Concat(core, s_zeroFraction) : core;
    }

    /// <summary>Naturals in [lo, hi] without leading zeros; hi null = unbounded.</summary>
    public static RegexNode Natural(BigInteger lo, BigInteger? hi)
    {
        string a = lo.ToString(CultureInfo.InvariantCulture);
        var branches = new List<RegexNode>();
        int maxLen = hi is null ? a.Length : hi.Value.ToString(CultureInfo.InvariantCulture).Length;
        for (int len = a.Length; len <= maxLen; len++)
        {
            var start = len == a.Length ? lo : BigInteger.Pow(10, len - 1);
            var end = BigInteger.Pow(10, len) - 1;
            if (hi is not null && hi < end) end = hi.Value;
            if (start > end) continue;
            branches.Add(FixedWidth(start.ToString(CultureInfo.InvariantCulture), end.ToString(CultureInfo.InvariantCulture).PadLeft(len, '0')));
        }
        if (hi is null)
        {
            branches.Add(RegexNode.Concat(s_nonZeroDigit, RegexNode.Repeat(s_digit, a.Length, RegexNode.Unbounded)));
        }
        return RegexNode.Alternate(branches);
    }

    // Digit strings of one length with lo <= value <= hi (lexicographic = numeric at equal length).
    private static RegexNode FixedWidth(string lo, string hi)
    {
        if (lo.Length == 0) return RegexNode.Empty;
        int dlo = lo[0] - '0', dhi = hi[0] - '0';
        string rlo = lo[1..], rhi = hi[1..];
        if (dlo == dhi) return RegexNode.Concat(Digit(dlo, dlo), FixedWidth(rlo, rhi));
        bool loFull = rlo.All(c => c == '0'), hiFull = rhi.All(c => c == '9');
        if (loFull && hiFull) return RegexNode.Concat(Digit(dlo, dhi), RegexNode.Repeat(s_digit, rlo.Length, rlo.Length));
        var branches = new List<RegexNode>();
        int first = dlo, last = dhi;
        if (!loFull)
        {
            branches.Add(RegexNode.Concat(Digit(dlo, dlo), FixedWidth(rlo, new string('9', rlo.Length))));
            first++;
        }
        if (!hiFull)
        {
            branches.Add(RegexNode.Concat(Digit(dhi, dhi), FixedWidth(new string('0', rhi.Length), rhi)));
            last--;
        }
        if (first <= last) branches.Add(RegexNode.Concat(Digit(first, last), RegexNode.Repeat(s_digit, rlo.Length, rlo.Length)));
        return RegexNode.Alternate(branches);
    }

    private static RegexNode Digit(int lo, int hi) => lo > hi ? RegexNode.Nothing : RegexNode.ByteClass(ByteSet.Range((byte)('0' + lo), (byte)('0' + hi)));

    /// <summary>
    /// Plain decimal spellings (<c>-?I(.F)?</c>, no exponent) of the numbers between the bounds; null when the range
    /// cannot be expressed here (the caller refuses).
    /// </summary>
    public static RegexNode? DecimalRange(NumberBound? lo, NumberBound? hi)
    {
        var zero = new NumberBound(default, true);
        var branches = new List<RegexNode>();
        // Non-negative part.
        if (hi is null || hi.Value.Value.Sign >= 0)
        {
            var a = lo is null || lo.Value.Value.Sign < 0 ? zero : lo.Value;
            var part = NonNegative(a, hi);
            if (part is null) return null;
            branches.Add(part);
        }
        // Negative part: -y with y in (0 or |hi|, |lo|].
        if (lo is null || lo.Value.Value.Sign < 0)
        {
            var ylo = hi is null || hi.Value.Value.Sign >= 0 ? new NumberBound(default, false) : new NumberBound(hi.Value.Value.Abs(), hi.Value.Inclusive);
            NumberBound? yhi = lo is null ? null : new NumberBound(lo.Value.Value.Abs(), lo.Value.Inclusive);
            var part = NonNegative(ylo, yhi);
            if (part is null) return null;
            branches.Add(RegexNode.Concat(RegexNode.Literal("-"), part));
        }
        bool zeroIn = Contains(lo, hi, default);
        if (zeroIn) branches.Add(RegexNode.Concat(RegexNode.Literal("-0"), s_zeroFraction));
        return RegexNode.Alternate(branches);
    }

    private static bool Contains(NumberBound? lo, NumberBound? hi, JsonDecimal v)
    {
        if (lo is { } l && (l.Inclusive ? v.CompareTo(l.Value) < 0 : v.CompareTo(l.Value) <= 0)) return false;
        if (hi is { } h && (h.Inclusive ? v.CompareTo(h.Value) > 0 : v.CompareTo(h.Value) >= 0)) return false;
        return true;
    }

    // Spellings I(.F)? (no sign) of non-negative values within [lo, hi]; lo is non-negative.
    private static RegexNode? NonNegative(NumberBound lo, NumberBound? hi)
    {
        var (li, lf) = lo.Value.SplitAbs();
        if (hi is null)
        {
            // I > li with any fraction, or I == li with fraction >= / > lf.
            return RegexNode.Alternate(
                RegexNode.Concat(Natural(li + 1, null), s_fraction),
                RegexNode.Concat(RegexNode.Literal(li.ToString(CultureInfo.InvariantCulture)), FractionSuffix(lf, lo.Inclusive ? Cmp.Ge : Cmp.Gt)));
        }
        if (hi.Value.Value.CompareTo(lo.Value) < 0) return RegexNode.Nothing;
        var (hiI, hf) = hi.Value.Value.SplitAbs();
        if (li == hiI)
        {
            if (lf.Length == 0 && lo.Inclusive)
            {
                return RegexNode.Concat(RegexNode.Literal(li.ToString(CultureInfo.InvariantCulture)), FractionSuffix(hf, hi.Value.Inclusive ? Cmp.Le : Cmp.Lt));
            }
            return null; // both bounds inside one unit interval: rare, refused
        }
        var branches = new List<RegexNode>
        {
            RegexNode.Concat(RegexNode.Literal(li.ToString(CultureInfo.InvariantCulture)), FractionSuffix(lf, lo.Inclusive ? Cmp.Ge : Cmp.Gt)),
            RegexNode.Concat(RegexNode.Literal(hiI.ToString(CultureInfo.InvariantCulture)), FractionSuffix(hf, hi.Value.Inclusive ? Cmp.Le : Cmp.Lt)),
        };
        if (li + 1 <= hiI - 1) branches.Add(RegexNode.Concat(Natural(li + 1, hiI - 1), s_fraction));
        return RegexNode.Alternate(branches);
    }

    private enum Cmp { Ge, Gt, Le, Lt }

    // Optional '.digits' whose fraction value compares with 0.g as asked (g has no trailing zeros).
    private static RegexNode FractionSuffix(string g, Cmp cmp)
    {
        bool emptyOk = cmp switch
        {
            Cmp.Ge => g.Length == 0,
            Cmp.Gt => false,
            Cmp.Le => true,
            _ => g.Length > 0,
        };
        var digits = Fraction(g, cmp, first: true);
        var withDot = RegexNode.Concat(RegexNode.Literal("."), digits);
        return emptyOk ? RegexNode.Optional(withDot) : withDot;
    }

    // Non-empty (when first) digit strings f with 0.f cmp 0.g.
    private static RegexNode Fraction(string g, Cmp cmp, bool first)
    {
        var any = first ? RegexNode.Plus(s_digit) : s_digits;
        if (g.Length == 0)
        {
            return cmp switch
            {
                Cmp.Ge => any,
                Cmp.Gt => RegexNode.Concat(s_digits, s_nonZeroDigit, s_digits),
                Cmp.Le => first ? RegexNode.Plus(RegexNode.Literal("0")) : RegexNode.Star(RegexNode.Literal("0")),
                _ => RegexNode.Nothing,
            };
        }
        int d = g[0] - '0';
        var rest = Fraction(g[1..], cmp, first: false);
        var branches = new List<RegexNode>();
        if (cmp is Cmp.Ge or Cmp.Gt)
        {
            if (d < 9) branches.Add(RegexNode.Concat(Digit(d + 1, 9), s_digits));
        }
        else
        {
            if (!first) branches.Add(RegexNode.Empty);
            if (d > 0) branches.Add(RegexNode.Concat(Digit(0, d - 1), s_digits));
        }
        branches.Add(RegexNode.Concat(Digit(d, d), rest));
        return RegexNode.Alternate(branches);
    }
}
