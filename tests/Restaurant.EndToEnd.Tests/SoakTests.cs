using System.Diagnostics;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// The soak: a bounded loop of a few minutes with workers killed and Redis restarted at random,
/// ending with the invariants and a flat OrderService memory. Run by ./soak.sh (SOAK_SECONDS, 180 by
/// default), not by ./test.sh.
/// </summary>
[Trait("Category", "Soak")]
public class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MinutesOfOrdersThroughWorkerKillsAndRedisRestartsLoseAndDoubleNothing()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SOAK_SECONDS"), out var s) ? Math.Clamp(s, 10, 3600) : 180;
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        var workers = new List<ServiceProcess> { deployment.StartWorker("soak-0"), deployment.StartWorker("soak-1") };
        var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = "demo" });
        var random = new Random(23);
        var acknowledged = new List<PlaceOrderRequest>();
        var clock = Stopwatch.StartNew();
        var nextFault = TimeSpan.FromSeconds(5);
        long? warmRss = null;
        var faults = 0;
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds) && acknowledged.Count < 200_000)
            {
                if (clock.Elapsed > nextFault)
                {
                    faults++;
                    if (random.Next(3) == 0)
                    {
                        deployment.Redis.Kill();
                        await deployment.Redis.RestartAsync();
                    }
                    else
                    {
                        var victim = random.Next(workers.Count);
                        workers[victim].Kill();
                        workers[victim] = deployment.StartWorker($"soak-{faults + 1}");
                    }

                    nextFault = clock.Elapsed + TimeSpan.FromSeconds(3 + random.Next(6));
                }

                if (warmRss is null && clock.Elapsed > TimeSpan.FromSeconds(seconds / 4.0))
                {
                    warmRss = Rss(deployment.OrderService!.Id);
                }

                var request = Terminal.RandomOrder(menu, random);
                await Terminal.PlaceUntilAcceptedAsync(deployment.Orders, request, TimeSpan.FromSeconds(60));
                acknowledged.Add(request);
            }

            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, "demo", menu, acknowledged, TimeSpan.FromSeconds(120));
            var endRss = Rss(deployment.OrderService!.Id);
            output.WriteLine($"{acknowledged.Count} orders in {clock.Elapsed.TotalSeconds:0} s through {faults} faults; OrderService RSS {warmRss / 1024} MiB warm, {endRss / 1024} MiB at the end");
            Assert.True(endRss < warmRss * 1.5 + 64 * 1024, $"OrderService memory grew from {warmRss} to {endRss} KiB");
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    /// <summary>A process's resident memory in KiB, from /proc.</summary>
    private static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
