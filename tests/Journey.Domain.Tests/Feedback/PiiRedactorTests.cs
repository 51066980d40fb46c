using Journey.Domain.Feedback;

namespace Journey.Domain.Tests.Feedback;

public sealed class PiiRedactorTests
{
    private static string R(string text, params string[] terms) => PiiRedactor.Redact(text, terms);

    // ---- emails --------------------------------------------------------------------------------

    [Theory]
    [InlineData("write to jane.doe+shop@example.co.uk please", "write to [email] please")]
    [InlineData("Mail: J_Smith-99@mail.example.com.", "Mail: [email].")]
    [InlineData("(anna@example.de)", "([email])")]
    [InlineData("two: a@b.io, c.d@e.org", "two: [email], [email]")]
    [InlineData("josé.garcía@correo.es gracias", "[email] gracias")]
    public void Email_IsReplaced(string text, string expected) => Assert.Equal(expected, R(text));

    [Theory]
    [InlineData("follow @shopname on insta")]
    [InlineData("5 @ $10 each")]
    [InlineData("me@home is where i wear it")]
    public void AtSignWithoutAnAddress_IsKept(string text) => Assert.Equal(text, R(text));

    // ---- phone numbers ---------------------------------------------------------------------------

    [Theory]
    [InlineData("call me at +1 (555) 123-4567 today", "call me at [phone] today")]
    [InlineData("call me at +44 20 7946 0958.", "call me at [phone].")]
    [InlineData("ring +33 6 12 34 56 78 or not", "ring [phone] or not")]
    [InlineData("+49 (0)30 1234567", "[phone]")]
    [InlineData("+4915112345678", "[phone]")]
    [InlineData("0044 20 7946 0958", "[phone]")]
    [InlineData("my cell is (555) 123-4567", "my cell is [phone]")]
    [InlineData("(see 555-123-4567)", "(see [phone])")]
    [InlineData("555.123.4567", "[phone]")]
    [InlineData("555 123 4567", "[phone]")]
    [InlineData("555-1234 after 5", "[phone] after 5")]
    [InlineData("06 12 34 56 78", "[phone]")]
    [InlineData("020 7946 0958", "[phone]")]
    [InlineData("030/1234567", "[phone]")]
    [InlineData("text 5551234567 anytime", "text [phone] anytime")]
    [InlineData("tel. 612 345 678", "tel. [phone]")]
    [InlineData("номер +7 912 345-67-89, спасибо", "номер [phone], спасибо")]
    [InlineData("電話は090-1234-5678です", "電話は[phone]です")]
    public void Phone_IsReplaced(string text, string expected) => Assert.Equal(expected, R(text));

    [Theory]
    [InlineData("I ordered a size 10 and it took 2 weeks to arrive")]
    [InlineData("Paid $49.99, was $129.00 before; 30% off")]
    [InlineData("I've been shopping here since 2019 and bought 3 of these")]
    [InlineData("order #12345 arrived on 2019-05-12, reordered 12.05.2019 and 5/12/2019")]
    [InlineData("I'm 5'4\" and 130 lbs, 34B, usually a 2 or 4")]
    [InlineData("measurements 36-28-38, waist 27\"")]
    [InlineData("sizes 34 36 38 40 all ran small")]
    [InlineData("wore it from 2018-2020 and 1998 / 2004")]
    [InlineData("order 1234567 was late")]
    [InlineData("it costs 12345.67 rubles or 1.234.567 or 1 000 000 or 250 000 000")]
    [InlineData("10:30-11:45, 4/5 stars, 100-200 items, 3x4 cm")]
    [InlineData("Order no. 123456, item 9876543")]
    [InlineData("a version 10.2.3.4 of the app")]
    public void OrdinaryNumbers_AreKept(string text) => Assert.Equal(text, R(text));

    // ---- card numbers ----------------------------------------------------------------------------

