using Journey.Adapters.Actions.Webhooks;
using Journey.Domain.Actions;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Tests.Actions;

public sealed class WebhookOptionsTests
{
    private static readonly string Secret = StandardWebhookSignerTests.NewSecret(32);
    private static readonly string OtherSecret = StandardWebhookSignerTests.NewSecret(24);

    [Fact]
    public void No_settings_is_valid_and_means_no_webhook()
    {
        var options = new WebhookOptions();

        Assert.Empty(options.Validate());
        Assert.Empty(options.Endpoints());
        Assert.Equal(TimeSpan.FromSeconds(10), options.WebhookTimeout);
    }

    [Fact]
    public void The_simple_settings_and_the_list_bind_from_app_settings_into_endpoints()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Actions:WebhookUrl"] = "https://shop.example/hooks/journey",
            ["Actions:WebhookSecret"] = Secret,
            ["Actions:WebhookTimeout"] = "00:00:05",
            ["Actions:Webhooks:0:Name"] = "crm",
            ["Actions:Webhooks:0:Url"] = "http://127.0.0.1:7071/crm",
            ["Actions:Webhooks:0:Secret"] = OtherSecret,
            ["Actions:Webhooks:0:Types:0"] = "cart.abandoned",
            ["Actions:Webhooks:0:Types:1"] = "order.cancelled",
        }).Build();
        var options = configuration.GetSection(WebhookOptions.SectionName).Get<WebhookOptions>()!;

        Assert.Empty(options.Validate());
        var endpoints = options.Endpoints();
        Assert.Equal(2, endpoints.Count);
        Assert.Equal(new Uri("https://shop.example/hooks/journey"), endpoints[0].Url);
        Assert.Equal("default", endpoints[0].Name);
        Assert.Equal(Secret, endpoints[0].Secret);
        Assert.Empty(endpoints[0].Types);
        Assert.Equal(TimeSpan.FromSeconds(5), endpoints[0].Timeout);
        Assert.Equal("crm", endpoints[1].Name);
        Assert.Equal(OtherSecret, endpoints[1].Secret);
        Assert.Equal([ActionTypes.CartAbandoned, ActionTypes.OrderCancelled], endpoints[1].Types);
        Assert.Equal(TimeSpan.FromSeconds(5), endpoints[1].Timeout);
    }

    public static TheoryData<Action<WebhookOptions>, string> BadValues => new()
    {
        { o => { o.WebhookUrl = "/hooks"; o.WebhookSecret = Secret; }, "Actions__WebhookUrl must be an absolute http or https address" },
        { o => { o.WebhookUrl = "ftp://shop.example/hooks"; o.WebhookSecret = Secret; }, "Actions__WebhookUrl must be an absolute http or https address" },
        { o => o.WebhookUrl = "https://shop.example/hooks", "Actions__WebhookSecret: The secret is empty" },
        { o => { o.WebhookUrl = "https://shop.example/hooks"; o.WebhookSecret = "hunter2"; }, "Actions__WebhookSecret: The secret must start with 'whsec_'" },
        { o => { o.WebhookUrl = "https://shop.example/hooks"; o.WebhookSecret = "whsec_c2hvcnQ="; }, "Actions__WebhookSecret: The secret must hold 24 to 64 bytes" },
        { o => o.WebhookSecret = Secret, "Actions__WebhookSecret is set but Actions__WebhookUrl is not" },
        { o => o.WebhookTimeout = TimeSpan.Zero, "Actions__WebhookTimeout must be more than 00:00:00" },
        { o => o.WebhookTimeout = TimeSpan.FromMinutes(6), "Actions__WebhookTimeout must be more than 00:00:00 and at most 00:05:00" },
        { o => o.Webhooks.Add(new() { Url = "https://a.example/", Secret = Secret }), "Actions__Webhooks__0__Name is required" },
        { o => o.Webhooks.Add(new() { Name = "a b", Url = "https://a.example/", Secret = Secret }), "Actions__Webhooks__0__Name must be letters, digits" },
        { o => o.Webhooks.Add(new() { Name = "a", Secret = Secret }), "Actions__Webhooks__0__Url is required" },
        { o => o.Webhooks.Add(new() { Name = "a", Url = "mailto:x@example.com", Secret = Secret }), "Actions__Webhooks__0__Url must be an absolute http or https address" },
        { o => o.Webhooks.Add(new() { Name = "a", Url = "https://a.example/" }), "Actions__Webhooks__0__Secret: The secret is empty" },
        { o => o.Webhooks.Add(new() { Name = "a", Url = "https://a.example/", Secret = Secret, Types = ["order.canceled"] }), "Actions__Webhooks__0__Types__0 'order.canceled' is not an action type" },
        {
            o =>
            {
                o.Webhooks.Add(new() { Name = "crm", Url = "https://a.example/", Secret = Secret });
                o.Webhooks.Add(new() { Name = "CRM", Url = "https://b.example/", Secret = Secret });
            },
            "Actions__Webhooks__1__Name 'CRM' is used twice"
        },
        {
            o =>
            {
                o.WebhookUrl = "https://shop.example/hooks";
                o.WebhookSecret = Secret;
                o.Webhooks.Add(new() { Name = "default", Url = "https://b.example/", Secret = Secret });
            },
            "Actions__Webhooks__0__Name 'default' is used twice"
        },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Each_bad_setting_is_one_problem_naming_it(Action<WebhookOptions> change, string expected)
    {
        var options = new WebhookOptions();
        change(options);

        var problem = Assert.Single(options.Validate());
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_is_never_repeated_in_a_problem()
    {
        var options = new WebhookOptions { WebhookUrl = "https://shop.example/hooks", WebhookSecret = "whsec_" + Convert.ToBase64String(new byte[8]) };

        Assert.DoesNotContain(options.WebhookSecret, Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_action_type_is_accepted_in_a_filter()
    {
        var options = new WebhookOptions();
        options.Webhooks.Add(new() { Name = "all", Url = "https://a.example/", Secret = Secret, Types = [.. ActionTypes.All] });

        Assert.Empty(options.Validate());
    }
}
