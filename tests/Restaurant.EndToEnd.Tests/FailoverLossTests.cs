using System.Collections.Concurrent;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// What Redis's asynchronous replication can lose when a master dies, measured: the replica lags (it is
/// frozen for a second and the master's link to it is cut), the master is killed, the replica takes over. Without waiting for a replica,
/// the orders acknowledged in that second are gone; with Restaurant:Redis:WaitReplicas=1, PlaceOrder
/// answers only once a replica holds the order, the POS sends the same order again meanwhile, and no
/// acknowledged order is lost.
/// </summary>
public class FailoverLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AMasterKilledWhileItsReplicaLagsLosesAcknowledgedOrdersUnlessPlaceOrderWaitsForTheReplica()
    {
        var without = await MeasureAsync(waitReplicas: 0);
        var with = await MeasureAsync(waitReplicas: 1);
        output.WriteLine($"without WAIT: {without.Lost} of {without.Acknowledged} acknowledged orders lost ({without.During} acknowledged while the replica lagged)");
        output.WriteLine($"with WAIT 1: {with.Lost} of {with.Acknowledged} acknowledged orders lost ({with.During} acknowledged while the replica lagged)");

        Assert.True(without.During > 0 && without.Lost > 0, "without waiting, orders acknowledged while the replica lagged are lost with the master");
        // (An order whose answer was already on its way when the replica froze may count as "during".)
        Assert.Equal(0, with.Lost);
        Assert.True(with.After > 0 && without.After > 0, "the service takes orders again after the failover");
    }

    private async Task<(int Acknowledged, int During, int Lost, int After)> MeasureAsync(int waitReplicas)
    {
        await using var cluster = await RedisCluster.StartAsync();
        await using var deployment = await Deployment.StartWithClusterAsync(cluster.ConnectionString);
        try
        {
            await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string>
            {
                ["Restaurant__Redis__WaitReplicas"] = waitReplicas.ToString(),
                ["Restaurant__Redis__WaitTimeout"] = "00:00:00.250",
            });
            deployment.StartWorker("worker");
            var menu = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = "demo" });
            var master = await cluster.MasterOfAsync("rst:{demo}:orders");
            var replica = await cluster.ReplicaOfAsync(master);

            // Four POS terminals: each acknowledged order is stamped with the phase it was acknowledged in.
            var phase = 0;
            var acknowledged = new ConcurrentBag<(PlaceOrderRequest Order, int Phase)>();
            using var stop = new CancellationTokenSource();
            var terminals = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
            {
                var random = new Random(t);
                while (!stop.IsCancellationRequested && acknowledged.Count < 50_000)
                {
                    var request = Terminal.RandomOrder(menu, random);
                    await Terminal.PlaceUntilAcceptedAsync(deployment.Orders, request, TimeSpan.FromSeconds(60));
                    acknowledged.Add((request, Volatile.Read(ref phase)));
                }
            })).ToList();

            await Eventually.WaitForAsync(
                () => Task.FromResult(acknowledged.Count >= 100), TimeSpan.FromSeconds(30), "the terminals to have orders acknowledged");
            replica.Signal("STOP");

            // The master drops its link to the frozen replica, so what it writes from now on reaches no
            // replica at all (not even the replica's socket buffer, which it would read on waking).
            using (var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{master.Port},allowAdmin=true"))
            {
                await admin.GetServer("127.0.0.1", master.Port).ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
            }

            Volatile.Write(ref phase, 1);

            // The fault itself: one second in which the master writes and no replica hears it.
            await Task.Delay(TimeSpan.FromSeconds(1));
            master.Kill();
            Volatile.Write(ref phase, 2);
            replica.Signal("CONT");
            try
            {
                await cluster.WaitUntilMasterAsync(replica, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                output.WriteLine($"--- replica {replica.Port} ---\n{string.Join("\n", replica.LogTail(400).Split('\n').Where(l => !l.Contains("SYNC", StringComparison.Ordinal) && !l.Contains("Connecting to MASTER", StringComparison.Ordinal)))}");
                throw;
            }

            // The old master comes back as the new master's replica, so a replica can confirm again.
            await master.RestartAsync();
            Volatile.Write(ref phase, 3);
            await Eventually.WaitForAsync(
                () => Task.FromResult(acknowledged.Count(a => a.Phase == 3) > 20),
                TimeSpan.FromSeconds(60),
                "orders to be acknowledged after the failover");
            await stop.CancelAsync();
            await Task.WhenAll(terminals);

            using var mux = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
            var db = mux.GetDatabase();
            var lost = 0;
            var lostByPhase = new int[4];
            foreach (var (order, when) in acknowledged)
            {
                if (!await db.KeyExistsAsync($"rst:{{demo}}:order:{order.OrderId}"))
                {
                    lost++;
                    lostByPhase[when]++;
                }
            }

            output.WriteLine($"WaitReplicas={waitReplicas}: acknowledged by phase (before, lagging, failing over, after) " +
                $"{string.Join("/", Enumerable.Range(0, 4).Select(p => acknowledged.Count(a => a.Phase == p)))}, lost {string.Join("/", lostByPhase)}");

            return (acknowledged.Count, acknowledged.Count(a => a.Phase == 1), lost, acknowledged.Count(a => a.Phase == 3));
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
    }
}
