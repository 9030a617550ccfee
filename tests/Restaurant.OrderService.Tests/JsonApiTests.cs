using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using Microsoft.OpenApi.Readers;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// The contract as JSON over HTTP (gRPC JSON transcoding), through an HttpClient against the real
/// service: the same device tokens, validation, idempotency and status codes as gRPC, a station's
/// events as newline-delimited JSON resumed with their token, the OpenAPI document, and reflection.
/// </summary>
public class JsonApiTests
{
    private static HttpClient Client(TestWorld world, string? token = TestDevices.Manager)
    {
        var http = world.Factory.CreateClient();
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}, expected {expected}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static object OrderBody(string orderId, params (string Item, int Quantity)[] lines) => new
    {
        orderId,
        lines = lines.Select(l => new { menuItemId = l.Item, quantity = l.Quantity }).ToArray(),
    };

    [Fact]
    public async Task AnIntegratorReadsTheMenuWithTheSameTokenAndIsRefusedWithoutOne()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        var menu = await ReadAsync(await Client(world).GetAsync($"/v1/locations/{location}/menu"), HttpStatusCode.OK);
        Assert.Contains(menu["items"]!.AsArray(), i => (string?)i!["menuItemId"] == "classic-burger");

        var refused = await ReadAsync(await Client(world, token: null).GetAsync($"/v1/locations/{location}/menu"), HttpStatusCode.Unauthorized);
        Assert.Equal((int)StatusCode.Unauthenticated, (int)refused["code"]!);
        Assert.Contains("authorization", (string)refused["message"]!);