    [Theory]
    [InlineData("card 4111 1111 1111 1111 was charged twice", "card [card] was charged twice")]
    [InlineData("4111-1111-1111-1111", "[card]")]
    [InlineData("4111111111111111", "[card]")]
    [InlineData("amex 3782 822463 10005.", "amex [card].")]
    [InlineData("5555555555554444 and 4012888888881881", "[card] and [card]")]
    [InlineData("19 digits 6011 0009 9013 9424 124", "19 digits [card]")]
    [InlineData("card 4111111111111111 10 times, 4111 1111 1111 1111 2019", "card [card] 10 times, [card] 2019")]
    public void LuhnValidCard_IsReplaced(string text, string expected)
    {
        Assert.True(PiiRules.PassesLuhn(expected == "[card]" ? text : "4111111111111111"));
        Assert.Equal(expected, R(text));
    }

    [Theory]
    [InlineData("4111 1111 1111 1112")]          // 16 digits, Luhn fails
    [InlineData("tracking 1234567890123456")]    // 16 digits, Luhn fails
    [InlineData("1234-5678-9012-3456-789")]      // 19 digits, Luhn fails
    public void SixteenToNineteenDigits_FailingLuhn_AreNeitherCardNorPhone(string text)
    {
        Assert.False(PiiRules.PassesLuhn(text));
        Assert.Equal(text, R(text));
    }

    [Fact]
    public void ThirteenToFifteenDigits_FailingLuhn_InAPhoneShape_AreAPhoneNumber()
    {
        const string text = "4111 1111 1111 112";
        Assert.False(PiiRules.PassesLuhn(text));
        Assert.Equal("[phone]", R(text));
    }

    [Fact]
    public void Luhn_KnownValues()
    {
        Assert.True(PiiRules.PassesLuhn("79927398713"));
        Assert.False(PiiRules.PassesLuhn("79927398710"));
        Assert.True(PiiRules.PassesLuhn("0"));
    }

