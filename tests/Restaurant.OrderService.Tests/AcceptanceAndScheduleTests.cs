using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain.Locations;
using Restaurant.Testing;
using static Restaurant.OrderService.Tests.DeliveryTests;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// Orders that do not go to the kitchen at once: a delivery platform's order the location accepts by
/// hand (accepted or denied by a POS, or denied by itself when nobody answers in time), and an order
/// placed for later, which fires at its pickup time minus its longest prep.
/// </summary>
public class AcceptanceAndScheduleTests
{
    /// <summary>A location whose Uber Eats orders wait for a POS or manager to accept them.</summary>
    private static Task<string> ManualLocationAsync(TestWorld world, int acceptWithinSeconds = 480) =>
        world.NewLocationAsync(d => d with
        {
            Deliveries = d.DeliveryPlatforms.ToDictionary(
                p => p.Key, p => p.Key == "ubereats" ? p.Value with { Accept = DeliveryPlatformDefinition.Manual, AcceptWithinSeconds = acceptWithinSeconds } : p.Value),
        });

    private static async Task<Order> OrderAsync(TestWorld world, string location, string orderId) =>
        (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = orderId })).Order;

    [Fact]
    public async Task AnOrderTheLocationAcceptsByHandWaitsOffTheKitchenUntilAPosAcceptsItAndThenCooksOnce()
    {
        var world = await TestWorld.GetAsync();
        var location = await ManualLocationAsync(world);
        var body = Body($"UE-{Guid.NewGuid():N}", """{"id": "ue-burger"}, {"id": "ue-fries"}""");
        var before = DateTimeOffset.UtcNow;

        var (status, answer) = await PostAsync(world, location, body, Sign(body));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((bool)answer["accepted"]!, answer.ToJsonString());
        Assert.Equal("AWAITING_ACCEPTANCE", (string)answer["status"]!);
        var orderId = (string)answer["order_id"]!;
        var acceptBy = DateTimeOffset.Parse((string)answer["accept_by"]!);
        Assert.InRange(acceptBy, before.AddSeconds(479), DateTimeOffset.UtcNow.AddSeconds(481));
        Assert.Equal(OrderStatus.AwaitingAcceptance, (await OrderAsync(world, location, orderId)).Status);
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        var pending = await world.Orders.ListPendingOrdersAsync(new ListPendingOrdersRequest { LocationId = location });
        Assert.Equal(orderId, pending.AwaitingAcceptance.Single().OrderId);
        Assert.Equal(acceptBy.ToUnixTimeMilliseconds(), pending.AwaitingAcceptance[0].AcceptBy.ToDateTimeOffset().ToUnixTimeMilliseconds());
        var (_, resent) = await PostAsync(world, location, body, Sign(body));
        Assert.Equal(("AWAITING_ACCEPTANCE", orderId), ((string)resent["status"]!, (string)resent["order_id"]!));

        // The manager accepts it over JSON, twice (a double tap): the kitchen gets it once.
        using var http = world.Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestDevices.Manager);
        for (var i = 0; i < 2; i++)
        {
            using var accepted = await http.PostAsync($"/v1/locations/{location}/orders/{orderId}:accept", new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await world.WaitForStatusAsync(location, orderId, OrderStatus.InKitchen);
        Assert.Equal(1, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        Assert.Equal(1, (await world.TicketAddsAsync(location, "grill")).Single().Value);
        Assert.Empty((await world.Orders.ListPendingOrdersAsync(new ListPendingOrdersRequest { LocationId = location })).AwaitingAcceptance);
        var (_, afterAccept) = await PostAsync(world, location, body, Sign(body));
        Assert.True((bool)afterAccept["accepted"]!, afterAccept.ToJsonString());

        var late = await Assert.ThrowsAsync<RpcException>(async () =>
            await world.Orders.DenyOrderAsync(new DenyOrderRequest { LocationId = location, OrderId = orderId, Reason = "too busy" }));
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Contains("cancel it instead", late.Status.Detail);
        Assert.Equal(OrderStatus.InKitchen, (await OrderAsync(world, location, orderId)).Status);
    }

    [Fact]
    public async Task ADeniedOrderNamesItsReasonGivesItsCountsBackAndNeverReachesTheKitchen()
    {
        var world = await TestWorld.GetAsync();
        var location = await ManualLocationAsync(world);
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "lemonade", Available = true, Remaining = 2 });
        var body = Body($"UE-{Guid.NewGuid():N}", """{"id": "ue-lemonade", "quantity": 2}""");
        var orderId = (string)(await PostAsync(world, location, body, Sign(body))).Body["order_id"]!;

        // Promised to the waiting order: the counted lemonade is gone for everyone else meanwhile.
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        Assert.False(menu.Items.Single(i => i.MenuItemId == "lemonade").Available);

        var noReason = await Assert.ThrowsAsync<RpcException>(async () =>
            await world.Orders.DenyOrderAsync(new DenyOrderRequest { LocationId = location, OrderId = orderId, Reason = "  " }));
        Assert.Equal((StatusCode.InvalidArgument, true), (noReason.StatusCode, noReason.Status.Detail.StartsWith("reason", StringComparison.Ordinal)));
        Assert.Equal(OrderStatus.AwaitingAcceptance, (await OrderAsync(world, location, orderId)).Status);

        var denied = (await world.Orders.DenyOrderAsync(new DenyOrderRequest { LocationId = location, OrderId = orderId, Reason = "out of ice" })).Order;
        Assert.Equal((OrderStatus.Cancelled, "out of ice"), (denied.Status, denied.CancelReason));
        var again = (await world.Orders.DenyOrderAsync(new DenyOrderRequest { LocationId = location, OrderId = orderId, Reason = "something else" })).Order;
        Assert.Equal("out of ice", again.CancelReason);

        menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        var lemonade = menu.Items.Single(i => i.MenuItemId == "lemonade");
        Assert.Equal((true, 2), (lemonade.Available, lemonade.Remaining));
        var (_, resent) = await PostAsync(world, location, body, Sign(body));
        Assert.Equal((false, "out of ice"), ((bool)resent["accepted"]!, (string)resent["reason"]!));
        var accept = await Assert.ThrowsAsync<RpcException>(async () =>
            await world.Orders.AcceptOrderAsync(new AcceptOrderRequest { LocationId = location, OrderId = orderId }));
        Assert.Equal(StatusCode.FailedPrecondition, accept.StatusCode);
        Assert.Contains("out of ice", accept.Status.Detail);
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        Assert.Empty(await world.TicketAddsAsync(location, "bar"));
    }

    [Fact]
    public async Task AnOrderNobodyAcceptsInTimeIsDeniedByItselfWithTheReason()
    {
        var world = await TestWorld.GetAsync();
        var location = await ManualLocationAsync(world, acceptWithinSeconds: 2);
        var body = Body($"UE-{Guid.NewGuid():N}", """{"id": "ue-margherita"}""");
        var (_, answer) = await PostAsync(world, location, body, Sign(body));
        var orderId = (string)answer["order_id"]!;
        var acceptBy = DateTimeOffset.Parse((string)answer["accept_by"]!);

        var denied = await world.WaitForStatusAsync(location, orderId, OrderStatus.Cancelled);

        Assert.Equal("not accepted within 2 seconds", denied.CancelReason);
        Assert.True(denied.UpdatedAt.ToDateTimeOffset() >= acceptBy, $"denied at {denied.UpdatedAt}, before its deadline {acceptBy:O}");
        Assert.Empty(denied.TicketIds);
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        Assert.Empty((await world.Orders.ListPendingOrdersAsync(new ListPendingOrdersRequest { LocationId = location })).AwaitingAcceptance);
        var (_, resent) = await PostAsync(world, location, body, Sign(body));
        Assert.Equal((false, "not accepted within 2 seconds"), ((bool)resent["accepted"]!, (string)resent["reason"]!));
    }

    [Fact]
    public async Task AnOrderForLaterFiresAtPickupMinusItsLongestPrepAndACancelledOneNeverFires()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        // A burger (8 minutes) and fries (4): to be ready at pickup, the order fires 8 minutes before it.
        var pickup = DateTimeOffset.UtcNow.AddSeconds(480 + 3);
        var request = Order(location, Line("classic-burger"), Line("french-fries"));
        request.PickupAt = Timestamp.FromDateTimeOffset(pickup);
        var placed = (await world.Orders.PlaceOrderAsync(request)).Order;
        var fireAt = pickup.AddSeconds(-480);
        Assert.Equal(OrderStatus.Accepted, placed.Status);
        Assert.Equal(fireAt.ToUnixTimeMilliseconds(), placed.FireAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        var cancelled = Order(location, Line("margherita"));
        cancelled.PickupAt = Timestamp.FromDateTimeOffset(pickup);
        await world.Orders.PlaceOrderAsync(cancelled);
        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = cancelled.OrderId });

        var scheduled = await world.Orders.ListPendingOrdersAsync(new ListPendingOrdersRequest { LocationId = location });
        Assert.Equal(request.OrderId, scheduled.Scheduled.Single().OrderId);
        Assert.Equal(placed, (await world.Orders.PlaceOrderAsync(request)).Order);

        var inKitchen = await Eventually.WaitForAsync(
            () => OrderAsync(world, location, request.OrderId), o => o.Status == OrderStatus.InKitchen, TimeSpan.FromSeconds(20), "the order for later to fire");
        var queued = inKitchen.Receipts.Where(r => r.QueuedAt is not null).Select(r => r.QueuedAt.ToDateTimeOffset()).Min();
        Assert.True(queued >= fireAt, $"it reached the stations at {queued:O}, before its fire time {fireAt:O}");
        Assert.Equal(1, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        Assert.Empty((await world.Orders.ListPendingOrdersAsync(new ListPendingOrdersRequest { LocationId = location })).Scheduled);
        Assert.Empty(await world.TicketAddsAsync(location, "pizza"));
        Assert.Equal(OrderStatus.Cancelled, (await OrderAsync(world, location, cancelled.OrderId)).Status);
    }

    [Fact]
    public async Task APickupTooFarAheadIsRefusedNamingTheFieldAndStoresNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("classic-burger"));
        request.PickupAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(8));

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await world.Orders.PlaceOrderAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("pickup_at", refused.Status.Detail);
        await world.AssertNothingStoredAsync(location, request.OrderId);
    }
}
