using System.Globalization;
using ConstrainedDecoding.Bench.Cli;

namespace ConstrainedDecoding.Bench.Asap;

/// <summary><c>--name value</c> options of the <c>asap</c> and <c>asap-e2e</c> commands, checked against a list of known names.</summary>
internal sealed class AsapArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public AsapArguments(string[] args, params string[] known)
    {
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{arg}', expected an option --name");
            string name = arg[2..];
            if (!known.Contains(name)) throw new UsageException($"unknown option '--{name}' for {args[0]}, expected one of --{string.Join(", --", known)}");
            if (i + 1 >= args.Length) throw new UsageException($"option --{name} needs a value");
            if (!_values.TryAdd(name, args[++i])) throw new UsageException($"option --{name} given twice");
        }
    }

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback, int min)
    {
        if (!_values.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
        {
            throw new UsageException($"unexpected value '{text}' for --{name}, expected an integer ≥ {min}");
        }
        return v;
    }

    /// <summary>Seeds from <c>--seed S</c> or <c>--seeds a,b,c</c>, else <paramref name="fallback"/>.</summary>
    public ulong[] Seeds(ulong[] fallback)
    {
        if (_values.ContainsKey("seed") && _values.ContainsKey("seeds")) throw new UsageException("give --seed or --seeds, not both");
        string? text = _values.GetValueOrDefault("seed") ?? _values.GetValueOrDefault("seeds");
        if (text is null) return fallback;
        return text.Split(',').Select(s => ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v)
            ? v
            : throw new UsageException($"unexpected seed '{s}', expected a non-negative integer")).ToArray();
    }
}
