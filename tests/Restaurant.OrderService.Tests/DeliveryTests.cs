using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Testing;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// A delivery platform's signed order: taken through the same validation, idempotency and place script
/// as a POS's, refused before it is read when unsigned, answered with a reason when the kitchen cannot
/// make it, and shown on the screens with where it came from and the guest's name.
/// </summary>
public class DeliveryTests
{
    public const string UberEatsSecret = "test-ubereats-signing-secret-0001";

    internal static string Sign(string body, string secret = UberEatsSecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    internal static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(TestWorld world, string location, string body, string? signature, string platform = "ubereats")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/locations/{location}/deliveries/{platform}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.Add("X-Uber-Signature", signature);
        }

        using var response = await world.Factory.CreateClient().SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    internal static string Body(string platformOrderId, string items, string guest = "Sam K.") =>
        $$"""{"id": "{{platformOrderId}}", "guest": "{{guest}}", "items": [{{items}}]}""";

    [Fact]
    public async Task ASignedOrderIsTakenOnceHoweverOftenThePlatformResendsItAndTheKitchenSeesWhoseItIs()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var body = Body($"UE-{Guid.NewGuid():N}", """{"id": "ue-burger", "quantity": 2, "modifiers": ["no onion"], "note": "extra napkins"}, {"id": "ue-fries"}""");

        var (status, first) = await PostAsync(world, location, body, Sign(body));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)first["accepted"]!, first.ToJsonString());
        var orderId = (string)first["order_id"]!;
        var (_, again) = await PostAsync(world, location, body, "sha256=" + Sign(body));
        Assert.Equal((orderId, (int)first["number"]!), ((string)again["order_id"]!, (int)again["number"]!));
        Assert.Equal(1, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));

        await world.WaitForStatusAsync(location, orderId, OrderStatus.InKitchen);
        var order = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = orderId })).Order;
        Assert.Equal(("ubereats", "Sam K."), (order.Source, order.GuestName));
        Assert.Equal(["classic-burger", "french-fries"], order.Lines.Select(l => l.MenuItemId));
        Assert.Equal("no onion", order.Lines[0].Modifiers.Single());

        using var watch = world.Kitchen.WatchStation(new WatchStationRequest { LocationId = location, StationId = "grill" });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        var ticket = watch.ResponseStream.Current.TicketAdded;
        Assert.Equal(("ubereats", "Sam K.", order.Number), (ticket.Source, ticket.GuestName, ticket.OrderNumber));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0badc0de")]
    [InlineData("wrong-secret")]
    public async Task AnUnsignedOrWronglySignedOrderIsUnauthenticatedAndStoresNothing(string? signature)
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var body = Body($"UE-{Guid.NewGuid():N}", """{"id": "ue-burger"}""");

        var (status, answer) = await PostAsync(world, location, body, signature == "wrong-secret" ? Sign(body, "some-other-secret-of-16+") : signature);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("X-Uber-Signature", (string)answer["message"]!);
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
    }

    [Fact]
    public async Task AnOrderTheKitchenCannotMakeIsDeniedWithItsReasonAndNothingStored()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = false });

        async Task<string> DeniedAsync(string items)
        {
            var body = Body($"UE-{Guid.NewGuid():N}", items);
            var (status, answer) = await PostAsync(world, location, body, Sign(body));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.False((bool)answer["accepted"]!, answer.ToJsonString());
            return (string)answer["reason"]!;
        }

        Assert.Contains("ribeye", await DeniedAsync("""{"id": "ue-burger"}, {"id": "ue-ribeye"}"""));
        Assert.Contains("86", await DeniedAsync("""{"id": "ue-ribeye"}"""));
        Assert.Contains("ue-mystery", await DeniedAsync("""{"id": "ue-burger"}, {"id": "ue-mystery"}"""));
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "lemonade", Available = true, Remaining = 1 });
        var shortReason = await DeniedAsync("""{"id": "ue-lemonade", "quantity": 3}""");
        Assert.Contains("lemonade", shortReason);
        Assert.Contains("only 1 left", shortReason);
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
    }

    [Fact]
    public async Task AMalformedOrderIsABadRequestNamingTheFieldAndAnUnknownPlatformIsNotFound()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        var noItems = """{"id": "UE-1", "items": []}""";
        var (status, answer) = await PostAsync(world, location, noItems, Sign(noItems));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("items", (string)answer["message"]!);

        var zero = Body("UE-2", """{"id": "ue-burger", "quantity": 0}""");
        (status, answer) = await PostAsync(world, location, zero, Sign(zero));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("lines[0].quantity", (string)answer["message"]!);

        var broken = "{\"id\": ";
        (status, _) = await PostAsync(world, location, broken, Sign(broken));
        Assert.Equal(HttpStatusCode.BadRequest, status);

        (status, _) = await PostAsync(world, location, zero, Sign(zero), platform: "doordash");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
    }

    [Fact]
    public async Task ThePlatformsOrderIdGivesTheSameOrderIdEveryTimeAndADifferentOneElsewhere()
    {
        var one = Deliveries.DeliveryEndpoints.OrderIdOf("demo", "ubereats", "UE-1");

        Assert.Equal(one, Deliveries.DeliveryEndpoints.OrderIdOf("demo", "ubereats", "UE-1"));
        Assert.NotEqual(one, Deliveries.DeliveryEndpoints.OrderIdOf("demo", "deliveroo", "UE-1"));
        Assert.NotEqual(one, Deliveries.DeliveryEndpoints.OrderIdOf("store-2", "ubereats", "UE-1"));
        Assert.True(Domain.OrderValidator.IsValidOrderId(one), one);
    }
}
