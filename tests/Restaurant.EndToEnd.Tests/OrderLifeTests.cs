using Restaurant.Contracts.V1;
using Restaurant.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>The service as it is deployed: separate processes talking gRPC over HTTP/2 and Redis over TCP.</summary>
public class OrderLifeTests(ITestOutputHelper output)
{
    private const string Demo = "demo";

    [Fact]
    public async Task AnOrderLivesItsWholeLifeAcrossRealProcesses()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        deployment.StartWorker("worker-a");
        try
        {
            using var pos = deployment.Orders.WatchOrders(new WatchOrdersRequest { LocationId = Demo });
            await pos.ResponseHeadersAsync;
            var request = BurgerFriesBeer(Demo);
            await deployment.Orders.PlaceOrderAsync(request);

            var tickets = new Dictionary<string, Ticket>();
            foreach (var station in new[] { "grill", "fryer", "bar", "expo" })
            {
                await using var screen = StationWatcher.Start(deployment.Kitchen, Demo, station);
                var snapshot = await screen.ReadSnapshotAsync();
                var ticket = snapshot.Count == 0 ? (await screen.NextAsync()).TicketAdded : Assert.Single(snapshot);
                Assert.Equal(request.OrderId, ticket.OrderId);
                tickets[station] = ticket;
            }

            foreach (var station in new[] { "grill", "fryer", "bar" })
            {
                await deployment.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = Demo, StationId = station, TicketId = tickets[station].TicketId });
            }

            await deployment.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = Demo, StationId = "expo", TicketId = tickets["expo"].TicketId });

            var heard = new List<OrderStatus>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (heard.LastOrDefault() != OrderStatus.Completed && await pos.ResponseStream.MoveNext(deadline.Token))
            {
                // Receipts (a screen showed a ticket) repeat the status; only changes are counted.
                var status = pos.ResponseStream.Current.Order.Status;
                if (status != heard.LastOrDefault())
                {
                    heard.Add(status);
                }
            }

            Assert.Equal([OrderStatus.Accepted, OrderStatus.InKitchen, OrderStatus.Ready, OrderStatus.Completed], heard);
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task AWorkerKilledMidRushLosesNoOrderAndDoublesNoTicket()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();

        // The doomed worker reaches Redis through a slow link, so it is surely holding orders it has
        // read but not acknowledged when it is killed.
        await using var slowLink = new FaultProxy(deployment.Redis.Port, TimeSpan.FromMilliseconds(15));
        var doomed = deployment.StartWorker("worker-doomed", $"127.0.0.1:{slowLink.Port},abortConnect=false");
        var db = deployment.Mux.GetDatabase();
        try
        {
            var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = Demo });
            var random = new Random(42);
            var acknowledged = new List<PlaceOrderRequest>();
            const int total = 300;
            long heldAtKill = 0;
            for (var i = 0; i < total; i++)
            {
                if (i == total / 3)
                {
                    heldAtKill = await Eventually.WaitForAsync(
                        () => Invariants.HeldByAsync(db, Demo, "worker-doomed"),
                        held => held > 0,
                        TimeSpan.FromSeconds(30),
                        "the doomed worker to hold unacknowledged orders");
                    doomed.Kill();
                    deployment.StartWorker("worker-survivor");
                }

                var request = Order(Demo, menu.Items.OrderBy(_ => random.Next()).Take(1 + random.Next(4)).Select(item => Line(item.MenuItemId)).ToArray());
                await deployment.Orders.PlaceOrderAsync(request);
                acknowledged.Add(request);
            }

            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, Demo, menu, acknowledged, TimeSpan.FromSeconds(60));
            Assert.True(heldAtKill > 0);
            output.WriteLine($"the killed worker held {heldAtKill} unacknowledged orders; its peer claimed them");
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task AnOrderCancelledBeforeTheKitchenSawItMakesNoTickets()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        try
        {
            var cancelled = BurgerFriesBeer(Demo);
            await deployment.Orders.PlaceOrderAsync(cancelled);
            var answer = await deployment.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = Demo, OrderId = cancelled.OrderId });
            Assert.Equal(OrderStatus.Cancelled, answer.Order.Status);

            deployment.StartWorker("worker-late");
            var marker = Order(Demo, Line("house-lager"));
            await deployment.Orders.PlaceOrderAsync(marker);
            await Eventually.WaitForAsync(
                async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = Demo, OrderId = marker.OrderId })).Order.Status,
                status => status == OrderStatus.InKitchen,
                TimeSpan.FromSeconds(30),
                "the marker order in the kitchen");

            var db = deployment.Mux.GetDatabase();
            foreach (var station in new[] { "grill", "fryer", "bar", "expo" })
            {
                var entries = await db.StreamRangeAsync($"rst:{{{Demo}}}:events:{station}");
                Assert.DoesNotContain(entries, e => e["ticket"].ToString().StartsWith(cancelled.OrderId, StringComparison.Ordinal));
            }

            Assert.Equal(0, (await db.StreamPendingAsync($"rst:{{{Demo}}}:orders", "kitchen")).PendingMessageCount);
            Assert.Equal(OrderStatus.Cancelled, (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = Demo, OrderId = cancelled.OrderId })).Order.Status);
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task TheServiceWorksWithARedisThatWantsAnAclUserAndPassword()
    {
        // The default user is off: only the restaurant user, with its password, gets in.
        await using var deployment = await Deployment.StartAsync(
            ["--user", "default", "off", "--user", "restaurant", "on", ">kitchen-secret", "~*", "&*", "+@all"],
            ",user=restaurant,password=kitchen-secret");
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var anonymous = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{deployment.Redis.Port},abortConnect=true,connectTimeout=1000");
            await anonymous.GetDatabase().PingAsync();
        });
        await deployment.StartOrderServiceAsync();
        deployment.StartWorker("worker-acl");
        await AssertAnOrderReachesTheKitchenAsync(deployment);
    }

    [Fact]
    public async Task TheServiceWorksWithARedisThatSpeaksOnlyTls()
    {
        await using var deployment = await Deployment.StartWithAsync(await RedisServer.StartTlsAsync());
        await deployment.StartOrderServiceAsync();
        deployment.StartWorker("worker-tls");
        await AssertAnOrderReachesTheKitchenAsync(deployment);
    }

    private async Task AssertAnOrderReachesTheKitchenAsync(Deployment deployment)
    {
        try
        {
            var request = BurgerFriesBeer(Demo);
            await deployment.Orders.PlaceOrderAsync(request);

            await Eventually.WaitForAsync(
                async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = Demo, OrderId = request.OrderId })).Order.Status,
                status => status == OrderStatus.InKitchen,
                TimeSpan.FromSeconds(30),
                "the order in the kitchen");
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }
}
