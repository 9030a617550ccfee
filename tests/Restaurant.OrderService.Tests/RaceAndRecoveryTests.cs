using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Locations;
using Restaurant.Testing;
using StackExchange.Redis;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// Races between a read and its script, played deterministically at the store's interleaving points,
/// and scripts that must survive a run cut short or a worker that meets an order it cannot route.
/// </summary>
public class RaceAndRecoveryTests
{
    private static Interleavings Races(TestWorld world) => world.Factory.Services.GetRequiredService<RedisContext>().Interleavings;

    private static StationStore Stations(TestWorld world) => world.Factory.Services.GetRequiredService<StationStore>();

    private static async Task<int?> RemainingAsync(TestWorld world, string location, string item)
    {
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        var entry = menu.Items.Single(i => i.MenuItemId == item);
        return entry.HasRemaining ? entry.Remaining : null;
    }

    [Fact]
    public async Task AVoidBetweenACancelsReadAndItsScriptGivesTheCountedItemsBackOnce()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "bbq-ribs", Available = true, Remaining = 5 });
        var order = Order(location, Line("bbq-ribs", 2), Line("french-fries"));
        await world.PlaceInKitchenAsync(order);
        Assert.Equal(3, await RemainingAsync(world, location, "bbq-ribs"));

        Races(world).Once(Interleavings.OrderPoint(location, order.OrderId), async () =>
        {
            var voiding = new VoidItemsRequest { LocationId = location, OrderId = order.OrderId };
            voiding.LineIndexes.Add(0);
            await world.Orders.VoidItemsAsync(voiding);
        });
        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = order.OrderId });

        Assert.Equal(5, await RemainingAsync(world, location, "bbq-ribs"));
    }

    [Fact]
    public async Task ARoundBetweenACancelsReadAndItsScriptIsGivenBackToo()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "bbq-ribs", Available = true, Remaining = 5 });
        var order = Order(location, Line("bbq-ribs", 2));
        await world.PlaceInKitchenAsync(order);

        Races(world).Once(Interleavings.OrderPoint(location, order.OrderId), async () =>
        {
            var round = new AddItemsRequest { LocationId = location, OrderId = order.OrderId, RoundId = Guid.NewGuid().ToString() };
            round.Lines.Add(Line("bbq-ribs"));
            await world.Orders.AddItemsAsync(round);
        });
        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = order.OrderId });

        Assert.Equal(5, await RemainingAsync(world, location, "bbq-ribs"));
    }

    [Fact]
    public async Task ARoundIsRefusedACountedItemAManager86dByHandJustAsANewOrderIs()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "bbq-ribs", Available = true, Remaining = 5 });
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "bbq-ribs", Available = false });
        var placing = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("bbq-ribs"))).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, placing.StatusCode);

        var order = Order(location, Line("french-fries"));
        await world.PlaceInKitchenAsync(order);
        var round = new AddItemsRequest { LocationId = location, OrderId = order.OrderId, RoundId = Guid.NewGuid().ToString() };
        round.Lines.Add(Line("bbq-ribs"));
        var adding = await TestWorld.FailsAsync(() => world.Orders.AddItemsAsync(round).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, adding.StatusCode);
        Assert.Contains("bbq-ribs", adding.Status.Detail);
        Assert.Contains("86'd", adding.Status.Detail);
        Assert.Equal(5, await RemainingAsync(world, location, "bbq-ribs"));
        var stored = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order;
        Assert.Single(stored.Lines);
    }

    [Fact]
    public async Task ABumpAnswersOkWhenFiringTheNextCourseByItselfFails()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var mains = Line("classic-burger");
        var dessert = Line("chocolate-lava-cake");
        dessert.Course = 2;
        var order = Order(location, mains, dessert);
        await world.PlaceInKitchenAsync(order);

        // Between the bump and the auto-fire, a server cancels the order: the fire is refused.
        Races(world).Once(Interleavings.OrderPoint(location, order.OrderId), async () =>
            await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = order.OrderId }));
        var bump = await world.BumpAsync(location, "grill", order.OrderId);

        Assert.Equal(TicketStatus.Bumped, bump.Ticket.Status);
        var stored = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order;
        Assert.Equal(OrderStatus.Cancelled, stored.Status);
    }

    [Fact]
    public async Task ABalancedStationGivesATicketAddedWhileAnotherLeftToALiveScreen()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var store = Stations(world);
        var first = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(first);
        await store.TouchScreenAsync(location, "grill", "left");
        await store.TouchScreenAsync(location, "grill", "right");

        // Between the balancer's read and its script: one ticket bumped and one added, so the station
        // holds as many open tickets as the balancer read.
        var second = Order(location, Line("ribeye"));
        Races(world).Once(Interleavings.BalancePoint(location, "grill"), async () =>
        {
            await world.BumpAsync(location, "grill", first.OrderId);
            await world.PlaceInKitchenAsync(second);
        });
        await store.BalanceStationAsync(location, "grill", TimeSpan.FromSeconds(30));

        var screen = await world.Db.HashGetAsync(RedisKeys.Ticket(location, $"{second.OrderId}:grill"), "screen");
        Assert.Contains(screen.ToString(), new[] { "left", "right" });
    }

    [Fact]
    public async Task ASnapshotTakenDuringAnAmendShowsBodiesOfItsOwnMomentAndTheUpdateFollows()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(order);

        // The grill's snapshot, taken while a round is added at the grill.
        Races(world).Once(Interleavings.SnapshotPoint(location, "grill"), async () =>
        {
            var round = new AddItemsRequest { LocationId = location, OrderId = order.OrderId, RoundId = Guid.NewGuid().ToString() };
            round.Lines.Add(Line("classic-burger", 2));
            await world.Orders.AddItemsAsync(round);
        });
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        var snapshot = await grill.ReadSnapshotAsync();
        var shown = snapshot.SelectMany(t => t.Items).Where(i => !i.Voided).Sum(i => i.Quantity);

        Assert.Equal(grill.SnapshotAllDay.GetValueOrDefault("Classic Burger"), shown);
        Assert.Equal(1, shown);
        var updated = await grill.NextAsync();
        Assert.Equal(StationEvent.EventOneofCase.TicketUpdated, updated.EventCase);
        Assert.Equal(3, updated.TicketUpdated.Items.Where(i => !i.Voided).Sum(i => i.Quantity));
        await grill.AllDayWhereAsync(a => a.GetValueOrDefault("Classic Burger") == 3, "3 burgers all day after the update");
    }

    [Fact]
    public async Task AnOrderTheMenuCanNoLongerRouteGoesToTheDeadLettersAndTheWorkerGoesOn()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        // The state a menu reload leaves when it drops an item between place and route: the order
        // holds an item the definition the worker routes by no longer has. Here the worker read the
        // menu first (routing an order), then the stored definition gains a dish under the same hash,
        // and a store that had not read the menu yet checks an order for that dish against it.
        await world.PlaceInKitchenAsync(Order(location, Line("classic-burger")));
        var menu = RedisKeys.Menu(location);
        var stored = JsonSerializer.Deserialize((string)(await world.Db.HashGetAsync(menu, "def"))!, DomainJson.Default.LocationDefinition)!;
        var widened = stored with { Items = [.. stored.Items, new MenuItemDefinition("ghost-dish", "Ghost Dish", "grill", 60)] };
        await world.Db.HashSetAsync(menu, "def", JsonSerializer.Serialize(widened, DomainJson.Default.LocationDefinition));
        var context = world.Factory.Services.GetRequiredService<RedisContext>();
        var unaware = new MenuStore(context);
        var ghost = Order(location, Line("ghost-dish"), Line("french-fries"));
        await new OrderStore(context, unaware).PlaceOrderAsync(location, ghost.OrderId, [new OrderLineData("ghost-dish", 1, [], ""), new OrderLineData("french-fries", 1, [], "")]);

        var dead = await Eventually.WaitForAsync(
            () => world.Db.StreamRangeAsync(RedisKeys.DeadLetters(location)),
            entries => entries.Length > 0,
            TimeSpan.FromSeconds(10),
            "the unroutable order in the dead letters");
        Assert.Equal(ghost.OrderId, dead[0]["order"].ToString());
        Assert.Contains("ghost-dish", dead[0]["reason"].ToString());
        Assert.Single(dead);

        var next = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(next);
        Assert.False(world.Worker.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "the worker must keep running");
        var pending = await world.Db.StreamPendingAsync(RedisKeys.OrderQueue(location), RedisKeys.WorkerGroup);
        Assert.Equal(0, pending.PendingMessageCount);
    }

    /// <summary>Reloads the location's stored menu without <paramref name="item"/>, as a changed data file would.</summary>
    private static async Task DropFromMenuAsync(TestWorld world, string location, string item)
    {
        var stored = JsonSerializer.Deserialize((string)(await world.Db.HashGetAsync(RedisKeys.Menu(location), "def"))!, DomainJson.Default.LocationDefinition)!;
        var narrowed = stored with { Items = [.. stored.Items.Where(i => i.Id != item)] };
        Assert.True(await world.Factory.Services.GetRequiredService<MenuStore>().LoadLocationAsync(narrowed));
    }

    /// <summary>An order refused NOT_FOUND naming <paramref name="item"/>, at a location with orders before it: nothing more stored or queued.</summary>
    private static async Task RefusedForAsync(TestWorld world, PlaceOrderRequest request, string item)
    {
        var queued = await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(request.LocationId));
        var ex = await Assert.ThrowsAsync<RpcException>(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains(item, ex.Status.Detail);
        Assert.False(await world.Db.KeyExistsAsync(RedisKeys.Order(request.LocationId, request.OrderId)), "no order may be stored");
        Assert.Equal(queued, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(request.LocationId)));
    }

    [Fact]
    public async Task AnOrderCheckedAgainstAMenuReloadedSinceIsCheckedAgainAndRefusedForTheDishThatLeft()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.PlaceInKitchenAsync(Order(location, Line("ribeye")));

        // The service read the menu with the ribeye; the reload drops it, and the service has not
        // read the menu since: the place script refuses the old menu's hash, and the check runs again.
        await DropFromMenuAsync(world, location, "ribeye");
        await RefusedForAsync(world, Order(location, Line("french-fries"), Line("ribeye")), "ribeye");

        var fries = Order(location, Line("french-fries"));
        Assert.Equal(OrderStatus.Accepted, (await world.Orders.PlaceOrderAsync(fries)).Order.Status);
    }

    [Fact]
    public async Task AnOrderSentAgainAfterItsDishLeftTheMenuGetsItsStoredAnswer()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("ribeye"));
        var first = (await world.Orders.PlaceOrderAsync(order)).Order;

        await DropFromMenuAsync(world, location, "ribeye");
        var again = (await world.Orders.PlaceOrderAsync(order)).Order;

        Assert.Equal((first.OrderId, first.Number), (again.OrderId, again.Number));
        await RefusedForAsync(world, Order(location, Line("ribeye")), "ribeye");
    }

    [Fact]
    public async Task AQueueMessageNamingNoOrderIdIsDeadLetteredAtOnceForThatReason()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.PlaceInKitchenAsync(Order(location, Line("french-fries")));

        await world.Db.StreamAddAsync(RedisKeys.OrderQueue(location), "order", "table-12");

        var dead = await Eventually.WaitForAsync(
            () => world.Db.StreamRangeAsync(RedisKeys.DeadLetters(location)),
            entries => entries.Length > 0,
            TimeSpan.FromSeconds(10),
            "the message in the dead letters");
        Assert.Equal("table-12", dead[0]["order"].ToString());
        Assert.Contains("no valid order id", dead[0]["reason"].ToString());
        Assert.Equal(1, (long)dead[0]["deliveries"]);
    }

    [Fact]
    public async Task ARouteScriptCutShortIsRunAgainWithoutCountingItsTicketsTwice()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("classic-burger", 2), Line("french-fries"));

        // Expo's ticket key holds a string, so the route script fails at expo's ticket, the last one,
        // after the grill's and the fryer's were written, opened and counted (Redis keeps what a
        // failing script wrote).
        var expoKey = RedisKeys.Ticket(location, $"{order.OrderId}:expo");
        await world.Db.StringSetAsync(expoKey, "in the way");
        await world.Orders.PlaceOrderAsync(order);
        await Eventually.WaitForAsync(
            () => world.Db.KeyExistsAsync(RedisKeys.Ticket(location, $"{order.OrderId}:grill")), TimeSpan.FromSeconds(10), "the first run to write the grill's ticket");
        await world.Db.KeyDeleteAsync(expoKey);
        await world.WaitForStatusAsync(location, order.OrderId, OrderStatus.InKitchen);

        var allDay = await world.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = "grill" });
        Assert.Equal(2, allDay.AllDay.Counts.Single(c => c.Name == "Classic Burger").Quantity);
        Assert.Equal(1, (await world.TicketAddsAsync(location, "grill"))[$"{order.OrderId}:grill"]);
        Assert.Equal(1, (await world.TicketAddsAsync(location, "fryer"))[$"{order.OrderId}:fryer"]);
        Assert.Equal(1, (await world.TicketAddsAsync(location, "expo"))[$"{order.OrderId}:expo"]);
    }

    [Fact]
    public async Task ACountThatWouldGoBelowZeroStaysAtZeroOnScreensAndIsTallied()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(order);

        // An undercount from elsewhere: the kept count is one short of the open tickets.
        await world.Db.HashIncrementAsync(RedisKeys.AllDay(location, "grill"), "Classic Burger", -1);
        await world.BumpAsync(location, "grill", order.OrderId);

        var allDay = await world.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = "grill" });
        Assert.Empty(allDay.AllDay.Counts);
        var undercounts = await Stations(world).GetAllDayUndercountsAsync(location, "grill");
        Assert.Equal(1, undercounts.GetValueOrDefault("Classic Burger"));
    }
}
