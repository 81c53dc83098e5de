using System.Globalization;

namespace ConstrainedDecoding.Regex;

/// <summary>
/// Unicode general categories and the few binary properties the regex syntax names, as
/// <see cref="CodepointSet"/>s. The table is computed once, lazily, from
/// <see cref="CharUnicodeInfo.GetUnicodeCategory(int)"/> over every code point, so it follows the
/// Unicode version of the running .NET.
/// </summary>
internal static class UnicodeCategories
{
    private const int CategoryCount = (int)UnicodeCategory.OtherNotAssigned + 1;

    private static readonly Lazy<CodepointSet[]> s_byCategory = new(BuildCategorySets);

    private static readonly Lazy<CodepointSet> s_whiteSpace = new(BuildWhiteSpace);

    // Property names (short and long aliases from PropertyValueAliases.txt) to the categories they cover.
    private static readonly Dictionary<string, UnicodeCategory[]> s_categoryNames = BuildCategoryNames();

    /// <summary>The code points of one general category (empty for <see cref="UnicodeCategory.Surrogate"/>: surrogates are not scalar values).</summary>
    public static CodepointSet Get(UnicodeCategory category) => s_byCategory.Value[(int)category];

    /// <summary><c>[0-9]</c>, the ECMAScript <c>\d</c>.</summary>
    public static CodepointSet Digit { get; } = CodepointSet.Range('0', '9');

