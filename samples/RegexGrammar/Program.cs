// RegexGrammar: a regular expression compiled against GPT-2's vocabulary, driven by hand (no model).
//
//   dotnet run --project samples/RegexGrammar
//
// The whole output must match the pattern (an implicit ^...$). Patterns use .NET/PCRE syntax for what a
// finite automaton can express: classes, \d \w \s, \p{...}, groups, alternation, * + ? {m,n}.
using ConstrainedDecoding.Grammars;
using ConstrainedDecoding.Matching;
using Samples;

// An ISO 8601 date in the 1900s or 2000s, then optionally a time.
const string IsoDate = @"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d)?";

GrammarCompiler compiler = MatcherTour.Gpt2Compiler();
CompiledGrammar grammar = compiler.CompileRegex(IsoDate);

// Step by step: how many of the 50,257 tokens are allowed, and what the grammar forces next.
Console.WriteLine();
MatcherTour.Walk(grammar, "20", "24", "-1", "2-", "31", "T23", ":5", "9");

// Whole strings.
Console.WriteLine();
MatcherTour.Check(grammar, "1969-07-20T20:17");
MatcherTour.Check(grammar, "2024-13-01"); // month 13
MatcherTour.Check(grammar, "2024-02-0");  // day unfinished

// Broken patterns: the error gives the offset and what was expected.
Console.WriteLine();
const string Unbalanced = @"(19|20\d\d-\d\d";
MatcherTour.ShowError(Unbalanced, () => Grammar.FromRegex(Unbalanced));
const string Lookahead = @"\d{4}(?=-)";
MatcherTour.ShowError(Lookahead, () => Grammar.FromRegex(Lookahead));
