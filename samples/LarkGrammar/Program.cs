// LarkGrammar: a Lark-style EBNF grammar compiled against GPT-2's vocabulary, driven by hand (no model).
//
//   dotnet run --project samples/LarkGrammar
//
// The grammar below is a tiny tool-call language: one call per line. Lowercase names are rules,
// UPPERCASE names are terminals (regular expressions or string literals).
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using Samples;

const string ToolCalls = """
    start: call+
    call: "weather(city=" CITY ", unit=" UNIT ")\n"
        | "time(zone=" ZONE ")\n"
    CITY: /"[A-Z][a-z]+( [A-Z][a-z]+)*"/
    UNIT: "\"celsius\"" | "\"fahrenheit\""
    ZONE: /"UTC[+-][0-9]{1,2}"/
    """;

GrammarCompiler compiler = MatcherTour.Gpt2Compiler();
CompiledGrammar grammar = compiler.CompileLark(ToolCalls);

// Step by step: how many of the 50,257 tokens are allowed, and what the grammar forces next.
Console.WriteLine();
MatcherTour.Walk(grammar, "weather(", "city=\"Paris\"", ", unit=\"c", "elsius\")\n", "time(zone=\"UTC+1\")\n");

// Whole strings.
Console.WriteLine();
MatcherTour.Check(grammar, "weather(city=\"New York\", unit=\"fahrenheit\")\n");
MatcherTour.Check(grammar, "weather(city=\"paris\", unit=\"celsius\")\n"); // lowercase city
MatcherTour.Check(grammar, "time(zone=\"UTC-5\")");                         // missing newline

// A broken grammar: the error says where and what was expected.
Console.WriteLine();
const string Broken = """
    start: call+
    call: "weather(" (CITY | "here" ")"
    CITY: /[A-Z][a-z]+/
    """;
MatcherTour.ShowError(Broken, () => Grammar.FromLark(Broken));