    /// <summary><c>[A-Za-z0-9_]</c>, the ECMAScript <c>\w</c>.</summary>
    public static CodepointSet Word { get; } = CodepointSet.FromRanges([('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]);

    /// <summary>
    /// The ECMAScript <c>\s</c>: WhiteSpace (TAB, VT, FF, ZWNBSP U+FEFF and every Zs space) plus
    /// LineTerminator (LF, CR, U+2028, U+2029).
    /// </summary>
    public static CodepointSet WhiteSpace => s_whiteSpace.Value;

    /// <summary>
    /// Looks up a <c>\p{…}</c> property: a general category by short or long name (<c>L</c>,
    /// <c>Letter</c>, <c>Lu</c>, <c>Uppercase_Letter</c>, …), optionally written
    /// <c>gc=…</c> / <c>General_Category=…</c>, or one of <c>Any</c>, <c>ASCII</c>, <c>Assigned</c>.
    /// Names are matched case-insensitively. Scripts and blocks are not supported.
    /// </summary>
    public static bool TryGetProperty(string name, out CodepointSet set)
    {
        int eq = name.IndexOf('=', StringComparison.Ordinal);
        if (eq >= 0)
        {
            string key = name[..eq];
            if (!key.Equals("gc", StringComparison.OrdinalIgnoreCase) && !key.Equals("General_Category", StringComparison.OrdinalIgnoreCase))
            {
                set = CodepointSet.Empty;
                return false;
            }
            return TryGetCategoryGroup(name[(eq + 1)..], out set);
        }
        if (name.Equals("Any", StringComparison.OrdinalIgnoreCase))
        {
            set = CodepointSet.Any;
            return true;
        }
        if (name.Equals("ASCII", StringComparison.OrdinalIgnoreCase))
        {
            set = CodepointSet.Range(0, 0x7F);
            return true;
        }
        if (name.Equals("Assigned", StringComparison.OrdinalIgnoreCase))
        {
            set = Get(UnicodeCategory.OtherNotAssigned).Complement();
            return true;
        }
        return TryGetCategoryGroup(name, out set);
    }

    private static bool TryGetCategoryGroup(string name, out CodepointSet set)
    {
        if (!s_categoryNames.TryGetValue(name, out var categories))
        {
            set = CodepointSet.Empty;
            return false;
        }
        set = categories.Length == 1 ? Get(categories[0]) : CodepointSet.FromRanges(categories.SelectMany(c => Get(c).Ranges));
        return true;
    }

    private static CodepointSet[] BuildCategorySets()
    {
        var ranges = new List<(int, int)>[CategoryCount];
        for (int i = 0; i < CategoryCount; i++) ranges[i] = [];
        int runStart = 0;
        var runCategory = CharUnicodeInfo.GetUnicodeCategory(0);
        for (int cp = 1; cp <= CodepointSet.MaxCodepoint + 1; cp++)
        {
            var cat = cp <= CodepointSet.MaxCodepoint ? CharUnicodeInfo.GetUnicodeCategory(cp) : (UnicodeCategory)(-1);
            if (cat != runCategory)
            {
                ranges[(int)runCategory].Add((runStart, cp - 1));
                runStart = cp;
                runCategory = cat;
            }
        }
        var sets = new CodepointSet[CategoryCount];
        for (int i = 0; i < CategoryCount; i++) sets[i] = CodepointSet.FromRanges(ranges[i]);
        return sets;
    }

    private static CodepointSet BuildWhiteSpace() =>
        Get(UnicodeCategory.SpaceSeparator).Union(CodepointSet.FromRanges(
            [('\t', '\r'), (0xFEFF, 0xFEFF), (0x2028, 0x2029)]));

    private static Dictionary<string, UnicodeCategory[]> BuildCategoryNames()
    {
        var d = new Dictionary<string, UnicodeCategory[]>(StringComparer.OrdinalIgnoreCase);
        void Add(UnicodeCategory[] cats, params string[] names)
        {
            foreach (var n in names) d.Add(n, cats);
        }
        void One(UnicodeCategory cat, params string[] names) => Add([cat], names);

        One(UnicodeCategory.UppercaseLetter, "Lu", "Uppercase_Letter");
        One(UnicodeCategory.LowercaseLetter, "Ll", "Lowercase_Letter");
        One(UnicodeCategory.TitlecaseLetter, "Lt", "Titlecase_Letter");
        One(UnicodeCategory.ModifierLetter, "Lm", "Modifier_Letter");
        One(UnicodeCategory.OtherLetter, "Lo", "Other_Letter");
        One(UnicodeCategory.NonSpacingMark, "Mn", "Nonspacing_Mark");
        One(UnicodeCategory.SpacingCombiningMark, "Mc", "Spacing_Mark");
        One(UnicodeCategory.EnclosingMark, "Me", "Enclosing_Mark");
        One(UnicodeCategory.DecimalDigitNumber, "Nd", "Decimal_Number", "digit");
        One(UnicodeCategory.LetterNumber, "Nl", "Letter_Number");
        One(UnicodeCategory.OtherNumber, "No", "Other_Number");
        One(UnicodeCategory.ConnectorPunctuation, "Pc", "Connector_Punctuation");
        One(UnicodeCategory.DashPunctuation, "Pd", "Dash_Punctuation");
        One(UnicodeCategory.OpenPunctuation, "Ps", "Open_Punctuation");
        One(UnicodeCategory.ClosePunctuation, "Pe", "Close_Punctuation");
        One(UnicodeCategory.InitialQuotePunctuation, "Pi", "Initial_Punctuation");
        One(UnicodeCategory.FinalQuotePunctuation, "Pf", "Final_Punctuation");
        One(UnicodeCategory.OtherPunctuation, "Po", "Other_Punctuation");
        One(UnicodeCategory.MathSymbol, "Sm", "Math_Symbol");
        One(UnicodeCategory.CurrencySymbol, "Sc", "Currency_Symbol");
        One(UnicodeCategory.ModifierSymbol, "Sk", "Modifier_Symbol");
        One(UnicodeCategory.OtherSymbol, "So", "Other_Symbol");
        One(UnicodeCategory.SpaceSeparator, "Zs", "Space_Separator");
        One(UnicodeCategory.LineSeparator, "Zl", "Line_Separator");
        One(UnicodeCategory.ParagraphSeparator, "Zp", "Paragraph_Separator");
        One(UnicodeCategory.Control, "Cc", "Control", "cntrl");
        One(UnicodeCategory.Format, "Cf", "Format");
        One(UnicodeCategory.Surrogate, "Cs", "Surrogate");
        One(UnicodeCategory.PrivateUse, "Co", "Private_Use");
        One(UnicodeCategory.OtherNotAssigned, "Cn", "Unassigned");

        Add([UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter], "LC", "Cased_Letter");
        Add([UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter, UnicodeCategory.ModifierLetter, UnicodeCategory.OtherLetter], "L", "Letter");
        Add([UnicodeCategory.NonSpacingMark, UnicodeCategory.SpacingCombiningMark, UnicodeCategory.EnclosingMark], "M", "Mark", "Combining_Mark");
        Add([UnicodeCategory.DecimalDigitNumber, UnicodeCategory.LetterNumber, UnicodeCategory.OtherNumber], "N", "Number");
        Add([UnicodeCategory.ConnectorPunctuation, UnicodeCategory.DashPunctuation, UnicodeCategory.OpenPunctuation, UnicodeCategory.ClosePunctuation,
             UnicodeCategory.InitialQuotePunctuation, UnicodeCategory.FinalQuotePunctuation, UnicodeCategory.OtherPunctuation], "P", "Punctuation", "punct");
        Add([UnicodeCategory.MathSymbol, UnicodeCategory.CurrencySymbol, UnicodeCategory.ModifierSymbol, UnicodeCategory.OtherSymbol], "S", "Symbol");
        Add([UnicodeCategory.SpaceSeparator, UnicodeCategory.LineSeparator, UnicodeCategory.ParagraphSeparator], "Z", "Separator");
        Add([UnicodeCategory.Control, UnicodeCategory.Format, UnicodeCategory.Surrogate, UnicodeCategory.PrivateUse, UnicodeCategory.OtherNotAssigned], "C", "Other");
        return d;
    }
}
