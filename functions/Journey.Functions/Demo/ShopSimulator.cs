using MathNet.Numerics.Distributions;

namespace Journey.Functions.Demo;

/// <summary>An acquisition channel of the simulated shop and how good its visitors are.</summary>
/// <param name="Name">What the pipeline should credit (for the test that checks it).</param>
/// <param name="Share">Share of first visits.</param>
/// <param name="BounceRate">Share of first visits that view one page and leave.</param>
/// <param name="BuyRate">Share of the visitors who stay that place a first order.</param>
/// <param name="PurchaseRate">Mean repeat orders per year of a customer while active (BG/NBD's λ is Gamma-distributed around it).</param>
/// <param name="OrderValue">Mean order value.</param>
public sealed record DemoChannel(string Name, double Share, string? Referrer, string? Utm, double BounceRate, double BuyRate, double PurchaseRate, double OrderValue);

/// <summary>A device class of the simulated visitors.</summary>
public sealed record DemoDevice(string Name, double Share, string UserAgent, double BuyFactor);

/// <summary>
/// The simulated shop's parameters (<c>--demo</c>): fixed seed by default, so every run sends the same shop.
/// Repeat buying follows the BG/NBD story (a Gamma-distributed purchase rate per customer, a
/// Beta-distributed chance to drop out after each order), so the CLV models have what they assume.
/// </summary>
public sealed record DemoShopParameters
{
    public int Seed { get; init; } = 20261122;

    /// <summary>First visits spread over this many days before today.</summary>
    public int Days { get; init; } = 365;

    public int Visitors { get; init; } = 4000;

    /// <summary>Of those, first visits in the last two days, recent enough for the real-time action rules.</summary>
    public int RecentVisitors { get; init; } = 60;

    /// <summary>BG/NBD shape of the purchase rate (smaller: more spread between customers).</summary>
    public double PurchaseRateShape { get; init; } = 2;

    /// <summary>Beta(a, b) of the chance to drop out after each order (mean a / (a + b)).</summary>
    public double DropoutA { get; init; } = 1;
    public double DropoutB { get; init; } = 3;

    public double CancelRate { get; init; } = 0.05;
    public double ReturnRate { get; init; } = 0.08;
    public double ReviewRate { get; init; } = 0.3;

    /// <summary>Of the orders, those followed by a CSAT survey answer (score 1-5) two days later.</summary>
    public double SurveyRate { get; init; } = 0.2;

    /// <summary>Of the orders, those whose product the customer shares (<c>Product Shared</c>) a day later.</summary>
    public double ShareRate { get; init; } = 0.05;
    public double CartAbandonRate { get; init; } = 0.5;

    /// <summary>The channels, best last: email brings the most loyal customers, paid social the least.</summary>
    public IReadOnlyList<DemoChannel> Channels { get; init; } =
    [
        new("paid social", 0.2, "https://www.facebook.com/", "utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget", 0.6, 0.08, 1.0, 45),
        new("organic social", 0.12, "https://www.instagram.com/", null, 0.5, 0.1, 1.5, 50),
        new("paid search", 0.2, "https://www.google.com/", "utm_source=google&utm_medium=cpc&utm_campaign=spring", 0.4, 0.16, 2.0, 60),
        new("organic search", 0.2, "https://www.google.com/", null, 0.4, 0.14, 2.5, 60),
        new("referral", 0.08, "https://blog.example.org/best-shoes", null, 0.35, 0.18, 3.0, 65),
        new("direct", 0.12, null, null, 0.3, 0.2, 3.5, 70),
        new("email", 0.08, null, "utm_source=newsletter&utm_medium=email&utm_campaign=weekly", 0.2, 0.3, 5.0, 80),
    ];

    public IReadOnlyList<DemoDevice> Devices { get; init; } =
    [
        new("desktop", 0.45, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", 1.2),
        new("mobile", 0.45, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 0.8),
        new("tablet", 0.1, "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", 1.0),
    ];
}

/// <summary>One event of a simulated visitor, as a Segment call (type, event name, properties, time).</summary>
public sealed record DemoEvent(string Type, string? Name, object? Properties, DateTimeOffset At, bool Identified);

/// <summary>One simulated person: how they first came (the pixel hit) and everything they did afterwards.</summary>
public sealed record DemoVisitor(
    string AnonymousId, string UserId, string FirstName, DemoChannel Channel, DemoDevice Device, DateTimeOffset FirstVisit, IReadOnlyList<DemoEvent> Events)
{
    public string LandingUrl => "https://shop.example/" + (Channel.Utm is null ? "" : "?" + Channel.Utm);
}

/// <summary>
/// Simulates the demo shop's visitors, pure: the same parameters and "now" give the same visitors. Each
/// visitor arrives through a channel and a device, bounces or browses, may fill a cart and leave it, may
/// order (first order, then repeat orders by the BG/NBD process until they drop out or today comes),
/// cancels, returns, reviews with text, opens and clicks emails, refers friends.
/// </summary>
public static class ShopSimulator
{
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Niklaus"];
    private static readonly (string Id, string Name, string Category, double Price)[] Products =
    [
        ("p01", "Trail running shoe", "shoes", 89.9), ("p02", "Leather boot", "shoes", 129), ("p03", "Canvas sneaker", "shoes", 49.5),
        ("p04", "Merino T-shirt", "shirts", 39), ("p05", "Linen shirt", "shirts", 55), ("p06", "Rain jacket", "outerwear", 149),
        ("p07", "Down vest", "outerwear", 99), ("p08", "Wool socks (3 pairs)", "accessories", 19.9), ("p09", "Leather belt", "accessories", 35),
        ("p10", "Sun hat", "accessories", 25),
    ];
    private static readonly string[] ShareVia = ["whatsapp", "facebook", "email", "link"];

