using System.Diagnostics;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;
using HealthStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// A kitchen's worst days: processes killed and frozen, Redis killed and frozen. Each test ends
/// with the invariants: every acknowledged order has exactly one ticket per station, nothing pending.
/// </summary>
public class FaultTests(ITestOutputHelper output)
{
    private const string Demo = "demo";

    [Fact]
    public async Task AWorkerFrozenPastTheClaimTimeoutIsReplacedAndItsThawMakesNoDuplicate()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        await using var slowLink = new FaultProxy(deployment.Redis.Port, TimeSpan.FromMilliseconds(15));
        var frozen = deployment.StartWorker("worker-frozen", $"127.0.0.1:{slowLink.Port},abortConnect=false");
        var db = deployment.Mux.GetDatabase();
        try
        {
            var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = Demo });
            var random = new Random(7);
            var acknowledged = new List<PlaceOrderRequest>();
            for (var i = 0; i < 150; i++)
            {
                if (i == 50)
                {
                    await Eventually.WaitForAsync(
                        () => Invariants.HeldByAsync(db, Demo, "worker-frozen"),
                        held => held > 0, TimeSpan.FromSeconds(30), "the worker to hold orders");
                    frozen.Signal("STOP");
                    deployment.StartWorker("worker-peer");
                }

                var request = Terminal.RandomOrder(menu, random);
                await deployment.Orders.PlaceOrderAsync(request);
                acknowledged.Add(request);
            }

            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, Demo, menu, acknowledged, TimeSpan.FromSeconds(60));
            frozen.Signal("CONT");

            // Thawed, it finishes what it was doing with orders its peer already routed: no second ticket.
            var marker = Terminal.RandomOrder(menu, random);
            await deployment.Orders.PlaceOrderAsync(marker);
            acknowledged.Add(marker);
            await Eventually.WaitForAsync(
                () => Invariants.HeldByAsync(db, Demo, "worker-frozen"),
                held => held == 0, TimeSpan.FromSeconds(30), "the thawed worker to let go of what it held");
            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, Demo, menu, acknowledged, TimeSpan.FromSeconds(30));
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task RedisKilledUnderLoadAndRestartedOnItsDataLosesNoAcknowledgedOrder()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        deployment.StartWorker("worker-a");
        try
        {
            var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = Demo });
            var random = new Random(11);
            var acknowledged = new List<PlaceOrderRequest>();
            for (var i = 0; i < 200; i++)
            {
                if (i == 80)
                {
                    deployment.Redis.Kill();
                    _ = Task.Delay(1000).ContinueWith(_ => deployment.Redis.RestartAsync(), TaskScheduler.Default).Unwrap();
                }

                var request = Terminal.RandomOrder(menu, random);
                await Terminal.PlaceUntilAcceptedAsync(deployment.Orders, request, TimeSpan.FromSeconds(30));
                acknowledged.Add(request);
            }

            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, Demo, menu, acknowledged, TimeSpan.FromSeconds(60));
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task RedisFrozenTenSecondsFailsCallsWithinTheirDeadlineHealthSaysSoAndAllRecovers()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        var worker = deployment.StartWorker("worker-a");
        using var workerChannel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{worker.HealthPort}");
        var workerHealth = new global::Grpc.Health.V1.Health.HealthClient(workerChannel);
        async Task<HealthStatus> WorkerStatusAsync()
        {
            try
            {
                return (await workerHealth.CheckAsync(new(), deadline: DateTime.UtcNow.AddSeconds(2))).Status;
            }
            catch (RpcException)
            {
                return HealthStatus.Unknown;
            }
        }

        try
        {
            var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = Demo });
            var random = new Random(13);
            var acknowledged = new List<PlaceOrderRequest>();
            for (var i = 0; i < 20; i++)
            {
                var request = Terminal.RandomOrder(menu, random);
                await deployment.Orders.PlaceOrderAsync(request);
                acknowledged.Add(request);
            }

            Assert.Equal(HealthStatus.Serving, (await deployment.Health.CheckAsync(new())).Status);
            await Eventually.WaitForAsync(WorkerStatusAsync, s => s == HealthStatus.Serving, TimeSpan.FromSeconds(20), "the worker serving");
            deployment.Redis.Signal("STOP");
            var frozenAt = Stopwatch.StartNew();
            try
            {
                var during = Terminal.RandomOrder(menu, random);
                var watch = Stopwatch.StartNew();
                var ex = await Assert.ThrowsAsync<RpcException>(() => deployment.Orders.PlaceOrderAsync(during).ResponseAsync);
                Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"the call took {watch.Elapsed.TotalSeconds:0.0} s to fail");
                await Eventually.WaitForAsync(
                    async () => (await deployment.Health.CheckAsync(new())).Status, s => s == HealthStatus.NotServing, TimeSpan.FromSeconds(9), "health to say not serving");
                await Eventually.WaitForAsync(WorkerStatusAsync, s => s == HealthStatus.NotServing, TimeSpan.FromSeconds(9), "the worker's health to say not serving");

                // The POS keeps the order it could not place and sends it again later.
                acknowledged.Add(during);
                var wait = TimeSpan.FromSeconds(10) - frozenAt.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }
            finally
            {
                deployment.Redis.Signal("CONT");
            }

            await Eventually.WaitForAsync(
                async () => (await deployment.Health.CheckAsync(new())).Status, s => s == HealthStatus.Serving, TimeSpan.FromSeconds(20), "health to say serving again");
            await Eventually.WaitForAsync(WorkerStatusAsync, s => s == HealthStatus.Serving, TimeSpan.FromSeconds(20), "the worker serving again");
            await Terminal.PlaceUntilAcceptedAsync(deployment.Orders, acknowledged[^1], TimeSpan.FromSeconds(20));
            for (var i = 0; i < 20; i++)
            {
                var request = Terminal.RandomOrder(menu, random);
                await Terminal.PlaceUntilAcceptedAsync(deployment.Orders, request, TimeSpan.FromSeconds(20));
                acknowledged.Add(request);
            }

            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, Demo, menu, acknowledged, TimeSpan.FromSeconds(60));
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task AnOrderServiceKilledAfterStoringAnOrderGivesTheRetryTheOriginalAnswer()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        deployment.StartWorker("worker-a");
        try
        {
            var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = Demo });
            var request = BurgerFriesBeer(Demo);

            // The answer is lost: the service is killed the moment the order is stored.
            var lost = deployment.Orders.PlaceOrderAsync(request).ResponseAsync;
            await Eventually.WaitForAsync(
                () => deployment.Mux.GetDatabase().KeyExistsAsync($"rst:{{{Demo}}}:order:{request.OrderId}"), TimeSpan.FromSeconds(10), "the order stored");
            deployment.OrderService!.Kill();
            try
            {
                await lost;
            }
            catch (RpcException)
            {
                // Killed before it could answer, or just after: either way the POS sends it again.
            }

            await deployment.StartOrderServiceAsync();
            var retry = (await deployment.Orders.PlaceOrderAsync(request)).Order;

            Assert.Equal(request.OrderId, retry.OrderId);
            Assert.Equal(3, retry.Lines.Count);
            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, Demo, menu, [request], TimeSpan.FromSeconds(30));
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task AStoppingOrderServiceEndsItsStreamsAtOnceWithUnavailable()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        try
        {
            await using var screen = StationWatcher.Start(deployment.Kitchen, Demo, "bar");
            await screen.ReadSnapshotAsync();
            var stopping = Stopwatch.StartNew();

            deployment.OrderService!.Signal("TERM");

            var ended = await screen.FailureAsync();
            Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the stream ended {stopping.Elapsed.TotalSeconds:0.0} s after the stop");
            await Eventually.WaitForAsync(() => Task.FromResult(deployment.OrderService.HasExited), TimeSpan.FromSeconds(15), "the service to exit");
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task ScreensOfAKilledOrderServiceResumeWithTheirTokensWithNoGapAndNoRepeat()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        deployment.StartWorker("worker-a");
        try
        {
            var before = Order(Demo, Line("classic-burger"));
            await deployment.Orders.PlaceOrderAsync(before);
            string token;
            await using (var screen = StationWatcher.Start(deployment.Kitchen, Demo, "grill"))
            {
                var snapshot = await screen.ReadSnapshotAsync();
                if (snapshot.Count == 0)
                {
                    Assert.Equal(before.OrderId, (await screen.NextAsync()).TicketAdded.OrderId);
                }

                deployment.OrderService!.Kill();
                var ended = await screen.FailureAsync();
                Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
                token = screen.LastToken;
            }

            await deployment.StartOrderServiceAsync();
            var after = Enumerable.Range(0, 3).Select(_ => Order(Demo, Line("ribeye"))).ToList();
            foreach (var order in after)
            {
                await deployment.Orders.PlaceOrderAsync(order);
            }

            await using var resumed = StationWatcher.Start(deployment.Kitchen, Demo, "grill", token);
            var seen = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                seen.Add((await resumed.NextAsync()).TicketAdded.OrderId);
            }

            Assert.Equal(after.Select(o => o.OrderId), seen);
            Assert.DoesNotContain(before.OrderId, seen);
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }
}

