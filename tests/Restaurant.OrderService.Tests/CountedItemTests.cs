using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class CountedItemTests
{
    [Fact]
    public async Task EachOrderTakesItsQuantityAndTheItemIsEightySixedAtZero()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var set = await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "bbq-ribs", Available = true, Remaining = 3 });
        Assert.Equal(3, set.Item.Remaining);

        await world.Orders.PlaceOrderAsync(Order(location, Line("bbq-ribs", 2)));
        Assert.Equal(1, await RemainingAsync(world, location, "bbq-ribs"));
        var tooMany = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("bbq-ribs", 2))).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, tooMany.StatusCode);
        Assert.Contains("bbq-ribs", tooMany.Status.Detail);
        Assert.Contains("only 1 left", tooMany.Status.Detail);

        await world.Orders.PlaceOrderAsync(Order(location, Line("bbq-ribs", 1)));
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        var ribs = menu.Items.Single(i => i.MenuItemId == "bbq-ribs");
        Assert.Equal((0, false), (ribs.Remaining, ribs.Available));
        var soldOut = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("bbq-ribs"))).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, soldOut.StatusCode);
        Assert.Contains("86", soldOut.Status.Detail);
    }

    [Fact]
    public async Task TwoTerminalsRacingForTheLastSpecialOneWinsTheOtherIsToldWhichItem()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = true, Remaining = 1 });

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                await world.Orders.PlaceOrderAsync(Order(location, Line("ribeye")));
                return (StatusCode.OK, "");
            }
            catch (RpcException ex)
            {
                return (ex.StatusCode, ex.Status.Detail);
            }
        }));

        Assert.Single(results, r => r.Item1 == StatusCode.OK);
        var loser = Assert.Single(results, r => r.Item1 != StatusCode.OK);
        Assert.Equal(StatusCode.FailedPrecondition, loser.Item1);
        Assert.Contains("ribeye", loser.Item2);
        Assert.Equal(0, await RemainingAsync(world, location, "ribeye"));
    }

    [Fact]
    public async Task ACancelGivesTheCountBackAndASoldOutItemReturns()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "tuna-tartare", Available = true, Remaining = 2 });
        var order = Order(location, Line("tuna-tartare", 2));
        await world.PlaceInKitchenAsync(order);
        Assert.Equal(0, await RemainingAsync(world, location, "tuna-tartare"));

        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = order.OrderId });

        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        var tartare = menu.Items.Single(i => i.MenuItemId == "tuna-tartare");
        Assert.Equal((2, true), (tartare.Remaining, tartare.Available));
        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = order.OrderId });
        Assert.Equal(2, await RemainingAsync(world, location, "tuna-tartare"));
    }

    [Fact]
    public async Task EveryPosWatchingTheMenuLearnsOfAnEightySixAndOfCountsAtOnce()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        using var pos = world.Menu.WatchMenu(new WatchMenuRequest { LocationId = location });
        Assert.True(await pos.ResponseStream.MoveNext());
        Assert.True(pos.ResponseStream.Current.Full);
        Assert.True(pos.ResponseStream.Current.Items.Count >= 30);

        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "calamari", Available = false });
        var eightySixed = await NextAsync(pos);
        Assert.Equal(("calamari", false), eightySixed.Items.Select(i => (i.MenuItemId, i.Available)).Single());

        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "mussels", Available = true, Remaining = 5 });
        Assert.Equal(5, (await NextAsync(pos)).Items.Single(i => i.MenuItemId == "mussels").Remaining);
        await world.Orders.PlaceOrderAsync(Order(location, Line("mussels", 2)));
        Assert.Equal(3, (await NextAsync(pos)).Items.Single(i => i.MenuItemId == "mussels").Remaining);
    }

    [Fact]
    public async Task ANegativeCountStopsCountingTheItem()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "caprese", Available = true, Remaining = 0 });
        Assert.Equal(StatusCode.FailedPrecondition, (await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("caprese"))).ResponseAsync)).StatusCode);

        var answer = await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "caprese", Available = true, Remaining = -1 });

        Assert.False(answer.Item.HasRemaining);
        Assert.True(answer.Item.Available);
        await world.Orders.PlaceOrderAsync(Order(location, Line("caprese", 50)));
    }

    [Fact]
    public async Task ACancelAfterAVoidGivesEachCountedItemBackOnce()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "creme-brulee", Available = true, Remaining = 5 });
        var order = Order(location, Line("creme-brulee", 2), Line("espresso"));
        await world.PlaceInKitchenAsync(order);
        var voiding = new VoidItemsRequest { LocationId = location, OrderId = order.OrderId };
        voiding.LineIndexes.Add(0);
        await world.Orders.VoidItemsAsync(voiding);
        Assert.Equal(5, await RemainingAsync(world, location, "creme-brulee"));

        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = order.OrderId });

        Assert.Equal(5, await RemainingAsync(world, location, "creme-brulee"));
    }

    private static async Task<MenuEvent> NextAsync(AsyncServerStreamingCall<MenuEvent> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
        return call.ResponseStream.Current;
    }

    private static async Task<int> RemainingAsync(TestWorld world, string location, string item)
    {
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        return menu.Items.Single(i => i.MenuItemId == item).Remaining;
    }
}