    private static readonly string[] CancelReasons = ["Found it cheaper elsewhere", "Delivery date too late", "Ordered the wrong size", "Changed my mind"];
    private static readonly string[] ReturnReasons = ["Runs small, had to send it back", "Colour was different from the photos", "Arrived damaged", "Too big"];
    private static readonly (int Rating, string Text)[] Reviews =
    [
        (5, "Great quality and fast delivery, will buy again."), (5, "Fits perfectly and looks great."), (4, "Good value, comfortable from day one."),
        (2, "Runs small, I had to return it for a bigger size."), (1, "The delivery took almost three weeks and nobody answered my emails."),
        (2, "The sizing chart is wrong, the shoes are a full size smaller."), (3, "Nice, but the colour is not what the photos show."),
        (1, "Checkout kept failing with my card, took four tries."),
    ];

    public static IReadOnlyList<DemoVisitor> Simulate(DemoShopParameters parameters, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var random = new Random(parameters.Seed);
        var visitors = new List<DemoVisitor>(parameters.Visitors);
        for (var i = 0; i < parameters.Visitors; i++)
        {
            var recent = i >= parameters.Visitors - parameters.RecentVisitors;
            var firstVisit = recent
                ? now.AddMinutes(-random.Next(60, 60 * 47))
                : now.AddDays(-parameters.Days).AddMinutes(random.Next(0, 60 * 24 * (parameters.Days - 2)));
            visitors.Add(Visitor(parameters, random, new Random(parameters.Seed + 1 + i), i, firstVisit, now, recent));
        }
        return visitors;
    }

    /// <param name="extras">The draws of the survey answers and shares, apart from the shop's own, so that adding them left the other draws as they were.</param>
    private static DemoVisitor Visitor(DemoShopParameters p, Random random, Random extras, int index, DateTimeOffset firstVisit, DateTimeOffset now, bool recent)
    {
        var channel = Pick(random, p.Channels, c => c.Share);
        var device = Pick(random, p.Devices, d => d.Share);
        var person = new Person(p, random, extras, $"demo-user-{index:D4}", channel, firstVisit);
        var visitor = new DemoVisitor($"demo-anon-{index:D4}", person.UserId, FirstNames[index % FirstNames.Length], channel, device, firstVisit, person.Events);
        if (random.NextDouble() < channel.BounceRate) return visitor; // the pixel's page view and nothing more

        var product = Products[random.Next(Products.Length)];
        person.Add("track", "Product Viewed", ProductProperties(product));
        for (var v = random.Next(0, 4); v > 0; v--) person.Add("track", "Product Viewed", ProductProperties(Products[random.Next(Products.Length)]));
        if (random.NextDouble() < 0.15) person.Add("page", null, new { path = "/pages/size-guide" });
        if (random.NextDouble() < 0.1) person.Add("track", "Products Searched", new { query = product.Category });

        var buys = random.NextDouble() < Math.Min(0.95, channel.BuyRate * device.BuyFactor);
        if (!buys && random.NextDouble() >= 0.35) return visitor;
        person.Add("track", "Product Added", CartLine(product, 1));
        if (!buys)
        {
            // A cart left behind: most stay so; some come back to it another day and order.
            if (recent || random.NextDouble() < p.CartAbandonRate) return visitor;
            person.Add("track", "Cart Viewed", null, minutes: 60 * 24 * random.Next(1, 4));
        }
        person.Add("identify", null, new { email = $"{person.UserId}@example.test", firstName = visitor.FirstName }, identified: true);
        person.Add("track", "Checkout Started", new { value = product.Price }, identified: true);
        person.Order(product, first: true);
        if (!recent) person.RepeatUntil(now);
        return visitor;
    }

    /// <summary>One simulated person's events as they are made, with the clock of their journey.</summary>
    private sealed class Person(DemoShopParameters p, Random random, Random extras, string userId, DemoChannel channel, DateTimeOffset firstVisit)
    {
        private DateTimeOffset _t = firstVisit;
        private int _orders;

