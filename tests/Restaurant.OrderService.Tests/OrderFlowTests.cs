using System.Threading.Channels;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class OrderFlowTests
{
    private static readonly string[] CookingStations = ["grill", "fryer", "bar"];

    [Fact]
    public async Task AnOrderReachesEveryStationIsBumpedReadyAtExpoAndCompletedAndThePosHearsEachStep()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);
        await using var expoScreen = StationWatcher.Start(world.Kitchen, location, "expo");
        Assert.Empty(await expoScreen.ReadSnapshotAsync());
        using var pos = world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location });
        await pos.ResponseHeadersAsync;
        var heard = Collect(pos);

        await world.Orders.PlaceOrderAsync(request);

        var expoTicket = (await expoScreen.NextAsync()).TicketAdded;
        Assert.Equal(request.OrderId, expoTicket.OrderId);
        Assert.Equal(3, expoTicket.Items.Count);
        foreach (var station in CookingStations)
        {
            await using var screen = StationWatcher.Start(world.Kitchen, location, station);
            var ticket = Assert.Single(await screen.ReadSnapshotAsync());
            Assert.Equal(TicketStatus.Open, ticket.Status);
            var bumped = await world.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = station, TicketId = ticket.TicketId });
            Assert.Equal(TicketStatus.Bumped, bumped.Ticket.Status);
            var removed = (await screen.NextAsync()).TicketRemoved;
            Assert.Equal(ticket.TicketId, removed.TicketId);
            Assert.Equal(TicketStatus.Bumped, removed.Status);
        }

        await world.WaitForStatusAsync(location, request.OrderId, OrderStatus.Ready);
        var done = await world.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = "expo", TicketId = expoTicket.TicketId });
        Assert.Equal(OrderStatus.Completed, done.OrderStatus);

        var statuses = await ReadStatusesAsync(heard, 4);
        Assert.Equal([OrderStatus.Accepted, OrderStatus.InKitchen, OrderStatus.Ready, OrderStatus.Completed], statuses);
    }

    [Fact]
    public async Task ThreeTerminalsWatchingALocationEachHearEveryChangeOnceAndInTheSameOrder()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var calls = new List<AsyncServerStreamingCall<OrderEvent>>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                calls.Add(world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location }));
                await calls[^1].ResponseHeadersAsync;
            }

            var heard = calls.Select(Collect).ToList();
            var first = Order(location, Line("house-lager"));
            var second = Order(location, Line("french-fries"));
            await world.PlaceInKitchenAsync(first);
            await world.PlaceInKitchenAsync(second);
            var marker = Order(location, Line("lemonade"));
            await world.Orders.PlaceOrderAsync(marker);

            // Each terminal: both orders taken and in the kitchen, then the marker, and nothing twice.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var each = new List<List<(string, OrderStatus)>>();
            foreach (var channel in heard)
            {
                var events = new List<(string, OrderStatus)>();
                while (events.Count == 0 || events[^1].Item1 != marker.OrderId)
                {
                    var order = await channel.Reader.ReadAsync(deadline.Token);
                    events.Add((order.OrderId, order.Status));
                }

                each.Add(events);
            }

            Assert.Equal(5, each[0].Count);
            Assert.Equal(
                [(first.OrderId, OrderStatus.Accepted), (first.OrderId, OrderStatus.InKitchen), (second.OrderId, OrderStatus.Accepted), (second.OrderId, OrderStatus.InKitchen)],
                each[0].Take(4).OrderBy(e => e.Item1 == first.OrderId ? 0 : 1).ThenBy(e => e.Item2 == OrderStatus.Accepted ? 0 : 1));
            Assert.All(each, events => Assert.Equal(each[0], events));
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }

    [Fact]
    public async Task WatchingOneOrderStartsWithItAsItStandsThenEachChange()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("house-lager"));
        await world.PlaceInKitchenAsync(request);
        using var pos = world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location, OrderId = request.OrderId });
        var heard = Collect(pos);

        Assert.Equal([OrderStatus.InKitchen], await ReadStatusesAsync(heard, 1));
        await world.BumpAsync(location, "bar", request.OrderId);
        Assert.Equal([OrderStatus.Ready], await ReadStatusesAsync(heard, 1, OrderStatus.InKitchen));
    }

    [Fact]
    public async Task WatchingAnUnknownOrderIsNotFound()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        using var call = world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location, OrderId = Guid.NewGuid().ToString() });

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task ExpoCannotBumpBeforeReadyAndIsToldWhichStationsAreStillCooking()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);
        await world.PlaceInKitchenAsync(request);
        await world.BumpAsync(location, "bar", request.OrderId);

        var ex = await TestWorld.FailsAsync(() => world.Kitchen.BumpTicketAsync(
            new BumpTicketRequest { LocationId = location, StationId = "expo", TicketId = $"{request.OrderId}:expo" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains("grill", ex.Status.Detail);
        Assert.Contains("fryer", ex.Status.Detail);
        Assert.DoesNotContain("bar", ex.Status.Detail);
    }

    [Fact]
    public async Task ARepeatedBumpAnswersOkAndSendsNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var first = Order(location, Line("margherita"));
        await world.PlaceInKitchenAsync(first);
        await using var screen = StationWatcher.Start(world.Kitchen, location, "pizza");
        var ticket = Assert.Single(await screen.ReadSnapshotAsync());
        var bump = new BumpTicketRequest { LocationId = location, StationId = "pizza", TicketId = ticket.TicketId };

        await world.Kitchen.BumpTicketAsync(bump);
        var again = await world.Kitchen.BumpTicketAsync(bump);
        Assert.Equal(TicketStatus.Bumped, again.Ticket.Status);
        var second = Order(location, Line("pepperoni"));
        await world.Orders.PlaceOrderAsync(second);

        Assert.Equal(ticket.TicketId, (await screen.NextAsync()).TicketRemoved.TicketId);
        Assert.Equal(second.OrderId, (await screen.NextAsync()).TicketAdded.OrderId);
    }

    [Fact]
    public async Task ARecalledTicketComesBackAndPutsAReadyOrderBackInTheKitchen()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("caesar-salad"));
        await world.PlaceInKitchenAsync(request);
        var cold = new BumpTicketRequest { LocationId = location, StationId = "cold", TicketId = $"{request.OrderId}:cold" };
        await world.Kitchen.BumpTicketAsync(cold);
        await world.WaitForStatusAsync(location, request.OrderId, OrderStatus.Ready);
        await using var screen = StationWatcher.Start(world.Kitchen, location, "cold");
        Assert.Empty(await screen.ReadSnapshotAsync());

        var recalled = await world.Kitchen.RecallTicketAsync(new RecallTicketRequest { LocationId = location, StationId = "cold", TicketId = cold.TicketId });

        Assert.Equal(TicketStatus.Open, recalled.Ticket.Status);
        Assert.Equal(OrderStatus.InKitchen, recalled.OrderStatus);
        var back = (await screen.NextAsync()).TicketAdded;
        Assert.Equal(cold.TicketId, back.TicketId);
        Assert.Equal(TicketStatus.Open, back.Status);
    }

    [Fact]
    public async Task RecallingExpoOfACompletedOrderPutsItBackToReady()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("espresso"));
        await world.PlaceInKitchenAsync(request);
        await world.BumpAsync(location, "bar", request.OrderId);
        var expo = new BumpTicketRequest { LocationId = location, StationId = "expo", TicketId = $"{request.OrderId}:expo" };
        Assert.Equal(OrderStatus.Completed, (await world.Kitchen.BumpTicketAsync(expo)).OrderStatus);

        var stationRecall = await TestWorld.FailsAsync(() => world.Kitchen.RecallTicketAsync(
            new RecallTicketRequest { LocationId = location, StationId = "bar", TicketId = $"{request.OrderId}:bar" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stationRecall.StatusCode);

        var recalled = await world.Kitchen.RecallTicketAsync(new RecallTicketRequest { LocationId = location, StationId = "expo", TicketId = expo.TicketId });
        Assert.Equal(OrderStatus.Ready, recalled.OrderStatus);
        Assert.Equal(OrderStatus.Ready, (await world.WaitForStatusAsync(location, request.OrderId, OrderStatus.Ready)).Status);
    }

    [Fact]
    public async Task CancellingVoidsTheOpenTicketsOnTheScreensAndTheyCannotBeBumped()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);
        await world.PlaceInKitchenAsync(request);
        await world.BumpAsync(location, "bar", request.OrderId);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.Single(await grill.ReadSnapshotAsync());

        var cancelled = (await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = request.OrderId })).Order;

        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        var voided = (await grill.NextAsync()).TicketUpdated;
        Assert.Equal(TicketStatus.Voided, voided.Status);
        Assert.Equal($"{request.OrderId}:grill", voided.TicketId);
        await using var fresh = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.Empty(await fresh.ReadSnapshotAsync());
        var bump = await TestWorld.FailsAsync(() => world.Kitchen.BumpTicketAsync(
            new BumpTicketRequest { LocationId = location, StationId = "grill", TicketId = voided.TicketId }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, bump.StatusCode);
        Assert.Contains("voided", bump.Status.Detail);

        var again = (await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = request.OrderId })).Order;
        Assert.Equal(OrderStatus.Cancelled, again.Status);
    }

    [Fact]
    public async Task ACompletedOrderCannotBeCancelled()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("tiramisu"));
        await world.PlaceInKitchenAsync(request);
        await world.BumpAsync(location, "dessert", request.OrderId);
        await world.BumpAsync(location, "expo", request.OrderId);

        var ex = await TestWorld.FailsAsync(() => world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = request.OrderId }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains(request.OrderId, ex.Status.Detail);
    }

    [Fact]
    public async Task UnknownOrdersAndTicketsAreNotFound()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("ribeye"));
        await world.PlaceInKitchenAsync(request);
        var unknown = Guid.NewGuid().ToString();

        Assert.Equal(StatusCode.NotFound, (await TestWorld.FailsAsync(() => world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = unknown }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await TestWorld.FailsAsync(() => world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = unknown }).ResponseAsync)).StatusCode);
        var wrongStation = await TestWorld.FailsAsync(() => world.Kitchen.BumpTicketAsync(
            new BumpTicketRequest { LocationId = location, StationId = "fryer", TicketId = $"{request.OrderId}:grill" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, wrongStation.StatusCode);
        Assert.Contains("fryer", wrongStation.Status.Detail);
        var noTicket = await TestWorld.FailsAsync(() => world.Kitchen.RecallTicketAsync(
            new RecallTicketRequest { LocationId = location, StationId = "grill", TicketId = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, noTicket.StatusCode);
        var malformed = await TestWorld.FailsAsync(() => world.Kitchen.BumpTicketAsync(
            new BumpTicketRequest { LocationId = location, StationId = "grill", TicketId = "" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Contains("ticket_id", malformed.Status.Detail);
    }

    private static Channel<Order> Collect(AsyncServerStreamingCall<OrderEvent> call)
    {
        var channel = Channel.CreateUnbounded<Order>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in call.ResponseStream.ReadAllAsync())
                {
                    await channel.Writer.WriteAsync(change.Order);
                }
            }
            catch (RpcException)
            {
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        });
        return channel;
    }

    /// <summary>
    /// The next <paramref name="count"/> status changes. Events that repeat the status (a receipt: a
    /// screen showed a ticket) are not changes and are passed over.
    /// </summary>
    private static async Task<List<OrderStatus>> ReadStatusesAsync(Channel<Order> heard, int count, OrderStatus after = OrderStatus.Unspecified)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var statuses = new List<OrderStatus>();
        while (statuses.Count < count)
        {
            var status = (await heard.Reader.ReadAsync(deadline.Token)).Status;
            if (status != (statuses.Count > 0 ? statuses[^1] : after))
            {
                statuses.Add(status);
            }
        }

        return statuses;
    }
}
