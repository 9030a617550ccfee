using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class StationStreamTests
{
    [Fact]
    public async Task ASnapshotShowsTheOpenTicketsOldestFirstThenLiveEventsFollow()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var first = Order(location, Line("ribeye"));
        var second = Order(location, Line("classic-burger"));
        await world.Orders.PlaceOrderAsync(first);
        await world.WaitForStatusAsync(location, first.OrderId, OrderStatus.InKitchen);
        await world.Orders.PlaceOrderAsync(second);
        await world.WaitForStatusAsync(location, second.OrderId, OrderStatus.InKitchen);

        await using var screen = StationWatcher.Start(world.Kitchen, location, "grill");
        var snapshot = await screen.ReadSnapshotAsync();

        Assert.Equal([first.OrderId, second.OrderId], snapshot.Select(t => t.OrderId));
        Assert.NotEqual("", screen.LastToken);
        var third = Order(location, Line("grilled-salmon", 2, "no butter", "sauce on the side"));
        await world.Orders.PlaceOrderAsync(third);
        var live = await screen.NextAsync();
        Assert.Equal(third.OrderId, live.TicketAdded.OrderId);
        Assert.NotEqual("", live.ResumeToken);
        var item = Assert.Single(live.TicketAdded.Items);
        Assert.Equal(("Grilled Salmon", 2, "no butter"), (item.Name, item.Quantity, item.Note));
        Assert.Equal(["sauce on the side"], item.Modifiers);
    }

    [Fact]
    public async Task AScreenThatResumesFromItsTokenGetsExactlyWhatItMissedNoGapNoRepeat()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var before = Order(location, Line("french-fries"));
        await world.Orders.PlaceOrderAsync(before);
        await world.WaitForStatusAsync(location, before.OrderId, OrderStatus.InKitchen);
        string token;
        await using (var screen = StationWatcher.Start(world.Kitchen, location, "fryer"))
        {
            Assert.Single(await screen.ReadSnapshotAsync());
            token = screen.LastToken;
        }

        // While the screen is away: two new tickets and a bump.
        var missedA = Order(location, Line("onion-rings"));
        var missedB = Order(location, Line("calamari"));
        await world.Orders.PlaceOrderAsync(missedA);
        await world.Orders.PlaceOrderAsync(missedB);
        await world.WaitForStatusAsync(location, missedB.OrderId, OrderStatus.InKitchen);
        await world.WaitForStatusAsync(location, missedA.OrderId, OrderStatus.InKitchen);
        await world.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = "fryer", TicketId = $"{before.OrderId}:fryer" });

        await using var resumed = StationWatcher.Start(world.Kitchen, location, "fryer", token);
        var events = new List<StationEvent> { await resumed.NextAsync(), await resumed.NextAsync(), await resumed.NextAsync() };
        var after = Order(location, Line("buffalo-wings"));
        await world.Orders.PlaceOrderAsync(after);
        events.Add(await resumed.NextAsync());

        Assert.DoesNotContain(events, e => e.EventCase == StationEvent.EventOneofCase.SnapshotComplete);
        Assert.Equal(
            [(StationEvent.EventOneofCase.TicketAdded, missedA.OrderId), (StationEvent.EventOneofCase.TicketAdded, missedB.OrderId),
             (StationEvent.EventOneofCase.TicketRemoved, before.OrderId), (StationEvent.EventOneofCase.TicketAdded, after.OrderId)],
            events.Select(e => (e.EventCase, e.TicketAdded?.OrderId ?? e.TicketRemoved.OrderId)));
        Assert.Equal(events.Count, events.Select(e => e.ResumeToken).Distinct().Count());
    }

    [Fact]
    public async Task HeartbeatsKeepAnIdleScreenAliveAndCarryTheLatestToken()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await using var screen = StationWatcher.Start(world.Kitchen, location, "dessert");
        await screen.ReadSnapshotAsync();
        var token = screen.LastToken;

        var beat = await screen.NextIncludingHeartbeatAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(StationEvent.EventOneofCase.Heartbeat, beat.EventCase);
        Assert.Equal(token, beat.ResumeToken);
        Assert.NotNull(beat.Heartbeat.ServerTime);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("99999999999999-0")]
    public async Task AnUnknownTokenIsOutOfRange(string token)
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await using var screen = StationWatcher.Start(world.Kitchen, location, "grill", token);

        var ex = await screen.FailureAsync();

        Assert.Equal(StatusCode.OutOfRange, ex.StatusCode);
        Assert.Contains("resume_token", ex.Status.Detail);
    }

    [Fact]
    public async Task AnExpiredTokenIsOutOfRange()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("house-salad"));
        await world.Orders.PlaceOrderAsync(order);
        await world.WaitForStatusAsync(location, order.OrderId, OrderStatus.InKitchen);
        var stream = Core.Redis.RedisKeys.StationEvents(location, "cold");
        await world.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = "cold", TicketId = $"{order.OrderId}:cold" });
        await world.Db.StreamTrimAsync(stream, 1);

        await using var screen = StationWatcher.Start(world.Kitchen, location, "cold", "1-0");
        var ex = await screen.FailureAsync();

        Assert.Equal(StatusCode.OutOfRange, ex.StatusCode);
        Assert.Contains("expired", ex.Status.Detail);
    }

    [Fact]
    public async Task WatchingAnUnknownStationIsNotFound()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await using var screen = StationWatcher.Start(world.Kitchen, location, "sushi");

        var ex = await screen.FailureAsync();

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains("sushi", ex.Status.Detail);
    }
}
