using Restaurant.Contracts.V1;
using Restaurant.Domain.Locations;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class ScreenTests
{
    private static Task<string> BalancedGrillAsync(TestWorld world, int timeoutSeconds = 30) =>
        world.NewLocationAsync(d => d with
        {
            Stations = [.. d.Stations.Select(s => s.Id == "grill" ? s with { Screens = StationDefinition.Balanced } : s)],
            Settings = new LocationSettings(ScreenTimeoutSeconds: timeoutSeconds),
        });

    private static StationWatcher Screen(TestWorld world, string location, string screen, string token = "") =>
        StationWatcher.Start(world.Kitchen, location, "grill", token, screen);

    [Fact]
    public async Task BalancedScreensShareTheTicketsAndEachTicketIsOnExactlyOne()
    {
        var world = await TestWorld.GetAsync();
        var location = await BalancedGrillAsync(world);
        await using var left = Screen(world, location, "left");
        await using var right = Screen(world, location, "right");
        await left.ReadSnapshotAsync();
        await right.ReadSnapshotAsync();

        var orders = Enumerable.Range(0, 4).Select(_ => Order(location, Line("classic-burger"))).ToList();
        foreach (var order in orders)
        {
            await world.Orders.PlaceOrderAsync(order);
        }

        var onLeft = new List<string> { (await left.NextAsync()).TicketAdded.OrderId, (await left.NextAsync()).TicketAdded.OrderId };
        var onRight = new List<string> { (await right.NextAsync()).TicketAdded.OrderId, (await right.NextAsync()).TicketAdded.OrderId };
        Assert.Empty(onLeft.Intersect(onRight));
        Assert.Equal(orders.Select(o => o.OrderId).Order(), onLeft.Concat(onRight).Order());
        await using var overview = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.Equal(4, (await overview.ReadSnapshotAsync()).Count);
    }

    [Fact]
    public async Task AScreenAwayPastTheTimeoutHasItsTicketsMovedToALiveOne()
    {
        var world = await TestWorld.GetAsync();
        var location = await BalancedGrillAsync(world, timeoutSeconds: 2);
        var left = Screen(world, location, "left");
        await using var right = Screen(world, location, "right");
        await left.ReadSnapshotAsync();
        await right.ReadSnapshotAsync();
        var orders = Enumerable.Range(0, 2).Select(_ => Order(location, Line("ribeye"))).ToList();
        foreach (var order in orders)
        {
            await world.Orders.PlaceOrderAsync(order);
        }

        var leftTicket = (await left.NextAsync()).TicketAdded.TicketId;
        var rightTicket = (await right.NextAsync()).TicketAdded.TicketId;
        var token = left.LastToken;
        await left.DisposeAsync();

        var moved = (await right.NextAsync(TimeSpan.FromSeconds(10))).TicketAdded;
        Assert.Equal((leftTicket, "right"), (moved.TicketId, moved.ScreenId));

        // Back from the break with its token: the ticket it had is gone from it, not shown twice.
        await using var back = Screen(world, location, "left", token);
        var removed = (await back.NextAsync()).TicketRemoved;
        Assert.Equal((leftTicket, TicketStatus.Open), (removed.TicketId, removed.Status));
        Assert.NotEqual(leftTicket, rightTicket);
    }

    [Fact]
    public async Task AtAMirroredStationEveryScreenShowsEveryTicket()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await using var one = StationWatcher.Start(world.Kitchen, location, "bar", "", "bar-1");
        await using var two = StationWatcher.Start(world.Kitchen, location, "bar", "", "bar-2");
        await one.ReadSnapshotAsync();
        await two.ReadSnapshotAsync();

        var order = Order(location, Line("margarita"));
        await world.Orders.PlaceOrderAsync(order);

        Assert.Equal(order.OrderId, (await one.NextAsync()).TicketAdded.OrderId);
        Assert.Equal(order.OrderId, (await two.NextAsync()).TicketAdded.OrderId);
    }
}
