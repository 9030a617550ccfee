using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Domain.Locations;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

/// <summary>The short number a guest hears ("order 42"): per location and business day, on the order and every ticket.</summary>
public class OrderNumberTests
{
    [Fact]
    public async Task OrdersAreNumberedFromOnePerLocationAndARetryKeepsItsNumber()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var other = await world.NewLocationAsync();

        var first = Order(location, Line("classic-burger"));
        Assert.Equal(1, (await world.Orders.PlaceOrderAsync(first)).Order.Number);
        Assert.Equal(2, (await world.Orders.PlaceOrderAsync(Order(location, Line("french-fries")))).Order.Number);
        Assert.Equal(1, (await world.Orders.PlaceOrderAsync(Order(other, Line("french-fries")))).Order.Number);

        // The POS's retry of the same order is the same order, with the same number.
        Assert.Equal(1, (await world.Orders.PlaceOrderAsync(first)).Order.Number);
        Assert.Equal(3, (await world.Orders.PlaceOrderAsync(Order(location, Line("house-lager")))).Order.Number);

        // A refused order takes no number.
        await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("unicorn-steak"))).ResponseAsync);
        Assert.Equal(4, (await world.Orders.PlaceOrderAsync(Order(location, Line("house-lager")))).Order.Number);
    }

    [Fact]
    public async Task EveryTicketOfAnOrderCarriesItsNumberAndAnAmendKeepsIt()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.PlaceInKitchenAsync(Order(location, Line("house-lager")));
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await using var expo = StationWatcher.Start(world.Kitchen, location, "expo");
        await grill.ReadSnapshotAsync();
        await expo.ReadSnapshotAsync();

        var order = Order(location, Line("classic-burger"));
        await world.Orders.PlaceOrderAsync(order);
        Assert.Equal(2, (await grill.NextAsync()).TicketAdded.OrderNumber);
        Assert.Equal(2, (await expo.NextAsync()).TicketAdded.OrderNumber);

        var round = new AddItemsRequest { LocationId = location, OrderId = order.OrderId, RoundId = Guid.NewGuid().ToString() };
        round.Lines.Add(Line("ribeye"));
        await world.Orders.AddItemsAsync(round);
        Assert.Equal(2, (await grill.NextAsync()).TicketUpdated.OrderNumber);
    }

    [Fact]
    public void ABusinessDayStartsAtTheLocationsHourInItsTimeZone()
    {
        var chicago = new LocationSettings(TimeZone: "America/Chicago", DayStartsHour: 4);

        // 02:30 in Chicago on 2 March is still the business day of 1 March; 04:30 is the next.
        Assert.Equal("20260301", chicago.BusinessDay(new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.Zero)));
        Assert.Equal("20260302", chicago.BusinessDay(new DateTimeOffset(2026, 3, 2, 10, 30, 0, TimeSpan.Zero)));
        Assert.Equal("20260302", new LocationSettings().BusinessDay(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task AGuestBoardWatchesExpoAndNothingElse()
    {
        var world = await TestWorld.GetAsync();
        var board = new Kitchen.KitchenClient(world.Channel.CreateCallInvoker().As(TestDevices.DemoBoard));

        await using var expo = StationWatcher.Start(board, "demo", "expo");
        await expo.ReadSnapshotAsync();

        await using var grill = StationWatcher.Start(board, "demo", "grill");
        Assert.Equal(StatusCode.PermissionDenied, (await grill.FailureAsync()).StatusCode);
        var bump = await TestWorld.FailsAsync(() => board.BumpTicketAsync(new BumpTicketRequest { LocationId = "demo", StationId = "expo", TicketId = "x:expo" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, bump.StatusCode);
    }
}
