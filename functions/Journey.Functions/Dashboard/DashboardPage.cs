using System.Security.Cryptography;
using System.Text;

namespace Journey.Functions.Dashboard;

/// <summary>
/// The dashboard as one HTML response: <c>Assets/dashboard.html</c> with its style sheet and scripts
/// (<c>dashboard.css</c>, <c>charts.js</c>, <c>dashboard.js</c>, embedded in the assembly) inlined, so the
/// page is a single request that the admin key protects in Azure, works offline and loads no third-party
/// code. The Content-Security-Policy allows exactly the inlined style and scripts (by hash) and requests
/// to this origin.
/// </summary>
internal static class DashboardPage
{
    private static readonly Lazy<(string Html, string ContentSecurityPolicy)> Page = new(Compose);

    public static string Html => Page.Value.Html;

    public static string ContentSecurityPolicy => Page.Value.ContentSecurityPolicy;

    private static (string, string) Compose()
    {
        var css = Asset("dashboard.css");
        var script = Asset("charts.js") + "\n" + Asset("dashboard.js");
        var html = Asset("dashboard.html")
            .Replace("/*{{style}}*/", css, StringComparison.Ordinal)
            .Replace("/*{{script}}*/", script, StringComparison.Ordinal);
        var policy = $"default-src 'none'; style-src '{Hash(css)}'; script-src '{Hash(script)}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        return (html, policy);
    }

    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Asset(string file)
    {
        var assembly = typeof(DashboardPage).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("Assets." + file, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