/// <summary>The OrderService's link to Redis slowed, cut and held half-open under a stream of orders.</summary>
public class RedisLinkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AnOrderServiceWhoseLinkToRedisIsSlowedCutAndHeldHalfOpenRecoversAndLosesNothing()
    {
        await using var deployment = await Deployment.StartAsync();
        await using var link = new FaultProxy(deployment.Redis.Port);
        await deployment.StartOrderServiceAsync($"127.0.0.1:{link.Port},abortConnect=false,connectTimeout=1000");
        deployment.StartWorker("worker-a");
        try
        {
            var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = "demo" });
            var random = new Random(17);
            var acknowledged = new List<PlaceOrderRequest>();
            // The link's bad minute, on its own clock, while terminals keep placing orders.
            var schedule = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                link.Delay = TimeSpan.FromMilliseconds(100);
                await Task.Delay(TimeSpan.FromSeconds(2));
                link.Delay = TimeSpan.Zero;
                link.Fault = LinkFault.Cut;
                await Task.Delay(TimeSpan.FromSeconds(2));
                link.Fault = LinkFault.None;
                await Task.Delay(TimeSpan.FromSeconds(2));
                link.Fault = LinkFault.HalfOpen;
                await Task.Delay(TimeSpan.FromSeconds(4));
                link.Fault = LinkFault.None;
            });
            var i = 0;
            while (!schedule.IsCompleted || i < 140)
            {
                i++;
                var request = Terminal.RandomOrder(menu, random);
                await Terminal.PlaceUntilAcceptedAsync(deployment.Orders, request, TimeSpan.FromSeconds(60));
                acknowledged.Add(request);
            }

            await schedule;
            await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, "demo", menu, acknowledged, TimeSpan.FromSeconds(60));
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }
}