    // ---- IBANs -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("refund to DE89 3704 0044 0532 0130 00 please", "refund to [iban] please")]
    [InlineData("DE89370400440532013000", "[iban]")]
    [InlineData("iban: GB82 WEST 1234 5698 7654 32.", "iban: [iban].")]
    [InlineData("gb82west12345698765432", "[iban]")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606", "[iban]")]
    [InlineData("NO93 8601 1117 947", "[iban]")]
    [InlineData("Konto CH93 0076 2011 6238 5295 7, danke", "Konto [iban], danke")]
    public void ValidIban_IsReplaced(string text, string expected) => Assert.Equal(expected, R(text));

    [Theory]
    [InlineData("DE88 3704 0044 0532 0130 00")]   // check digits wrong
    [InlineData("DE89 3704 0044 0532 0130 01")]   // one digit changed
    [InlineData("DE89 3704 0044 0532 0130")]      // too short for DE
    [InlineData("AB12CDEF34567890 is the style code")]
    public void InvalidIban_IsKept(string text)
    {
        Assert.False(PiiRules.IsIban(text.Split(" is ")[0]));
        Assert.Equal(text, R(text));
    }

    // ---- URLs --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("see https://shop.example/dresses")]
    [InlineData("see https://shop.example/dresses/summer-maxi-2019.")]
    [InlineData("www.shop.example/size-guide#fit is useful")]
    [InlineData("(https://shop.example/)")]
    [InlineData("is https://shop.example/dresses?")]
    public void PlainUrl_IsKept(string text) => Assert.Equal(text, R(text));

    [Theory]
    [InlineData("track it: https://shop.example/orders?id=123&email=x", "track it: [url]")]
    [InlineData("https://app.example/cb#access_token=abc.def&state=1 worked", "[url] worked")]
    [InlineData("reset via https://shop.example/reset/9f8e7d6c5b4a39281706f5e4d3c2b1a0.", "reset via [url].")]
    [InlineData("www.shop.example/u/550e8400-e29b-41d4-a716-446655440000 (mine)", "[url] (mine)")]
    [InlineData("https://user:secret@shop.example/", "[url]")]
    [InlineData("http://shop.example/unsubscribe/jane%40example.com", "[url]")]
    [InlineData("https://t.example/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0", "[url]")]
    public void UrlWithQueryOrToken_IsReplaced(string text, string expected) => Assert.Equal(expected, R(text));

    // ---- the customer's own terms -----------------------------------------------------------------

    [Fact]
    public void OwnNameAndEmail_AreReplaced_WholeWord_CaseInsensitive()
    {
        var terms = new[] { "Jane Doe", "jane.doe@example.com" };
        Assert.Equal("Hi, [name] here; write to [email]", R("Hi, jane doe here; write to JANE.DOE@example.com", terms));
        Assert.Equal("[name] loved it. Signed, [name]", R("Jane loved it. Signed, Doe", terms));
        Assert.Equal("Janet and Doerte are not her", R("Janet and Doerte are not her", terms));
    }

    [Fact]
    public void OwnEmail_NotCaughtByThePattern_IsStillReplaced()
    {
        // An intranet address without a dot in the domain: the pattern does not see it, the trait does.
        Assert.Equal("write to [email] now", R("write to jane@localhost now", "jane@localhost"));
    }

    [Fact]
    public void WordsOfAFullName_AreReplacedOnlyWhenCapitalised_WholeTermsAlways()
    {
        var terms = new[] { "May Rose" };
        Assert.Equal("I may return it; [name] did. [name]'s dress. [name]", R("I may return it; May did. Rose's dress. may rose", terms));
        // A first name passed on its own is matched in any case.
        Assert.Equal("[name] wrote this, [name] did", R("may wrote this, May did", "May"));
    }

    [Fact]
    public void ShortOrEmptyTerms_AreIgnored()
    {
        Assert.Equal("J. Smith liked it", R("J. Smith liked it", "J", "", " ", "S"));
        Assert.Equal("x [name]", R("x Lu", "Lu"));
    }

    [Fact]
    public void NonEnglishNames_MatchCaseInsensitively()
    {
        Assert.Equal("Merci, [name] !", R("Merci, ZOÉ !", "Zoé"));
        Assert.Equal("Спасибо, [name]!", R("Спасибо, ольга!", "Ольга"));
        Assert.Equal("[name]さん、ありがとう", R("山田さん、ありがとう", "山田"));
    }

    [Fact]
    public void TermsThatLookLikePlaceholders_DoNotEatPlaceholders()
    {
        var terms = new[] { "Email Phone", "name", "[url]" };
        var once = R("call +44 20 7946 0958 or a@b.io; my name is Name", terms);
        Assert.Equal("call [phone] or [email]; my [name] is [name]", once);
        Assert.Equal(once, R(once, terms));
    }

    // ---- everything together, determinism, idempotence ----------------------------------------

    private const string Mixed =
        "Hi, I'm Jane Doe (jane.doe@example.com, +1 555 123 4567). Card 4111 1111 1111 1111 was charged " +
        "twice for my size 10 dress ($49.99, order #12345, 2019-05-12). Refund to DE89 3704 0044 0532 0130 00. " +
        "Tracking: https://ship.example/t?n=1Z999AA10123456784 — see https://shop.example/dresses.";

    [Fact]
    public void Mixed_EveryKindIsReplaced_OrdinaryNumbersKept()
    {
        Assert.Equal(
            "Hi, I'm [name] ([email], [phone]). Card [card] was charged " +
            "twice for my size 10 dress ($49.99, order #12345, 2019-05-12). Refund to [iban]. " +
            "Tracking: [url] — see https://shop.example/dresses.",
            R(Mixed, "Jane Doe", "jane.doe@example.com"));
    }

    [Fact]
    public void Find_ReportsTheSpansInOrder()
    {
        var spans = PiiRedactor.Find(Mixed, ["Jane Doe"]);
        Assert.Equal(
            [PiiRedactor.Name, PiiRedactor.Email, PiiRedactor.Phone, PiiRedactor.Card, PiiRedactor.Iban, PiiRedactor.Url],
            spans.Select(s => s.Placeholder));
        Assert.Equal("Jane Doe", Mixed.Substring(spans[0].Start, spans[0].Length));
        Assert.Equal("+1 555 123 4567", Mixed.Substring(spans[2].Start, spans[2].Length));
    }

    [Fact]
    public void RedactingTwice_IsRedactingOnce()
    {
        string[] terms = ["Jane Doe", "jane.doe@example.com"];
        var once = R(Mixed, terms);
        Assert.Equal(once, R(once, terms));
        Assert.Empty(PiiRedactor.Find(once, terms));
    }

    [Fact]
    public void OverlappingFinds_AreMergedSoNothingOfEitherSurvives()
    {
        // The name "Doe 555" (a trait with digits) overlaps the phone number that starts inside it.
        Assert.Equal("call [name] now", R("call Doe 555 123 4567 now", "Doe 555"));
        // The email found by the pattern holds the name term: one placeholder, the email's.
        Assert.Equal("[email]", R("jane.doe@example.com", "Jane Doe"));
    }

    [Fact]
    public void PlaceholdersAlone_AreNeverMatched()
    {
        const string text = "[email] [phone] [card] [iban] [url] [name]";
        Assert.Empty(PiiRedactor.Find(text, ["email", "phone", "card", "iban", "url", "name"]));
    }

    [Theory]
    [InlineData("Très belle robe, la taille est parfaite ! Reçue en 3 jours.")]
    [InlineData("Отличное платье, размер 44 подошёл идеально, доставка 5 дней.")]
    [InlineData("とても良いです。サイズはMで、3日で届きました。")]
    [InlineData("非常好看的连衣裙，尺码38刚好。")]
    [InlineData("Ελληνικά: πολύ ωραίο φόρεμα 👗✨, 10/10")]
    [InlineData("")]
    public void NonEnglishText_IsIntact(string text)
    {
        Assert.Same(text, PiiRedactor.Redact(text, ["Jane Doe"]));
    }

    [Fact]
    public void TextWithoutCandidates_IsReturnedAsItIs()
    {
        const string text = "Lovely dress, runs a little small, I would size up.";
        Assert.Same(text, PiiRedactor.Redact(text, []));
    }

    [Fact]
    public void NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => PiiRedactor.Redact(null!, []));
        Assert.Throws<ArgumentNullException>(() => PiiRedactor.Redact("x", null!));
    }

    // ---- random cards ----------------------------------------------------------------------------

    [Fact]
    public void RandomLuhnValidCards_InRandomText_NeverSurvive()
    {
        var random = new Random(20261205);
        string[] words = ["size", "10", "dress", "the", "2 weeks", "$49.99", "love", "é", "ß", "日本", "—", "(", ")", ",", ".", "2019", "order", "#12"];
        string[] separators = [" ", "-", ""];
        for (var run = 0; run < 2000; run++)
        {
            var length = random.Next(PiiRules.MinCardDigits, PiiRules.MaxCardDigits + 1);
            var digits = LuhnValid(random, length);
            var separator = separators[random.Next(separators.Length)];
            var card = string.Join(separator, digits.Chunk(4).Select(c => new string(c)));
            var before = string.Join(' ', Enumerable.Range(0, random.Next(0, 6)).Select(_ => words[random.Next(words.Length)]));
            var after = string.Join(' ', Enumerable.Range(0, random.Next(0, 6)).Select(_ => words[random.Next(words.Length)]));
            var text = $"{before} {card} {after}";

            var redacted = PiiRedactor.Redact(text, []);

            Assert.DoesNotContain(card, redacted, StringComparison.Ordinal);
            Assert.DoesNotContain(digits, new string(redacted.Where(char.IsAsciiDigit).ToArray()), StringComparison.Ordinal);
            Assert.True(redacted.Contains(PiiRedactor.Card, StringComparison.Ordinal), $"{text} -> {redacted}");
        }
    }

    private static string LuhnValid(Random random, int length)
    {
        var digits = new char[length];
        digits[0] = (char)('1' + random.Next(9));
        for (var i = 1; i < length - 1; i++) digits[i] = (char)('0' + random.Next(10));
        for (var check = 0; check < 10; check++)
        {
            digits[^1] = (char)('0' + check);
            if (PiiRules.PassesLuhn(digits)) break;
        }
        return new string(digits);
    }
}
