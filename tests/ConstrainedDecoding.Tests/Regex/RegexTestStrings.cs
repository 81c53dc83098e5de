using System.Text;
using ConstrainedDecoding.Regex;

namespace ConstrainedDecoding.Tests.Regex;

/// <summary>Strings for differential regex tests: random members of a pattern's language, mutations, and random strings.</summary>
internal static class RegexTestStrings
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Utf8(string s) => StrictUtf8.GetBytes(s);

    /// <summary>A random byte string matched by <paramref name="node"/> (repeats take at most 3 extra iterations).</summary>
    public static byte[] Sample(RegexNode node, Random rng)
    {
        var output = new List<byte>();
        Emit(node, rng, output);
        return output.ToArray();
    }

    /// <summary>Decodes strict UTF-8; a lowering bug that produced invalid UTF-8 throws here.</summary>
    public static string Decode(byte[] bytes) => StrictUtf8.GetString(bytes);

    private static void Emit(RegexNode node, Random rng, List<byte> output)
    {
        switch (node)
        {
            case EmptyRegex:
                break;
            case ByteClassRegex b:
                var members = b.Set.Members().ToArray();
                output.Add(members[rng.Next(members.Length)]);
                break;
            case ConcatRegex c:
                foreach (var p in c.Parts) Emit(p, rng, output);
                break;
            case AlternationRegex a:
                Emit(a.Branches[rng.Next(a.Branches.Length)], rng, output);
                break;
            case RepeatRegex r:
                int max = r.Max == RegexNode.Unbounded ? r.Min + 3 : Math.Min(r.Max, r.Min + 3);
                int count = rng.Next(r.Min, max + 1);
                for (int i = 0; i < count; i++) Emit(r.Body, rng, output);
                break;
            default:
                throw new NotSupportedException(node.GetType().Name);
        }
    }

    /// <summary>A random string of up to <paramref name="maxLength"/> text elements from <paramref name="alphabet"/> (split by code point).</summary>
    public static string RandomString(string[] alphabet, int maxLength, Random rng)
    {
        var sb = new StringBuilder();
        int n = rng.Next(maxLength + 1);
        for (int i = 0; i < n; i++) sb.Append(alphabet[rng.Next(alphabet.Length)]);
        return sb.ToString();
    }

    /// <summary>One random edit (insert, delete or replace a code point) of <paramref name="s"/>.</summary>
    public static string Mutate(string s, string[] alphabet, Random rng)
    {
        var runes = s.EnumerateRunes().Select(r => r.ToString()).ToList();
        int op = runes.Count == 0 ? 0 : rng.Next(3);
        int at = rng.Next(runes.Count + (op == 0 ? 1 : 0));
        switch (op)
        {
            case 0: runes.Insert(at, alphabet[rng.Next(alphabet.Length)]); break;
            case 1: runes.RemoveAt(at); break;
            default: runes[at] = alphabet[rng.Next(alphabet.Length)]; break;
        }
        return string.Concat(runes);
    }

    /// <summary>The code points of <paramref name="s"/> as strings, distinct.</summary>
    public static string[] Alphabet(string s) => s.EnumerateRunes().Select(r => r.ToString()).Distinct().ToArray();
}
