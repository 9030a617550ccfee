using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class OrderChangeTests
{
    private static AddItemsRequest Round(string location, string orderId, params OrderLine[] lines)
    {
        var request = new AddItemsRequest { LocationId = location, OrderId = orderId, RoundId = Guid.NewGuid().ToString() };
        request.Lines.AddRange(lines);
        return request;
    }

    private static VoidItemsRequest Void(string location, string orderId, params int[] lines)
    {
        var request = new VoidItemsRequest { LocationId = location, OrderId = orderId };
        request.LineIndexes.AddRange(lines);
        return request;
    }

    [Fact]
    public async Task ANewRoundAppearsOnTheTicketsAndANewStationGetsItsOwnTicket()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(order);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await grill.ReadSnapshotAsync();
        await using var fryer = StationWatcher.Start(world.Kitchen, location, "fryer");
        Assert.Empty(await fryer.ReadSnapshotAsync());
        using var pos = world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location, OrderId = order.OrderId });
        Assert.True(await pos.ResponseStream.MoveNext());

        var answer = (await world.Orders.AddItemsAsync(Round(location, order.OrderId, Line("ribeye"), Line("onion-rings", 2)))).Order;

        Assert.Equal([0, 1, 1], answer.Lines.Select(l => l.Round));
        var updated = (await grill.NextAsync()).TicketUpdated;
        Assert.Equal(["Classic Burger", "Ribeye Steak 12oz"], updated.Items.Select(i => i.Name));
        Assert.Equal($"{order.OrderId}:grill", updated.TicketId);
        var rings = (await fryer.NextAsync()).TicketAdded;
        Assert.Equal((2, 2), (rings.Items.Single().Quantity, rings.Items.Single().LineIndex));
        await grill.AllDayWhereAsync(a => a.GetValueOrDefault("Ribeye Steak 12oz") == 1, "1 ribeye all day");
        Assert.True(await pos.ResponseStream.MoveNext());
        Assert.Equal(3, pos.ResponseStream.Current.Order.Lines.Count);
    }

    [Fact]
    public async Task TheSameRoundSentAgainAddsNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("margherita"));
        await world.PlaceInKitchenAsync(order);
        var round = Round(location, order.OrderId, Line("garlic-bread"));

        await world.Orders.AddItemsAsync(round);
        var again = (await world.Orders.AddItemsAsync(round)).Order;

        Assert.Equal(2, again.Lines.Count);
        var pizza = (await world.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = "pizza" })).AllDay.Counts;
        Assert.Equal(1, pizza.Single(c => c.Name == "Garlic Bread").Quantity);
    }

    [Fact]
    public async Task AVoidedLineIsStruckThroughAndATicketWithNothingLeftIsVoided()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("classic-burger"), Line("ribeye"), Line("french-fries"));
        await world.PlaceInKitchenAsync(order);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await grill.ReadSnapshotAsync();
        await using var fryer = StationWatcher.Start(world.Kitchen, location, "fryer");
        await fryer.ReadSnapshotAsync();

        var answer = (await world.Orders.VoidItemsAsync(Void(location, order.OrderId, 1, 2))).Order;

        Assert.Equal([false, true, true], answer.Lines.Select(l => l.Voided));
        var grillTicket = (await grill.NextAsync()).TicketUpdated;
        Assert.Equal(TicketStatus.Open, grillTicket.Status);
        Assert.Equal([false, true], grillTicket.Items.Select(i => i.Voided));
        Assert.Equal(["Ribeye Steak 12oz"], grillTicket.Items.Where(i => i.Voided).Select(i => i.Name));
        var fryerTicket = (await fryer.NextAsync()).TicketUpdated;
        Assert.Equal(TicketStatus.Voided, fryerTicket.Status);
        await grill.AllDayWhereAsync(a => !a.ContainsKey("Ribeye Steak 12oz") && a.GetValueOrDefault("Classic Burger") == 1, "the ribeye gone from all day");

        await world.BumpAsync(location, "grill", order.OrderId);
        Assert.Equal(OrderStatus.Ready, (await world.WaitForStatusAsync(location, order.OrderId, OrderStatus.Ready)).Status);
    }

    [Fact]
    public async Task ARoundForAStationWhoseTicketWasVoidedReachesItsScreenAgain()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("classic-burger"), Line("french-fries"));
        await world.PlaceInKitchenAsync(order);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await grill.ReadSnapshotAsync();
        await world.Orders.VoidItemsAsync(Void(location, order.OrderId, 0));
        Assert.Equal(TicketStatus.Voided, (await grill.NextAsync()).TicketUpdated.Status);

        // The guest changes their mind: a ribeye after all. The grill must see it.
        await world.Orders.AddItemsAsync(Round(location, order.OrderId, Line("ribeye")));

        var back = await grill.NextAsync();
        Assert.Equal(StationEvent.EventOneofCase.TicketAdded, back.EventCase);
        Assert.Equal(TicketStatus.Open, back.TicketAdded.Status);
        Assert.Contains(back.TicketAdded.Items, i => i.Name == "Ribeye Steak 12oz" && !i.Voided);
        await grill.AllDayWhereAsync(a => a.GetValueOrDefault("Ribeye Steak 12oz") == 1 && !a.ContainsKey("Classic Burger"), "1 ribeye all day, no burger");
        var got = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order;
        Assert.Equal(OrderStatus.InKitchen, got.Status);
    }

    [Fact]
    public async Task NewItemsForABumpedTicketBringItBackAndTheOrderIsInTheKitchenAgain()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("house-lager"));
        await world.PlaceInKitchenAsync(order);
        await world.BumpAsync(location, "bar", order.OrderId);
        await world.WaitForStatusAsync(location, order.OrderId, OrderStatus.Ready);
        await using var bar = StationWatcher.Start(world.Kitchen, location, "bar");
        Assert.Empty(await bar.ReadSnapshotAsync());

        await world.Orders.AddItemsAsync(Round(location, order.OrderId, Line("house-lager", 2)));

        var back = (await bar.NextAsync()).TicketAdded;
        Assert.Equal([1, 2], back.Items.Select(i => i.Quantity));
        Assert.Equal(OrderStatus.InKitchen, (await world.WaitForStatusAsync(location, order.OrderId, OrderStatus.InKitchen)).Status);
    }

    [Fact]
    public async Task AVoidGivesACountedItemBackAndAFinishedOrderCannotChange()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "creme-brulee", Available = true, Remaining = 3 });
        var order = Order(location, Line("creme-brulee", 2), Line("espresso"));
        await world.PlaceInKitchenAsync(order);

        await world.Orders.VoidItemsAsync(Void(location, order.OrderId, 0));
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        Assert.Equal(3, menu.Items.Single(i => i.MenuItemId == "creme-brulee").Remaining);
        var tooMany = await TestWorld.FailsAsync(() => world.Orders.AddItemsAsync(Round(location, order.OrderId, Line("creme-brulee", 4))).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, tooMany.StatusCode);
        Assert.Contains("creme-brulee", tooMany.Status.Detail);

        var noLine = await TestWorld.FailsAsync(() => world.Orders.VoidItemsAsync(Void(location, order.OrderId, 7)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noLine.StatusCode);
        Assert.Contains("line 7", noLine.Status.Detail);
        var badModifier = await TestWorld.FailsAsync(() => world.Orders.AddItemsAsync(Round(location, order.OrderId, Line("espresso", 1, "", "extra cheese"))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badModifier.StatusCode);

        await world.BumpAsync(location, "bar", order.OrderId);
        await world.BumpAsync(location, "expo", order.OrderId);
        var finished = await TestWorld.FailsAsync(() => world.Orders.AddItemsAsync(Round(location, order.OrderId, Line("espresso"))).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, finished.StatusCode);
        Assert.Contains("completed", finished.Status.Detail);
    }
}
