using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Domain.Locations;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class ReceiptAndExpoTests
{
    [Fact]
    public async Task ThePosSeesWhenEachTicketReachedItsStationWhenAScreenShowedItAndWhenItWasBumped()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("classic-burger"), Line("french-fries"));
        await world.PlaceInKitchenAsync(order);
        var before = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order;
        Assert.Equal(["grill", "fryer"], before.Receipts.Select(r => r.StationId));
        Assert.All(before.Receipts, r => Assert.Equal(ProgressState.Waiting, r.State));
        Assert.All(before.Receipts, r => Assert.NotNull(r.QueuedAt));
        Assert.All(before.Receipts, r => Assert.Null(r.ShownAt));
        using var pos = world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location, OrderId = order.OrderId });
        Assert.True(await pos.ResponseStream.MoveNext());

        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await grill.ReadSnapshotAsync();

        Assert.True(await pos.ResponseStream.MoveNext());
        var seen = pos.ResponseStream.Current.Order.Receipts.Single(r => r.StationId == "grill");
        Assert.Equal(ProgressState.Cooking, seen.State);
        Assert.True(seen.ShownAt.ToDateTimeOffset() >= seen.QueuedAt.ToDateTimeOffset());
        Assert.Equal(ProgressState.Waiting, pos.ResponseStream.Current.Order.Receipts.Single(r => r.StationId == "fryer").State);

        await world.BumpAsync(location, "grill", order.OrderId);
        var after = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order;
        var bumped = after.Receipts.Single(r => r.StationId == "grill");
        Assert.Equal(ProgressState.Bumped, bumped.State);
        Assert.NotNull(bumped.BumpedAt);
    }

    [Fact]
    public async Task ExpoSeesEachStationsProgressAsItChanges()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync(d => d with { Settings = new LocationSettings(AutoFireNextCourse: false) });
        var order = Order(location, Line("ribeye"), Line("house-lager"));
        order.Lines.Add(Line("tiramisu"));
        order.Lines[2].Course = 2;
        await world.PlaceInKitchenAsync(order);
        await using var expo = StationWatcher.Start(world.Kitchen, location, "expo");
        var ticket = Assert.Single(await expo.ReadSnapshotAsync());
        Assert.Equal(
            [("grill", ProgressState.Waiting), ("bar", ProgressState.Waiting), ("dessert", ProgressState.Held)],
            ticket.Progress.Select(p => (p.StationId, p.State)));

        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await grill.ReadSnapshotAsync();
        Assert.Equal(ProgressState.Cooking, (await expo.NextAsync()).TicketUpdated.Progress.Single(p => p.StationId == "grill").State);

        await world.BumpAsync(location, "grill", order.OrderId);
        Assert.Equal(ProgressState.Bumped, (await expo.NextAsync()).TicketUpdated.Progress.Single(p => p.StationId == "grill").State);

        await world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = order.OrderId, Course = 2 });
        var fired = (await expo.NextAsync()).TicketUpdated;
        Assert.Equal((ProgressState.Waiting, 2), fired.Progress.Where(p => p.StationId == "dessert").Select(p => (p.State, p.Course)).Single());
        Assert.DoesNotContain(fired.Items, i => i.Held);
    }
}