        public string UserId => userId;
        public List<DemoEvent> Events { get; } = [];

        public void Add(string type, string? name, object? properties = null, bool identified = false, double minutes = 2)
        {
            _t = _t.AddMinutes(minutes * (0.5 + random.NextDouble()));
            Events.Add(new DemoEvent(type, name, properties, _t, identified));
        }

        public void Order((string Id, string Name, string Category, double Price) product, bool first)
        {
            var quantity = random.NextDouble() < 0.2 ? 2 : 1;
            var value = Math.Round(Math.Max(5, Gamma.Sample(random, 4, 4 / channel.OrderValue)), 2);
            var orderId = $"{userId}-{++_orders}";
            Add("track", "Order Completed", new
            {
                order_id = orderId,
                revenue = value,
                products = new[] { new { product_id = product.Id, name = product.Name, category = product.Category, price = Math.Round(value / quantity, 2), quantity } },
            }, identified: true);
            if (random.NextDouble() < p.CancelRate)
                Add("track", "Order Cancelled", new { order_id = orderId, total = value, reason = CancelReasons[random.Next(CancelReasons.Length)] }, identified: true, minutes: 45);
            else if (random.NextDouble() < p.ReturnRate)
                Add("track", "Order Refunded", new { order_id = orderId, total = value, reason = ReturnReasons[random.Next(ReturnReasons.Length)] }, identified: true, minutes: 60 * 24 * 6);
            else if (random.NextDouble() < p.ReviewRate * (first ? 1 : 0.5))
            {
                // Loyal channels write kinder reviews.
                var review = Reviews[random.NextDouble() < channel.PurchaseRate / 6 ? random.Next(0, 3) : random.Next(Reviews.Length)];
                Add("track", "Product Reviewed", new { product_id = product.Id, rating = review.Rating, review_body = review.Text }, identified: true, minutes: 60 * 24 * 4);
            }
            // The survey answers and shares come later than the order; the journey's clock stays where it is.
            if (extras.NextDouble() < p.SurveyRate)
            {
                var score = extras.NextDouble() < 0.75 ? extras.Next(4, 6) : extras.Next(1, 4); // most are satisfied
                Events.Add(new DemoEvent("track", "Feedback Submitted", new { order_id = orderId, score, survey = "csat" }, _t.AddDays(2), Identified: true));
            }
            if (extras.NextDouble() < p.ShareRate)
            {
                Events.Add(new DemoEvent("track", "Product Shared", new { product_id = product.Id, name = product.Name, share_via = ShareVia[extras.Next(ShareVia.Length)] }, _t.AddDays(1), Identified: true));
            }
        }

        /// <summary>After the first order: referrals, email engagement and repeat orders by the BG/NBD process until the customer drops out or today comes.</summary>
        public void RepeatUntil(DateTimeOffset now)
        {
            var ratePerDay = Gamma.Sample(random, p.PurchaseRateShape, p.PurchaseRateShape / channel.PurchaseRate) / 365.0;
            var dropout = Beta.Sample(random, p.DropoutA, p.DropoutB);
            if (random.NextDouble() < 0.1) Add("track", "Referral Sent", new { channel = "email" }, identified: true, minutes: 60 * 24);
            // BG/NBD: exponential gaps at the customer's rate; after each repeat order, a chance to drop out for good.
            do
            {
                var gapDays = Exponential.Sample(random, Math.Max(ratePerDay, 1e-4));
                if (_t.AddDays(gapDays + 1) >= now) return;
                if (random.NextDouble() < 0.5)
                {
                    Add("track", "Email Opened", new { campaign = "weekly" }, identified: true, minutes: 60 * 24 * gapDays * 0.8);
                    if (random.NextDouble() < 0.4) Add("track", "Email Link Clicked", new { campaign = "weekly", link_id = "new-arrivals" }, identified: true);
                }
                else
                {
                    _t = _t.AddDays(gapDays * 0.8);
                }
                var product = Products[random.Next(Products.Length)];
                Add("track", "Product Viewed", ProductProperties(product), identified: true, minutes: 60 * 24 * gapDays * 0.2);
                Add("track", "Product Added", CartLine(product, 1), identified: true);
                Order(product, first: false);
            }
            while (random.NextDouble() >= dropout);
        }
    }

    private static object ProductProperties((string Id, string Name, string Category, double Price) product) =>
        new { product_id = product.Id, name = product.Name, category = product.Category, price = product.Price };

    private static object CartLine((string Id, string Name, string Category, double Price) product, int quantity) =>
        new { product_id = product.Id, name = product.Name, category = product.Category, price = product.Price, quantity };

    private static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var x = random.NextDouble() * items.Sum(weight);
        foreach (var item in items)
        {
            x -= weight(item);
            if (x < 0) return item;
        }
        return items[^1];
    }
}
