using System.Diagnostics;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// Screens are woken by the location's bell, sharded pub/sub or ordinary (for Redis before 7): with
/// polls every 5 s, a ticket on the screen within a fraction of that was rung there.
/// </summary>
public class BellTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ATicketReachesTheScreenByTheBellNotByAPoll(bool sharded)
    {
        var settings = new Dictionary<string, string>
        {
            ["Restaurant__Redis__ShardedPubSub"] = sharded ? "true" : "false",
            ["Restaurant__Streams__PollInterval"] = "00:00:05",
            ["Restaurant__Streams__HeartbeatInterval"] = "00:00:05",
            ["Restaurant__Worker__PollInterval"] = "00:00:05",
        };
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync(settings: settings);
        deployment.StartWorker("worker", settings: settings);
        using var grill = deployment.Kitchen.WatchStation(new WatchStationRequest { LocationId = "demo", StationId = "grill" });
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await grill.ResponseStream.MoveNext(reading.Token) && grill.ResponseStream.Current.EventCase != StationEvent.EventOneofCase.SnapshotComplete)
        {
        }

        // The worker has found the location and is waiting on its bell.
        await Eventually.WaitForAsync(
            async () => await deployment.Mux.GetDatabase().KeyExistsAsync("rst:{demo}:lease"),
            TimeSpan.FromSeconds(30),
            "the worker to serve the demo");
        var timings = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var order = Order("demo", Line("classic-burger"));
            var clock = Stopwatch.StartNew();
            await deployment.Orders.PlaceOrderAsync(order);
            while (await grill.ResponseStream.MoveNext(reading.Token))
            {
                if (grill.ResponseStream.Current.TicketAdded?.OrderId == order.OrderId)
                {
                    break;
                }
            }

            timings.Add(clock.ElapsedMilliseconds);
        }

        output.WriteLine($"{(sharded ? "sharded" : "ordinary")} pub/sub: place → screen {string.Join(", ", timings)} ms");
        Assert.All(timings, ms => Assert.True(ms < 2500, $"place → screen took {ms} ms with 5 s polls: no bell rang"));
    }
}
