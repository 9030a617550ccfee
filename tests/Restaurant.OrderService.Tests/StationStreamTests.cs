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
        await world.PlaceInKitchenAsync(first);
        await world.PlaceInKitchenAsync(second);

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
        await world.PlaceInKitchenAsync(before);
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
        await world.PlaceInKitchenAsync(missedB);
        await world.WaitForStatusAsync(location, missedA.OrderId, OrderStatus.InKitchen);
        await world.BumpAsync(location, "fryer", before.OrderId);

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
        Assert.NotEmpty(events[2].TicketRemoved.Items); // the bump's entry carries no body: the ticket's is sent
    }

    [Fact]
    public async Task ABumpAndExposProgressReachTheScreensAsWholeTicketsThoughTheirEntriesCarryOnlyTheChange()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("french-fries", 2, "extra crispy"));
        await world.PlaceInKitchenAsync(order);

        // The screens begin from a snapshot, so no screen has read the tickets' first entries: the
        // bodies the slim entries leave out come from the tickets themselves.
        await using var fryer = StationWatcher.Start(world.Kitchen, location, "fryer");
        await using var expo = StationWatcher.Start(world.Kitchen, location, "expo");
        var cooking = Assert.Single(await fryer.ReadSnapshotAsync());
        var expoTicket = Assert.Single(await expo.ReadSnapshotAsync());
        await world.BumpAsync(location, "fryer", order.OrderId);

        var removed = await fryer.NextAsync();
        Assert.Equal(StationEvent.EventOneofCase.TicketRemoved, removed.EventCase);
        Assert.Equal(TicketStatus.Bumped, removed.TicketRemoved.Status);
        Assert.Equal(cooking.Items.Select(i => (i.Name, i.Quantity, i.Note)), removed.TicketRemoved.Items.Select(i => (i.Name, i.Quantity, i.Note)));

        StationEvent updated;
        do
        {
            updated = await expo.NextAsync();
        }
        while (updated.EventCase != StationEvent.EventOneofCase.TicketUpdated
            || updated.TicketUpdated.Progress.Single(p => p.StationId == "fryer").State == expoTicket.Progress.Single(p => p.StationId == "fryer").State);
        Assert.Equal(expoTicket.Items.Select(i => (i.Name, i.Quantity)), updated.TicketUpdated.Items.Select(i => (i.Name, i.Quantity)));

        // What Redis keeps of the change is the change: no second copy of the ticket's body.
        var entries = await world.Db.StreamRangeAsync($"rst:{{{location}}}:events:fryer");
        Assert.True(entries.Single(e => e["kind"] == "removed")["body"].IsNull);
        Assert.True(entries.Single(e => e["kind"] == "added")["body"].HasValue);
    }

    [Fact]
    public async Task ABumpAfterAVoidNoScreenSawShowsTheTicketAsVoidedNotAsItFirstWas()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("french-fries"), Line("onion-rings"));
        await world.PlaceInKitchenAsync(order);

        // A screen reads the ticket as it first was; it goes away; a line is voided while no screen watches.
        await using (var first = StationWatcher.Start(world.Kitchen, location, "fryer", "0-0"))
        {
            Assert.Equal(order.OrderId, (await first.NextAsync()).TicketAdded.OrderId);
        }

        var voiding = new VoidItemsRequest { LocationId = location, OrderId = order.OrderId };
        voiding.LineIndexes.Add(1);
        await world.Orders.VoidItemsAsync(voiding);

        await using var screen = StationWatcher.Start(world.Kitchen, location, "fryer");
        var shown = Assert.Single(await screen.ReadSnapshotAsync());
        Assert.True(shown.Items.Single(i => i.Name == "Onion Rings").Voided);
        await world.BumpAsync(location, "fryer", order.OrderId);
        StationEvent removed;
        do
        {
            removed = await screen.NextAsync();
        }
        while (removed.EventCase != StationEvent.EventOneofCase.TicketRemoved);
        Assert.True(removed.TicketRemoved.Items.Single(i => i.Name == "Onion Rings").Voided);
    }

    [Fact]
    public async Task TwoScreensOfAStationAndAThirdResumingBehindThemEachGetEveryTicketOnce()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await using var a = StationWatcher.Start(world.Kitchen, location, "fryer");
        await using var b = StationWatcher.Start(world.Kitchen, location, "fryer");
        Assert.Empty(await a.ReadSnapshotAsync());
        Assert.Empty(await b.ReadSnapshotAsync());

        var orders = Enumerable.Range(0, 4).Select(_ => Order(location, Line("french-fries"))).ToList();
        await world.Orders.PlaceOrderAsync(orders[0]);
        Assert.Equal(orders[0].OrderId, (await a.NextAsync()).TicketAdded.OrderId);
        Assert.Equal(orders[0].OrderId, (await b.NextAsync()).TicketAdded.OrderId);
        var behind = a.LastToken;
        await world.Orders.PlaceOrderAsync(orders[1]);
        await world.Orders.PlaceOrderAsync(orders[2]);
        foreach (var screen in new[] { a, b })
        {
            Assert.Equal(orders[1].OrderId, (await screen.NextAsync()).TicketAdded.OrderId);
            Assert.Equal(orders[2].OrderId, (await screen.NextAsync()).TicketAdded.OrderId);
        }

        // A third screen resumes from a token behind the others: it catches up by itself, then goes on with them.
        await using var c = StationWatcher.Start(world.Kitchen, location, "fryer", behind);
        Assert.Equal(orders[1].OrderId, (await c.NextAsync()).TicketAdded.OrderId);
        Assert.Equal(orders[2].OrderId, (await c.NextAsync()).TicketAdded.OrderId);
        await world.Orders.PlaceOrderAsync(orders[3]);
        foreach (var screen in new[] { a, b, c })
        {
            var next = await screen.NextAsync();
            Assert.Equal((StationEvent.EventOneofCase.TicketAdded, orders[3].OrderId), (next.EventCase, next.TicketAdded.OrderId));
        }
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
        await world.PlaceInKitchenAsync(order);
        var stream = Core.Redis.RedisKeys.StationEvents(location, "cold");
        await world.BumpAsync(location, "cold", order.OrderId);
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
