using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class ModifierAndRushTests
{
    [Fact]
    public async Task AModifierTheDishDoesNotAllowIsInvalidArgumentNamingItAndChangesNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("house-lager"), Line("espresso", 1, "", "extra cheese"));

        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("lines[1].modifiers", ex.Status.Detail);
        Assert.Contains("extra cheese", ex.Status.Detail);
        Assert.False(await world.Db.KeyExistsAsync(RedisKeys.Order(location, request.OrderId)));
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
    }

    [Fact]
    public async Task ASideSaladGoesToColdAndAnAllergyStandsOutOnEveryTicketOfTheDish()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("classic-burger", 2, "", "Side Salad", "nut allergy"), Line("house-lager"));

        await world.PlaceInKitchenAsync(request);

        await using var cold = StationWatcher.Start(world.Kitchen, location, "cold");
        var salad = Assert.Single(await cold.ReadSnapshotAsync());
        var item = Assert.Single(salad.Items);
        Assert.Equal(("side salad", 2, "Classic Burger"), (item.Name, item.Quantity, item.ForItem));
        Assert.Equal(["NUT ALLERGY"], item.Allergies);
        Assert.True(salad.HasAllergy);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.True(Assert.Single(await grill.ReadSnapshotAsync()).HasAllergy);
        await using var bar = StationWatcher.Start(world.Kitchen, location, "bar");
        Assert.False(Assert.Single(await bar.ReadSnapshotAsync()).HasAllergy);
    }

    [Fact]
    public async Task TicketsCarryWhenTheyTurnWarningAndLateByTheirStation()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("margarita"));
        await world.PlaceInKitchenAsync(request);

        await using var bar = StationWatcher.Start(world.Kitchen, location, "bar");
        var ticket = Assert.Single(await bar.ReadSnapshotAsync());

        // Counted from when the ticket reached the station, not from when the order was placed.
        Assert.Equal(TimeSpan.FromSeconds(180), ticket.WarnAt.ToDateTimeOffset() - ticket.FiredAt.ToDateTimeOffset());
        Assert.Equal(TimeSpan.FromSeconds(300), ticket.LateAt.ToDateTimeOffset() - ticket.FiredAt.ToDateTimeOffset());
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        Assert.Equal((180, 300), menu.Stations.Where(s => s.StationId == "bar").Select(s => (s.WarnSeconds, s.LateSeconds)).Single());
    }

    [Fact]
    public async Task ARushOrderSortsFirstOnTheScreen()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var first = Order(location, Line("ribeye"));
        var rushed = Order(location, Line("classic-burger"));
        rushed.Rush = true;
        await world.PlaceInKitchenAsync(first);
        await world.PlaceInKitchenAsync(rushed);

        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        var snapshot = await grill.ReadSnapshotAsync();

        Assert.Equal([rushed.OrderId, first.OrderId], snapshot.Select(t => t.OrderId));
        Assert.Equal([true, false], snapshot.Select(t => t.Rush));
        Assert.True((await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = rushed.OrderId })).Order.Rush);
    }

    [Fact]
    public async Task MarkingAnOpenOrderRushUpdatesItsTicketsOnEveryScreenAndThePosHearsIt()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var first = Order(location, Line("ribeye"));
        var later = Order(location, Line("classic-burger"), Line("french-fries"));
        await world.PlaceInKitchenAsync(first);
        await world.PlaceInKitchenAsync(later);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.Equal([first.OrderId, later.OrderId], (await grill.ReadSnapshotAsync()).Select(t => t.OrderId));
        using var pos = world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location, OrderId = later.OrderId });
        Assert.True(await pos.ResponseStream.MoveNext());

        var answer = await world.Orders.SetRushAsync(new SetRushRequest { LocationId = location, OrderId = later.OrderId, Rush = true });

        Assert.True(answer.Order.Rush);
        var updated = (await grill.NextAsync()).TicketUpdated;
        Assert.Equal((later.OrderId, true, TicketStatus.Open), (updated.OrderId, updated.Rush, updated.Status));
        Assert.True(await pos.ResponseStream.MoveNext());
        Assert.True(pos.ResponseStream.Current.Order.Rush);
        await using var fresh = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.Equal([later.OrderId, first.OrderId], (await fresh.ReadSnapshotAsync()).Select(t => t.OrderId));
    }

    [Fact]
    public async Task AFinishedOrderCannotBeRushed()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("espresso"));
        await world.PlaceInKitchenAsync(request);
        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = request.OrderId });

        var ex = await TestWorld.FailsAsync(() => world.Orders.SetRushAsync(new SetRushRequest { LocationId = location, OrderId = request.OrderId, Rush = true }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains(request.OrderId, ex.Status.Detail);
    }

    [Fact]
    public async Task ExplainRoutingSaysWhereEachLineAndModifierGoesAndWhyWithoutPlacingIt()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = new ExplainRoutingRequest { LocationId = location };
        request.Lines.Add(Line("classic-burger", 1, "", "side salad", "no onion"));
        request.Lines.Add(Line("margarita"));

        var answer = await world.Kitchen.ExplainRoutingAsync(request);

        Assert.Contains(answer.Decisions, d => d is { LineIndex: 0, Modifier: "", StationId: "grill" });
        Assert.Contains(answer.Decisions, d => d is { LineIndex: 0, Modifier: "side salad", StationId: "cold", OwnItem: true } && d.Rule.Contains("modifier"));
        Assert.Contains(answer.Decisions, d => d is { LineIndex: 1, StationId: "bar" });
        Assert.Contains(answer.Decisions, d => d.StationId == "expo");
        Assert.Equal(0, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));

        request.Lines.Add(Line("unicorn-steak"));
        var unknown = await TestWorld.FailsAsync(() => world.Kitchen.ExplainRoutingAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("unicorn-steak", unknown.Status.Detail);
    }
}
