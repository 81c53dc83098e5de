using System.Globalization;
using System.Numerics;

namespace ConstrainedDecoding.JsonSchema.Internal;

/// <summary>An exact decimal number: <c>Mantissa × 10^Exponent</c>, parsed from JSON number text without rounding.</summary>
internal readonly record struct JsonDecimal(BigInteger Mantissa, int Exponent) : IComparable<JsonDecimal>
{
    /// <summary>Largest exponent magnitude handled exactly (bounds beyond it are refused).</summary>
    public const int MaxExponent = 400;

    /// <summary>Parses JSON number text; false when it is malformed or its exponent is out of range.</summary>
    public static bool TryParse(string text, out JsonDecimal value)
    {
        value = default;
        int e = text.IndexOfAny(['e', 'E']);
        string mant = e < 0 ? text : text[..e];
        int exp = 0;
        if (e >= 0 && !int.TryParse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exp)) return false;
        int dot = mant.IndexOf('.');
        string digits = dot < 0 ? mant : mant.Remove(dot, 1);
        if (dot >= 0) exp -= mant.Length - dot - 1;
        if (Math.Abs(exp) > MaxExponent) return false;
        if (!BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m)) return false;
        value = Normalize(m, exp);
        return true;
    }

    private static JsonDecimal Normalize(BigInteger m, int exp)
    {
        if (m.IsZero) return new JsonDecimal(0, 0);
        while (m % 10 == 0)
        {
            m /= 10;
            exp++;
        }
        return new JsonDecimal(m, exp);
    }

    /// <summary>Whether the value is an integer.</summary>
    public bool IsInteger => Exponent >= 0;

    /// <summary>Sign: -1, 0 or 1.</summary>
    public int Sign => Mantissa.Sign;

    /// <summary>The absolute value.</summary>
    public JsonDecimal Abs() => new(BigInteger.Abs(Mantissa), Exponent);

    /// <summary>The integer part (toward zero) of the absolute value, and the fraction digits (no trailing zeros).</summary>
    public (BigInteger IntegerPart, string Fraction) SplitAbs()
    {
        var m = BigInteger.Abs(Mantissa);
        if (Exponent >= 0) return (m * BigInteger.Pow(10, Exponent), "");
        string s = m.ToString(CultureInfo.InvariantCulture).PadLeft(-Exponent + 1, '0');
        int cut = s.Length + Exponent;
        return (BigInteger.Parse(s[..cut], CultureInfo.InvariantCulture), s[cut..].TrimEnd('0'));
    }

    /// <summary>Smallest integer ≥ the value.</summary>
    public BigInteger Ceiling()
    {
        if (Exponent >= 0) return Mantissa * BigInteger.Pow(10, Exponent);
        var div = BigInteger.Pow(10, -Exponent);
        var q = BigInteger.DivRem(Mantissa, div, out var r);
        return r > 0 ? q + 1 : q;
    }

    /// <summary>Largest integer ≤ the value.</summary>
    public BigInteger Floor()
    {
        if (Exponent >= 0) return Mantissa * BigInteger.Pow(10, Exponent);
        var div = BigInteger.Pow(10, -Exponent);
        var q = BigInteger.DivRem(Mantissa, div, out var r);
        return r < 0 ? q - 1 : q;
    }

    /// <inheritdoc/>
    public int CompareTo(JsonDecimal other)
    {
        int e = Math.Min(Exponent, other.Exponent);
        var a = Mantissa * BigInteger.Pow(10, Exponent - e);
        var b = other.Mantissa * BigInteger.Pow(10, other.Exponent - e);
        return a.CompareTo(b);
    }

    /// <summary>Whether this value is an integer multiple of <paramref name="divisor"/> (non-zero).</summary>
    public bool IsMultipleOf(JsonDecimal divisor)
    {
        int e = Math.Min(Exponent, divisor.Exponent);
        var a = Mantissa * BigInteger.Pow(10, Exponent - e);
        var b = divisor.Mantissa * BigInteger.Pow(10, divisor.Exponent - e);
        return !b.IsZero && (a % b).IsZero;
    }

    /// <summary>A value from an integer.</summary>
    public static JsonDecimal FromInteger(BigInteger value) => Normalize(value, 0);
}
