using System.Security.Cryptography;
using CsCheck;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Testing;
using StackExchange.Redis;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// Random and mutated requests to every RPC: each answer is an expected status code with a message,
/// the service stays up, and a refused call changes nothing in Redis.
/// </summary>
public class BadInputTests
{
    private static readonly StatusCode[] Expected =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition,
        StatusCode.AlreadyExists, StatusCode.OutOfRange,
    ];

    [Fact]
    public async Task EveryRpcAnswersRandomAndMutatedRequestsWithAnExpectedStatusAndARefusalChangesNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        var placed = new List<string>();

        // The worker adopts a new location by creating its queue: wait for that, it is no call's doing.
        await Eventually.WaitForAsync(() => world.Db.KeyExistsAsync(RedisKeys.OrderQueue(location)), TimeSpan.FromSeconds(10), "the worker to adopt the location");

        var text = Gen.OneOf(Gen.Const(""), Gen.String[0, 80], Gen.Const("UPPER CASE"), Gen.Const(new string('a', 70)), Gen.Const("x\u0000y"), Gen.Const("ü😀"));
        var locationId = Gen.Frequency((6, Gen.Const(location)), (1, text), (1, Gen.Const("demo-elsewhere")));
        var item = Gen.Frequency((6, Gen.OneOf(menu.Items.Select(i => Gen.Const(i.MenuItemId)).ToArray())), (1, text), (1, Gen.Const("unicorn-steak")));
        var modifier = Gen.Frequency((3, Gen.OneOf(menu.Modifiers.Select(m => Gen.Const(m.Name)).ToArray())), (1, text), (1, Gen.Const(new string('m', 51))));
        var line = Gen.Select(item, Gen.Int[-3, 110], modifier.Array[0, 22], Gen.String[0, 210], Gen.Int[-1, 11], (i, q, m, n, c) =>
        {
            var l = new OrderLine { MenuItemId = i, Quantity = q, Note = n, Course = c };
            l.Modifiers.AddRange(m);
            return l;
        });
        var lines = Gen.Frequency((8, line.Array[0, 4]), (1, line.Array[99, 103]));
        var orderId = Gen.Frequency((4, Gen.Guid.Select(g => g.ToString())), (2, Gen.Const(0).Select(_ => placed.Count > 0 ? placed[^1] : Guid.NewGuid().ToString())), (1, text));
        var station = Gen.Frequency((4, Gen.OneOf(menu.Stations.Select(s => Gen.Const(s.StationId)).ToArray())), (1, text));
        var call = Gen.Int[0, 16].Select(locationId, orderId, lines, station, item, Gen.Int[-2, 20], text, (rpc, loc, id, ls, st, it, n, t) => (rpc, loc, id, ls, st, it, n, t));

        await call.SampleAsync(
            async c =>
            {
                var before = await SettledFingerprintAsync(world, location);
                var (status, detail) = await CallAsync(world, c.rpc, c.loc, c.id, c.ls, c.st, c.it, c.n, c.t, placed);
                Assert.Contains(status, Expected);
                if (status != StatusCode.OK)
                {
                    Assert.False(string.IsNullOrWhiteSpace(detail), $"rpc {c.rpc} answered {status} without a message");
                    Assert.Equal(before, await FingerprintAsync(world, location));
                }
            },
            iter: 300,
            threads: 1);

        var health = await new global::Grpc.Health.V1.Health.HealthClient(world.Channel).CheckAsync(new());
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    private static async Task<(StatusCode, string)> CallAsync(
        TestWorld world, int rpc, string location, string orderId, OrderLine[] lines, string station, string item, int number, string text, List<string> placed)
    {
        try
        {
            switch (rpc)
            {
                case 0:
                    var place = new PlaceOrderRequest { LocationId = location, OrderId = orderId, Rush = number % 2 == 0 };
                    place.Lines.AddRange(lines);
                    await world.Orders.PlaceOrderAsync(place);
                    placed.Add(orderId);
                    break;
                case 1:
                    await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = orderId });
                    break;
                case 2:
                    await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = orderId });
                    break;
                case 3:
                    await world.Orders.SetRushAsync(new SetRushRequest { LocationId = location, OrderId = orderId, Rush = number % 2 == 0 });
                    break;
                case 4:
                    await world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = orderId, Course = number });
                    break;
                case 5:
                    var round = new AddItemsRequest { LocationId = location, OrderId = orderId, RoundId = number % 3 == 0 ? text : Guid.NewGuid().ToString() };
                    round.Lines.AddRange(lines);
                    await world.Orders.AddItemsAsync(round);
                    break;
                case 6:
                    var voiding = new VoidItemsRequest { LocationId = location, OrderId = orderId };
                    voiding.LineIndexes.AddRange(Enumerable.Range(number - 2, Math.Max(0, number % 3)));
                    await world.Orders.VoidItemsAsync(voiding);
                    break;
                case 7:
                    await world.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = station, TicketId = number % 2 == 0 ? $"{orderId}:{station}" : text });
                    break;
                case 8:
                    await world.Kitchen.RecallTicketAsync(new RecallTicketRequest { LocationId = location, StationId = station, TicketId = $"{orderId}:{station}" });
                    break;
                case 9:
                    await world.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = station });
                    break;
                case 10:
                    var explain = new ExplainRoutingRequest { LocationId = location };
                    explain.Lines.AddRange(lines);
                    await world.Kitchen.ExplainRoutingAsync(explain);
                    break;
                case 11:
                    await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
                    break;
                case 12:
                    var availability = new SetItemAvailabilityRequest { LocationId = location, MenuItemId = item, Available = number % 2 == 0 };
                    if (number % 3 == 0)
                    {
                        availability.Remaining = number * 50 - 100;
                    }

                    await world.Menu.SetItemAvailabilityAsync(availability);
                    break;
                case 13:
                    await new Reports.ReportsClient(world.Invoker).GetSpeedOfServiceAsync(new GetSpeedOfServiceRequest { LocationId = location });
                    break;
                case 14:
                    return await FirstAsync(quiet => world.Kitchen.WatchStation(
                        new WatchStationRequest { LocationId = location, StationId = station, ResumeToken = number % 2 == 0 ? "" : text, ScreenId = number % 3 == 0 ? text : "" },
                        cancellationToken: quiet));
                case 15:
                    return await FirstAsync(quiet => world.Orders.WatchOrders(new WatchOrdersRequest { LocationId = location, OrderId = number % 2 == 0 ? "" : orderId }, cancellationToken: quiet));
                default:
                    return await FirstAsync(quiet => world.Menu.WatchMenu(new WatchMenuRequest { LocationId = location }, cancellationToken: quiet));
            }

            return (StatusCode.OK, "");
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex.Status.Detail);
        }
    }

    /// <summary>A stream's first message (OK), its refusal, or a second of silence (OK: nothing to send yet).</summary>
    private static async Task<(StatusCode, string)> FirstAsync<T>(Func<CancellationToken, AsyncServerStreamingCall<T>> start)
    {
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        using var call = start(quiet.Token);
        try
        {
            await call.ResponseStream.MoveNext(quiet.Token);
            return (StatusCode.OK, "");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && quiet.IsCancellationRequested)
        {
            return (StatusCode.OK, "");
        }
        catch (OperationCanceledException) when (quiet.IsCancellationRequested)
        {
            return (StatusCode.OK, "");
        }
    }

    private static Task QuiescentAsync(TestWorld world, string location) =>
        Eventually.WaitForAsync(
            async () =>
            {
                var queue = RedisKeys.OrderQueue(location);
                if (!await world.Db.KeyExistsAsync(queue))
                {
                    return true;
                }

                var groups = await world.Db.StreamGroupInfoAsync(queue);
                var info = await world.Db.StreamInfoAsync(queue);
                return groups.Length == 1 && groups[0].PendingMessageCount == 0 && groups[0].LastDeliveredId == info.LastGeneratedId;
            },
            TimeSpan.FromSeconds(10),
            "the kitchen to have routed every order");

    /// <summary>
    /// The fingerprint once the kitchen has routed everything and what the last call set going (a
    /// stream's receipts) has landed: the same twice running.
    /// </summary>
    private static async Task<string> SettledFingerprintAsync(TestWorld world, string location)
    {
        await QuiescentAsync(world, location);
        var last = await FingerprintAsync(world, location);
        var settled = await Eventually.WaitForAsync(
            async () =>
            {
                var now = await FingerprintAsync(world, location);
                var same = now == last;
                last = now;
                return (Same: same, Print: now);
            },
            r => r.Same,
            TimeSpan.FromSeconds(10),
            "Redis to settle");
        return settled.Print;
    }

    /// <summary>
    /// Every key of the location (but screens' presence and the incidents the worker derives from the
    /// rest as time passes: a screen closed a while ago becomes "gone" without any call) and its
    /// content, each hashed.
    /// </summary>
    private static async Task<string> FingerprintAsync(TestWorld world, string location)
    {
        var server = world.Mux.GetServers()[0];
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: RedisKeys.Tag(location).Replace("{", "\\{").Replace("}", "\\}") + "*"))
        {
            // Screens' presence marks are heartbeats of streams still open, not state a call changes.
            var name = key.ToString();
            if (!name.Contains(":screens:", StringComparison.Ordinal) && !name.Contains(":watching:", StringComparison.Ordinal)
                && !name.EndsWith(":incidents", StringComparison.Ordinal) && !name.EndsWith(":incident-events", StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }

        keys.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        var parts = new List<string>();
        foreach (var key in keys)
        {
            parts.Add($"{key}={Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(await ContentAsync(world.Db, key))))[..12]}");
        }

        return $"{keys.Count} keys: {string.Join(" ", parts)}";
    }

    /// <summary>
    /// A key's content in a canonical form. Not DUMP: a large hash's DUMP follows its table's
    /// iteration order, which a mere read can change while Redis rehashes.
    /// </summary>
    private static async Task<string> ContentAsync(IDatabase db, RedisKey key)
    {
        var ttl = await db.KeyTimeToLiveAsync(key) is null ? "" : " (expires)";
        return await db.KeyTypeAsync(key) switch
        {
            RedisType.Hash => string.Join("\n", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order(StringComparer.Ordinal)) + ttl,
            RedisType.Set => string.Join("\n", (await db.SetMembersAsync(key)).Select(v => v.ToString()).Order(StringComparer.Ordinal)) + ttl,
            RedisType.SortedSet => string.Join("\n", (await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}:{e.Score}")) + ttl,
            RedisType.Stream => string.Join("\n", (await db.StreamRangeAsync(key)).Select(e => $"{e.Id} {string.Join(",", e.Values.Select(v => $"{v.Name}={v.Value}"))}")) + ttl,
            _ => (await db.StringGetAsync(key)).ToString() + ttl,
        };
    }
}
