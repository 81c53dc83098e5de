// GbnfGrammar: a GBNF grammar (llama.cpp's format) compiled against GPT-2's vocabulary, driven by hand (no model).
//
//   dotnet run --project samples/GbnfGrammar
//
// The grammar below describes a small JSON object with fixed keys: `name ::= alternatives`, string
// literals, character classes, groups and the * + ? {m,n} repeats. The start rule is `root`.
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using Samples;

const string Person = """
    # A person record with fixed keys, in a fixed order.
    root   ::= "{" ws "\"name\": " string "," ws "\"age\": " age "," ws "\"tags\": " tags ws "}"
    string ::= "\"" [A-Za-z ]{1,30} "\""
    age    ::= [0-9] | [1-9] [0-9] | "1" [0-9] [0-9]
    tags   ::= "[" ( string ( ", " string )* )? "]"
    ws     ::= [ \n]*
    """;

GrammarCompiler compiler = MatcherTour.Gpt2Compiler();
CompiledGrammar grammar = compiler.CompileGbnf(Person);

// Step by step: how many of the 50,257 tokens are allowed, and what the grammar forces next.
Console.WriteLine();
MatcherTour.Walk(grammar, "{", "\n\"name\": \"Ada\"", ", \"age\": 36", ", \"tags\": [", "\"math\"", "]}");

// Whole strings.
Console.WriteLine();
MatcherTour.Check(grammar, "{\"name\": \"Ada Lovelace\", \"age\": 36, \"tags\": [\"math\", \"poetry\"]}");
MatcherTour.Check(grammar, "{\"name\": \"Ada\", \"age\": 036, \"tags\": []}"); // leading zero
MatcherTour.Check(grammar, "{\"age\": 36, \"name\": \"Ada\", \"tags\": []}");   // keys out of order

// A broken grammar: the error says where and what was expected.
Console.WriteLine();
const string Broken = """
    root ::= "{" name "}"
    name ::= "\"" [a-z+ "\""
    """;
MatcherTour.ShowError(Broken, () => Grammar.FromGbnf(Broken));
