using System.Text;
using ConstrainedDecoding.Matching;

namespace ConstrainedDecoding.Benchmarks.Infrastructure;

/// <summary>
/// Representative matcher states per built-in grammar: a document prefix replayed before measuring.
/// A case is named <c>grammar/state</c>.
/// </summary>
internal static class SampleStates
{
    private static readonly Dictionary<string, (string State, string Prefix)[]> s_states = new(StringComparer.Ordinal)
    {
        ["json"] =
        [
            ("start", ""),
            ("object_key", "{\"name\": \"Ada\", \"tags\": [\"x\", \"y\"], \"la"),
            ("after_comma", "{\"name\": \"Ada\", \"age\": 36, "),
            ("in_string", "{\"bio\": \"Ada Lovelace was an English mathematician and wr"),
            ("in_number", "{\"values\": [1, 2.5, -3"),
            ("nested", "{\"a\": {\"b\": [{\"c\": [1, {\"d\": "),
        ],
        ["arithmetic"] =
        [
            ("start", ""),
            ("paren", "(1 + 2) * 3.5 - (4 / "),
            ("in_number", "12 * 34"),
        ],
        ["sql"] =
        [
            ("start", ""),
            ("where_clause", "SELECT name, age FROM users WHERE age > 30 AND "),
            ("in_string", "SELECT * FROM people WHERE name LIKE 'Ad"),
        ],
        ["go"] =
        [
            ("start", ""),
            ("statement", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tx := 1\n\t"),
            ("in_string", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hel"),
        ],
        ["c"] =
        [
            ("start", ""),
            ("statement", "#include <stdio.h>\n\nint main(void)\n{\n    int x = 1;\n    "),
            ("expression", "int f(int a, int b)\n{\n    return a * (b + "),
        ],
        ["java"] =
        [
            ("start", ""),
            ("statement", "public class Main {\n    public static void main(String[] args) {\n        int x = 1;\n        "),
            ("expression", "class A {\n    int f(int a) {\n        return a * ("),
        ],
    };

    /// <summary>Case names <c>grammar/state</c> for the grammars given.</summary>
    public static IEnumerable<string> Cases(IEnumerable<string> grammars) =>
        grammars.Where(s_states.ContainsKey).SelectMany(g => s_states[g].Select(s => $"{g}/{s.State}"));

    /// <summary>State names of one grammar.</summary>
    public static IEnumerable<string> StateNames(string grammar) =>
        s_states.TryGetValue(grammar, out var states) ? states.Select(s => s.State) : [];

    /// <summary>Splits a case name into grammar and state.</summary>
    public static (string Grammar, string State) Split(string caseName)
    {
        int slash = caseName.IndexOf('/', StringComparison.Ordinal);
        return (caseName[..slash], caseName[(slash + 1)..]);
    }

    /// <summary>The prefix of a state.</summary>
    /// <exception cref="KeyNotFoundException">Unknown grammar or state.</exception>
    public static string Prefix(string grammar, string state) =>
        s_states[grammar].First(s => s.State == state).Prefix;

    /// <summary>Compiles a built-in grammar against a tokenizer and returns a matcher at one of its states.</summary>
    public static GrammarMatcher MatcherAt(string tokenizer, string grammar, string state)
    {
        var compiled = new GrammarCompiler(BenchmarkInputs.Vocabulary(tokenizer)).Compile(BenchmarkInputs.Grammar(grammar));
        return MatcherAt(compiled, grammar, state);
    }

    /// <summary>
    /// A matcher at a state: the prefix is fed byte by byte. When the grammar rejects a byte the
    /// matcher stays at the longest accepted prefix and a warning is printed (the case then measures
    /// that shorter state, so fix the sample).
    /// </summary>
    public static GrammarMatcher MatcherAt(CompiledGrammar compiled, string grammar, string state)
    {
        var matcher = compiled.CreateMatcher();
        var bytes = Encoding.UTF8.GetBytes(Prefix(grammar, state));
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!matcher.TryAcceptBytes(bytes.AsSpan(i, 1)))
            {
                Console.WriteLine($"[warn] {grammar}/{state}: byte {i} ('{(char)bytes[i]}') rejected; measuring the state after {i} bytes");
                break;
            }
        }
        return matcher;
    }
}
