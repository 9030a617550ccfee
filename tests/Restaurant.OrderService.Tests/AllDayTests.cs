using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Testing;
using StackExchange.Redis;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class AllDayTests
{
    [Fact]
    public async Task AllDayCountsFollowEveryTicketAndArePushedToTheScreen()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await grill.ReadSnapshotAsync();
        Assert.Empty(grill.AllDay);

        var first = Order(location, Line("classic-burger", 2), Line("ribeye"));
        var second = Order(location, Line("classic-burger", 1, "", "side salad"));
        await world.PlaceInKitchenAsync(first);
        await world.PlaceInKitchenAsync(second);
        await Eventually.WaitForAsync(async () => await Task.FromResult(grill.AllDay.GetValueOrDefault("Classic Burger") == 3), TimeSpan.FromSeconds(10), "3 burgers all day on the screen");
        Assert.Equal(1, grill.AllDay["Ribeye Steak 12oz"]);
        Assert.Equal([("Classic Burger", 3), ("Ribeye Steak 12oz", 1)], await AllDayAsync(world, location, "grill"));
        Assert.Equal([("side salad", 1)], await AllDayAsync(world, location, "cold"));

        await world.BumpAsync(location, "grill", first.OrderId);
        Assert.Equal([("Classic Burger", 1)], await AllDayAsync(world, location, "grill"));
        await world.Kitchen.RecallTicketAsync(new RecallTicketRequest { LocationId = location, StationId = "grill", TicketId = $"{first.OrderId}:grill" });
        Assert.Equal([("Classic Burger", 3), ("Ribeye Steak 12oz", 1)], await AllDayAsync(world, location, "grill"));
        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = second.OrderId });
        Assert.Equal([("Classic Burger", 2), ("Ribeye Steak 12oz", 1)], await AllDayAsync(world, location, "grill"));
        Assert.Empty(await AllDayAsync(world, location, "cold"));

        await using var fresh = StationWatcher.Start(world.Kitchen, location, "grill");
        await fresh.ReadSnapshotAsync();
        Assert.Equal(2, fresh.AllDay["Classic Burger"]);
    }

    [Fact]
    public Task ThousandsOfRandomPlacesBumpsRecallsFiresRoundsVoidsAndCancelsLeaveCountsEqualToARecount() => Seeds.RunAsync(async seed =>
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var random = new Random(seed);
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        var stations = menu.Stations.Select(s => s.StationId).ToList();
        var orders = new List<string>();
        var bumped = new List<(string Station, string Ticket)>();
        for (var step = 0; step < 2000; step++)
        {
            if (step % 25 == 0)
            {
                await AssertInvariantsAsync(world, location, stations, orders, $"before step {step}");
            }

            var roll = random.NextDouble();
            try
            {
                if (roll < 0.4 || orders.Count == 0)
                {
                    var items = menu.Items.OrderBy(_ => random.Next()).Take(1 + random.Next(3))
                        .Select(i => Line(i.MenuItemId, 1 + random.Next(3), "", random.NextDouble() < 0.2 && i.Modifiers.Count > 0 ? [i.Modifiers[random.Next(i.Modifiers.Count)]] : []))
                        .ToArray();
                    foreach (var line in items)
                    {
                        line.Course = random.NextDouble() < 0.7 ? 1 : 2;
                    }

                    var order = Order(location, items);
                    await world.Orders.PlaceOrderAsync(order);
                    orders.Add(order.OrderId);
                }
                else if (roll < 0.75)
                {
                    var station = stations[random.Next(stations.Count)];
                    var open = await world.Db.SortedSetRandomMemberAsync(RedisKeys.OpenTickets(location, station));
                    if (!open.IsNull)
                    {
                        await world.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = station, TicketId = open.ToString() });
                        bumped.Add((station, open.ToString()));
                    }
                }
                else if (roll < 0.85 && bumped.Count > 0)
                {
                    var (station, ticket) = bumped[random.Next(bumped.Count)];
                    await world.Kitchen.RecallTicketAsync(new RecallTicketRequest { LocationId = location, StationId = station, TicketId = ticket });
                }
                else if (roll < 0.86)
                {
                    var round = new AddItemsRequest { LocationId = location, OrderId = orders[random.Next(orders.Count)], RoundId = Guid.NewGuid().ToString() };
                    var item = menu.Items[random.Next(menu.Items.Count)];
                    round.Lines.Add(Line(item.MenuItemId, 1 + random.Next(2)));
                    await world.Orders.AddItemsAsync(round);
                }
                else if (roll < 0.88)
                {
                    var target = orders[random.Next(orders.Count)];
                    var lines = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = target })).Order.Lines.Count;
                    var voiding = new VoidItemsRequest { LocationId = location, OrderId = target };
                    voiding.LineIndexes.Add(random.Next(lines));
                    await world.Orders.VoidItemsAsync(voiding);
                }
                else if (roll < 0.89)
                {
                    await world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = orders[random.Next(orders.Count)], Course = 2 });
                }
                else if (roll < 0.93)
                {
                    await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = orders[random.Next(orders.Count)] });
                }
                else
                {
                    await world.Orders.SetRushAsync(new SetRushRequest { LocationId = location, OrderId = orders[random.Next(orders.Count)], Rush = random.NextDouble() < 0.5 });
                }
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound)
            {
                // Expo before ready, a voided ticket, a finished order, an order with no second course:
                // refused, and nothing changed.
            }
        }

        await Routing.WaitAsync(world.Db, location, TimeSpan.FromSeconds(30));
        await AssertInvariantsAsync(world, location, stations, orders, "at the end");
        foreach (var station in stations)
        {
            // The snapshot's tickets and its all-day counts are read at one moment: compare those.
            await using var screen = StationWatcher.Start(world.Kitchen, location, station);
            var recount = (await screen.ReadSnapshotAsync())
                .SelectMany(t => t.Items).Where(i => !i.Voided).GroupBy(i => i.Name).Select(g => (g.Key, g.Sum(i => i.Quantity))).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
            var kept = screen.SnapshotAllDay.Select(c => (c.Key, c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
            Assert.True(recount.SequenceEqual(kept), $"station {station}: kept [{string.Join(", ", kept)}] but the open tickets hold [{string.Join(", ", recount)}]");
            Assert.Equal(recount, await AllDayAsync(world, location, station));
        }
    });

    [Fact]
    public async Task TheRoutedWaitIsOneReadSoABatchReadButNotRoutedIsNotTakenForRouted()
    {
        // The old wait's three reads, played in the order that made the all-day test flaky: XPENDING
        // answers 0, the worker reads the last batch, then both XINFO reads agree.
        await using var redis = await RedisServer.StartAsync();
        await using var mux = await redis.ConnectAsync();
        var db = mux.GetDatabase();
        var key = RedisKeys.OrderQueue("quiet");
        await db.StreamCreateConsumerGroupAsync(key, RedisKeys.WorkerGroup, "0", createStream: true);
        await db.StreamAddAsync(key, "order", Guid.NewGuid().ToString());

        var pendingBefore = (await db.StreamPendingAsync(key, RedisKeys.WorkerGroup)).PendingMessageCount;
        await db.StreamReadGroupAsync(key, RedisKeys.WorkerGroup, "worker", StreamPosition.NewMessages, 64);
        var generated = (await db.StreamInfoAsync(key)).LastGeneratedId;
        var delivered = (await db.StreamGroupInfoAsync(key))[0].LastDeliveredId;
        Assert.True(pendingBefore == 0 && generated == delivered, "the three reads, taken apart, say routed");

        Assert.False(await Routing.AllRoutedAsync(db, "quiet"), "one consistent read sees the batch read but not routed");
        var pending = await db.StreamPendingMessagesAsync(key, RedisKeys.WorkerGroup, 10, "worker");
        await db.StreamAcknowledgeAsync(key, RedisKeys.WorkerGroup, pending[0].MessageId);
        Assert.True(await Routing.AllRoutedAsync(db, "quiet"));
    }

    /// <summary>Runs the invariants script: counts equal a recount of the open sets, open sets hold only open tickets and every open one.</summary>
    private static async Task AssertInvariantsAsync(TestWorld world, string location, IReadOnlyList<string> stations, IReadOnlyList<string> orders, string when)
    {
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "invariants.lua"));
        var problems = (RedisResult[])(await world.Db.ScriptEvaluateAsync(
            script, [.. orders.Select(o => RedisKeys.Order(location, o))], [RedisKeys.Tag(location), .. stations.Select(s => (RedisValue)s)]))!;
        Assert.True(problems.Length == 0, $"{when}: {string.Join("; ", problems.Select(p => (string?)p))}");
    }

    private static async Task<List<(string, int)>> AllDayAsync(TestWorld world, string location, string station)
    {
        var answer = await world.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = station });
        return [.. answer.AllDay.Counts.Select(c => (c.Name, c.Quantity))];
    }
}
