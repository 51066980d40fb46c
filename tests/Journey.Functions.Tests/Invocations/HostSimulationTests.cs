using System.Net;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Deployment;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Invocations;

/// <summary>
/// The published app started the way the Functions host starts a custom handler (working folder =
/// the publish output, <c>dotnet Journey.Functions.dll</c>, port in FUNCTIONS_CUSTOMHANDLER_PORT),
/// sent the host's requests: a proxied HTTP function and Event Hubs trigger invocations in both
/// encodings, a redelivered batch and a poison event. (Store: the local SQLite default.)
/// </summary>
public sealed class HostSimulationTests(PublishedApp published) : IClassFixture<PublishedApp>
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Invocations", "Fixtures", name));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(HttpClient http, string function, string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.0");
        var response = await http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task PublishedApp_AsCustomHandler_ProcessesTheHostsInvocations()
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-host-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = await AppProcess.StartAsCustomHandlerAsync(published.Folder, data);
            using var http = new HttpClient { BaseAddress = app.BaseAddress };

            // a proxied HTTP function: the pixel answers its GIF
            var pixel = await http.GetAsync("/i?k=journey-local&aid=host-a&e=Product%20Viewed");
            Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);
            Assert.Equal("image/gif", pixel.Content.Headers.ContentType!.MediaType);

            // the Event Hubs trigger, arrays as JSON
            var (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-json-arrays.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("4 applied", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, body.GetProperty("returnValue").ValueKind);

            // the same batch again, arrays as strings holding JSON: nothing new
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-string-arrays.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("0 applied, 4 duplicates", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);

            // a poison event does not fail its batch
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-poison.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("2 applied, 0 duplicates, 1 dead-lettered", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);

            var customer = JsonDocument.Parse(await http.GetStringAsync("/api/customers/eh-a1")).RootElement;
            Assert.Equal("eh-u1", customer.GetProperty("id").GetString());
            Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
            Assert.Equal(42.5m, customer.GetProperty("orders").GetProperty("revenue").GetDecimal());
            var poisoned = JsonDocument.Parse(await http.GetStringAsync("/api/customers/eh-p")).RootElement;
            Assert.Equal(2, poisoned.GetProperty("counters").GetProperty("Product Viewed").GetInt32());
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
