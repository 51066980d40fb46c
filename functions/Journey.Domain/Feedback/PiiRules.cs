namespace Journey.Domain.Feedback;

/// <summary>
/// The checks behind <see cref="PiiRedactor"/>: which candidate the pattern found is personal data,
/// and which placeholder it gets. Card numbers pass the Luhn check, IBANs the ISO 13616 mod-97 check
/// and their country's length; a digit run is a phone number unless it reads as a date, a year range,
/// a decimal or thousands-grouped amount, or a list of small numbers (sizes).
/// </summary>
internal static class PiiRules
{
    public const int MinPhoneDigits = 7;
    public const int MaxPhoneDigits = 15;

    /// <summary>A run without separators is a phone number from this many digits on (shorter: an order or item number).</summary>
    public const int MinUngroupedPhoneDigits = 9;

    /// <summary>An international number (+…) has at least this many digits.</summary>
    public const int MinInternationalDigits = 8;

    public const int MinCardDigits = 13;
    public const int MaxCardDigits = 19;

    /// <summary>More groups than this (without a +) is a list of numbers, not one phone number.</summary>
    public const int MaxPhoneGroups = 6;

    private const int MaxGroups = 32;

    /// <summary>IBAN lengths by country (the IBAN registry); another two-letter code is checked with 15-34.</summary>
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22,
        ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28,
        ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20,
        ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27,
        ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15,
        ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24,
        ["SC"] = 31, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23,
        ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    };

    /// <summary>
    /// The part of a candidate to classify: a closing parenthesis at the end without its opening one
    /// (or an opening one at the start without its closing one) is the text's, not the number's.
    /// </summary>
    public static (int Start, int Length) Balance(ReadOnlySpan<char> candidate)
    {
        var start = 0;
        var length = candidate.Length;
        if (length > 1 && candidate[0] == '(' && !candidate.Contains(')')) { start = 1; length--; }
        if (length > 1 && candidate[start + length - 1] == ')' && !candidate.Slice(start, length).Contains('(')) length--;
        return (start, length);
    }

    private static (int, int, string) Whole(ReadOnlySpan<char> s, string placeholder) => (0, s.Length, placeholder);

    // ---- numbers ------------------------------------------------------------------------------

    /// <summary>
    /// What of a run of digits is personal data: the stretch (relative to the run; the whole of it
    /// except when a card number is found inside a longer run of numbers) and its placeholder; null
    /// when nothing is.
    /// </summary>
    public static (int Start, int Length, string Placeholder)? ClassifyNumber(ReadOnlySpan<char> s)
    {
        Span<int> starts = stackalloc int[MaxGroups];
        Span<int> lengths = stackalloc int[MaxGroups];
        var groups = 0;
        var digits = 0;
        var hasParen = false;
        var onlySpaceOrDash = true;
        for (var i = 0; i < s.Length;)
        {
            if (char.IsAsciiDigit(s[i]))
            {
                var from = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                if (groups == MaxGroups) return null;
                starts[groups] = from;
                lengths[groups++] = i - from;
                digits += i - from;
                continue;
            }
            if (s[i] is '(' or ')') hasParen = true;
            else if (s[i] is not (' ' or '-') || i == 0) onlySpaceOrDash = false;
            i++;
        }
        if (digits < MinPhoneDigits) return null;

        var international = s[0] == '+';
        if (digits is >= MinCardDigits and <= MaxCardDigits && s[0] != '0' && !international && !hasParen && onlySpaceOrDash && PassesLuhn(s))
            return Whole(s, PiiRedactor.Card);
        if (digits > MinCardDigits && groups > 1 && !international && CardInside(s, starts[..groups], lengths[..groups]) is { } card)
            return card;
        return Phone(s, starts[..groups], lengths[..groups], digits, international, hasParen) ? Whole(s, PiiRedactor.Phone) : null;
    }

    private static bool Phone(ReadOnlySpan<char> s, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, int digits, bool international, bool hasParen)
    {
        if (digits > MaxPhoneDigits) return false;
        if (international) return digits >= MinInternationalDigits;
        if (starts.Length == 1) return digits >= MinUngroupedPhoneDigits;
        if (hasParen) return true;
        var g = new Groups(s, starts, lengths);
        return !(g.IsDate || g.IsYearList || g.IsDecimal || g.IsThousands || g.AllSmall(digits) || g.HasFraction || starts.Length > MaxPhoneGroups);
    }

    /// <summary>
    /// A card number run together with the numbers around it ("4111 1111 1111 1111 2019"): a run of
    /// whole groups joined by single spaces or dashes, not starting with 0 (no card number does, and
    /// leading zeros do not change the Luhn sum), with 13-19 digits that passes the Luhn check; 16
    /// digits (most cards) is preferred, then 15 (American Express), then the longest, then the first.
    /// </summary>
    private static (int, int, string)? CardInside(ReadOnlySpan<char> s, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths)
    {
        (int Start, int Length, int Score)? best = null;
        for (var i = 0; i < starts.Length; i++)
        {
            if (s[starts[i]] == '0') continue;
            var digits = 0;
            for (var j = i; j < starts.Length; j++)
            {
                if (j > i)
                {
                    var gap = starts[j] - (starts[j - 1] + lengths[j - 1]);
                    if (gap != 1 || s[starts[j] - 1] is not (' ' or '-')) break;
                }
                digits += lengths[j];
                if (digits > MaxCardDigits) break;
                var score = digits switch { 16 => 100, 15 => 99, _ => digits };
                if (digits < MinCardDigits || (best is { } b && b.Score >= score)) continue;
                var end = starts[j] + lengths[j];
                if (PassesLuhn(s[starts[i]..end])) best = (starts[i], end - starts[i], score);
            }
        }
        return best is { } found ? (found.Start, found.Length, PiiRedactor.Card) : null;
    }

    /// <summary>The Luhn check over the digits of <paramref name="s"/> (other characters skipped).</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> s)
    {
        var sum = 0;
        var doubled = false;
        for (var i = s.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(s[i])) continue;
            var d = s[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /// <summary>The digit groups of a candidate and the separators between them.</summary>
    private readonly ref struct Groups(ReadOnlySpan<char> text, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths)
    {
        private readonly ReadOnlySpan<char> text = text;
        private readonly ReadOnlySpan<int> starts = starts;
        private readonly ReadOnlySpan<int> lengths = lengths;

        private int Count => starts.Length;

        /// <summary>The separator before group <paramref name="i"/> (i ≥ 1) without spaces: '.', '-', '/', or ' ' for a space alone.</summary>
        private char Separator(int i)
        {
            var gap = text[(starts[i - 1] + lengths[i - 1])..starts[i]].Trim();
            return gap.Length == 0 ? ' ' : gap[0];
        }

        private bool SameSeparator(out char separator)
        {
            separator = Separator(1);
            for (var i = 2; i < Count; i++)
                if (Separator(i) != separator) return false;
            return true;
        }

        private ReadOnlySpan<char> Group(int i) => text.Slice(starts[i], lengths[i]);

        /// <summary>2019-05-12, 12.05.2019, 5/12/2019: three groups, one separator, a four-digit year first or last.</summary>
        public bool IsDate =>
            Count == 3 && SameSeparator(out var sep) && sep is '.' or '-' or '/'
            && ((lengths[0] == 4 && lengths[1] <= 2 && lengths[2] <= 2) || (lengths[0] <= 2 && lengths[1] <= 2 && lengths[2] is 4 or 2));

        /// <summary>2019-2020, 1998 / 2004: every group a year of 1900-2099.</summary>
        public bool IsYearList
        {
            get
            {
                for (var i = 0; i < Count; i++)
                {
                    var group = Group(i);
                    if (group.Length != 4 || !(group.StartsWith("19") || group.StartsWith("20"))) return false;
                }
                return true;
            }
        }

        /// <summary>12345.67: two groups, a dot, one or two decimals.</summary>
        public bool IsDecimal => Count == 2 && Separator(1) == '.' && lengths[1] <= 2;

        /// <summary>1.234.567, 1 234 567, 250 000 000: groups of three after the first, not a leading zero.</summary>
        public bool IsThousands
        {
            get
            {
                if (!SameSeparator(out var sep) || sep is not ('.' or ' ') || lengths[0] > 3 || text[starts[0]] == '0') return false;
                for (var i = 1; i < Count; i++)
                    if (lengths[i] != 3) return false;
                return sep == '.' || lengths[0] <= 2 || Group(Count - 1).SequenceEqual("000");
            }
        }

        /// <summary>39/28/35 140, 4/5 10/10: a slash between two groups of one or two digits (measurements, ratings, dates), which no phone number has.</summary>
        public bool HasFraction
        {
            get
            {
                for (var i = 1; i < Count; i++)
                    if (Separator(i) == '/' && lengths[i - 1] <= 2 && lengths[i] <= 2) return true;
                return false;
            }
        }

        /// <summary>34 36 38 40, 10-12-14: only one- and two-digit groups and fewer than ten digits: a list of sizes or a range.</summary>
        public bool AllSmall(int digits)
        {
            if (digits >= 10) return false;
            for (var i = 0; i < Count; i++)
                if (lengths[i] > 2) return false;
            return true;
        }
    }

    // ---- IBAN ---------------------------------------------------------------------------------

    /// <summary>Two letters, two check digits, the BBAN: its country's length and remainder 1 mod 97 (ISO 13616).</summary>
    public static bool IsIban(ReadOnlySpan<char> s)
    {
        Span<char> iban = stackalloc char[40];
        var n = 0;
        foreach (var c in s)
        {
            if (c == ' ') continue;
            if (n == iban.Length) return false;
            iban[n++] = char.ToUpperInvariant(c);
        }
        if (n < 15 || n > 34 || !char.IsAsciiLetterUpper(iban[0]) || !char.IsAsciiLetterUpper(iban[1]) || !char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3]))
            return false;
        var country = new string(iban[..2]);
        if (IbanLengths.TryGetValue(country, out var length) && length != n) return false;

        var remainder = 0;
        for (var i = 0; i < n; i++)
        {
            var c = iban[(i + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }
        return remainder == 1;
    }

    // ---- URLs ---------------------------------------------------------------------------------

    /// <summary>
    /// A link that may carry someone's data: a query string, a fragment with a value or a token,
    /// credentials before the host, an encoded email, or a path segment that looks random (letters and
    /// digits mixed over eight characters or more, ten digits or more, or a long mixed-case run).
    /// </summary>
    public static bool IsPrivateUrl(ReadOnlySpan<char> s)
    {
        var scheme = s.IndexOf("://");
        var rest = scheme >= 0 ? s[(scheme + 3)..] : s;
        var pathStart = rest.IndexOfAny('/', '?', '#');
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        if (authority.Contains('@')) return true;
        if (pathStart < 0) return false;

        var afterHost = rest[pathStart..];
        var query = afterHost.IndexOf('?');
        if (query >= 0 && query < afterHost.Length - 1) return true;
        var fragmentAt = afterHost.IndexOf('#');
        var path = fragmentAt >= 0 ? afterHost[..fragmentAt] : afterHost;
        if (query >= 0) path = path[..Math.Min(path.Length, query)];
        if (path.Contains("%40", StringComparison.OrdinalIgnoreCase)) return true;
        if (fragmentAt >= 0)
        {
            var fragment = afterHost[(fragmentAt + 1)..];
            if (fragment.ContainsAny('=', '&') || HasTokenRun(fragment)) return true;
        }
        return HasTokenRun(path);
    }

    private static bool HasTokenRun(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length)
        {
            if (!char.IsAsciiLetterOrDigit(s[i]))
            {
                i++;
                continue;
            }
            int from = i, letters = 0, digits = 0, upper = 0, lower = 0;
            for (; i < s.Length && char.IsAsciiLetterOrDigit(s[i]); i++)
            {
                if (char.IsAsciiDigit(s[i])) digits++;
                else if (char.IsAsciiLetterUpper(s[i])) { letters++; upper++; }
                else { letters++; lower++; }
            }
            var length = i - from;
            if ((length >= 8 && letters > 0 && digits > 0) || digits >= 10 || (length >= 20 && upper >= 3 && lower >= 3))
                return true;
        }
        return false;
    }
}