        var unknown = await ReadAsync(await Client(world).GetAsync("/v1/locations/no-such-place/menu"), HttpStatusCode.NotFound);
        Assert.Contains("no-such-place", (string)unknown["message"]!);
    }

    [Fact]
    public async Task AnOrderPlacedAsJsonIsIdempotentValidatedLikeGrpcAndReachesTheKitchen()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var http = Client(world);
        var orderId = Guid.NewGuid().ToString();

        var placed = await ReadAsync(await http.PostAsync($"/v1/locations/{location}/orders", Json(OrderBody(orderId, ("classic-burger", 2)))), HttpStatusCode.OK);
        Assert.Equal("ORDER_STATUS_ACCEPTED", (string)placed["order"]!["status"]!);
        var number = (int)placed["order"]!["number"]!;
        Assert.True(number >= 1);

        // Sent again (a kiosk whose answer was lost): the same order, not a second one.
        var again = await ReadAsync(await http.PostAsync($"/v1/locations/{location}/orders", Json(OrderBody(orderId, ("classic-burger", 2)))), HttpStatusCode.OK);
        Assert.Equal(number, (int)again["order"]!["number"]!);
        var conflict = await ReadAsync(await http.PostAsync($"/v1/locations/{location}/orders", Json(OrderBody(orderId, ("ribeye", 1)))), HttpStatusCode.Conflict);
        Assert.Equal((int)StatusCode.AlreadyExists, (int)conflict["code"]!);

        var badId = Guid.NewGuid().ToString();
        var bad = await ReadAsync(await http.PostAsync($"/v1/locations/{location}/orders", Json(OrderBody(badId, ("classic-burger", 0)))), HttpStatusCode.BadRequest);
        Assert.Contains("lines[0].quantity", (string)bad["message"]!);
        Assert.False(await world.Db.KeyExistsAsync(RedisKeys.Order(location, badId)), "a refused order stores nothing");

        await world.WaitForStatusAsync(location, orderId, OrderStatus.InKitchen);
        var read = await ReadAsync(await http.GetAsync($"/v1/locations/{location}/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Contains($"{orderId}:grill", read["order"]!["ticketIds"]!.AsArray().Select(t => (string?)t));

        var cancelled = await ReadAsync(await http.PostAsync($"/v1/locations/{location}/orders/{orderId}:cancel", Json(new { })), HttpStatusCode.OK);
        Assert.Equal("ORDER_STATUS_CANCELLED", (string)cancelled["order"]!["status"]!);
        await ReadAsync(await http.GetAsync($"/v1/locations/{location}/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AStationsEventsArriveAsNewlineDelimitedJsonAndResumeAfterTheirToken()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var http = Client(world);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        async Task<List<JsonNode>> ReadUntilAsync(string query, Func<JsonNode, bool> last)
        {
            using var response = await http.GetAsync($"/v1/locations/{location}/stations/grill/events{query}", HttpCompletionOption.ResponseHeadersRead, stop.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            var seen = new List<JsonNode>();
            while (await ReadLineAsync(reader, seen) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var message = JsonNode.Parse(line)!;
                seen.Add(message);
                if (last(message))
                {
                    return seen;
                }
            }

            throw new InvalidOperationException("the stream ended early");
        }

        async Task<string?> ReadLineAsync(StreamReader reader, List<JsonNode> seen)
        {
            try
            {
                return await reader.ReadLineAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the stream gave only: {string.Join(" | ", seen.Select(m => m.ToJsonString()))}");
            }
        }

        var snapshot = await ReadUntilAsync("", m => m["snapshotComplete"] is not null);
        var token = (string)snapshot[^1]["resumeToken"]!;
        var first = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(first);
        var second = Order(location, Line("ribeye"));
        await world.PlaceInKitchenAsync(second);

        // Resumed after the snapshot's token: both tickets, in order, each once.
        var resumed = await ReadUntilAsync($"?resumeToken={Uri.EscapeDataString(token)}", m => (string?)m["ticketAdded"]?["ticketId"] == $"{second.OrderId}:grill");
        var added = resumed.Where(m => m["ticketAdded"] is not null).Select(m => (string)m["ticketAdded"]!["ticketId"]!).ToList();
        Assert.Equal([$"{first.OrderId}:grill", $"{second.OrderId}:grill"], added);
        Assert.All(resumed.Where(m => m["ticketAdded"] is not null), m => Assert.False(string.IsNullOrEmpty((string?)m["resumeToken"])));

        var grill = Client(world, TestDevices.DemoGrill);
        using var fryer = await grill.GetAsync("/v1/locations/demo/stations/fryer/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
        Assert.Equal(HttpStatusCode.Forbidden, fryer.StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentParsesAndNamesEveryRoute()
    {
        var world = await TestWorld.GetAsync();
        var text = await world.Factory.CreateClient().GetStringAsync("/openapi/v1.json");

        var document = new OpenApiStringReader().Read(text, out var diagnostic);

        Assert.Empty(diagnostic.Errors);
        string[] routes =
        [
            "/v1/locations/{locationId}/menu", "/v1/locations/{locationId}/orders", "/v1/locations/{locationId}/orders/{orderId}",
            "/v1/locations/{locationId}/orders/{orderId}:cancel", "/v1/locations/{locationId}/stations/{stationId}/events",
            "/v1/locations/{locationId}/stations/{stationId}/tickets:bump", "/v1/locations/{locationId}/menu/items/{menuItemId}:setAvailability",
            "/v1/locations/{locationId}/reports/speed-of-service", "/v1/device", "/v1/locations/{location_id}/deliveries/{platform}",
            "/v1/locations/{locationId}/orders/{orderId}:accept", "/v1/locations/{locationId}/orders/{orderId}:deny", "/v1/locations/{locationId}/pending-orders",
            "/v1/locations/{locationId}/incidents", "/v1/locations/{locationId}/incident-events", "/v1/locations/{locationId}/incidents/{incidentId}:acknowledge",
            "/v1/locations/{locationId}/kitchen-health", "/v1/locations/{locationId}/stations/{stationId}/tickets:confirmShown",
        ];
        Assert.All(routes, route => Assert.Contains(route, document.Paths.Keys));
        Assert.Equal(28, document.Paths.Count);
        Assert.Equal(200, (int)(await world.Factory.CreateClient().GetAsync("/docs/index.html")).StatusCode);
    }

    [Fact]
    public async Task ReflectionListsTheServicesWithoutAToken()
    {
        var world = await TestWorld.GetAsync();
        var reflection = new ServerReflection.ServerReflectionClient(world.Channel);

        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Superset(
            new HashSet<string> { "restaurant.v1.Menu", "restaurant.v1.Orders", "restaurant.v1.Kitchen", "restaurant.v1.Reports", "restaurant.v1.Devices" },
            services.ToHashSet());
    }
}
