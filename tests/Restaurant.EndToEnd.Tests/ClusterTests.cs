using Grpc.Core;
using Grpc.Net.Client;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// A chain on a real Redis Cluster: three masters with a replica each, fifty generated locations, two
/// OrderService and two KitchenWorker processes. A worker is killed and a master fails over while
/// orders flow; every acknowledged order still has exactly one ticket per station.
/// </summary>
public class ClusterTests(ITestOutputHelper output)
{
    private const int Locations = 50;

    [Fact]
    public async Task FiftyLocationsOnAClusterSurviveAKilledWorkerAndAFailoverWithOneTicketPerStation()
    {
        await using var cluster = await RedisCluster.StartAsync();
        var data = Directory.CreateTempSubdirectory("restaurant-chain-").FullName;
        var processes = new List<ServiceProcess>();
        var channels = new List<GrpcChannel>();
        try
        {
            using (var chain = ServiceProcess.StartClient("chain", ["chain", "--count", Locations.ToString(), "--out", data, "--from", ServiceProcess.RepoFile("data", "locations", "demo.json")]))
            {
                Assert.Equal(0, await chain.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            }

            // Polling only every 5 s: a ticket that reaches a screen sooner was woken by a bell.
            var slowPolls = new Dictionary<string, string>
            {
                ["Restaurant__Streams__PollInterval"] = "00:00:05",
                ["Restaurant__Streams__HeartbeatInterval"] = "00:00:05",
                ["Restaurant__Worker__PollInterval"] = "00:00:05",
            };
            var ports = new[] { RedisServer.FreePort(), RedisServer.FreePort() };
            foreach (var port in ports)
            {
                processes.Add(ServiceProcess.StartOrderService(cluster.ConnectionString, port, data, slowPolls));
            }

            var workerA = ServiceProcess.StartWorker(cluster.ConnectionString, "worker-a", settings: slowPolls);
            processes.Add(workerA);
            processes.Add(ServiceProcess.StartWorker(cluster.ConnectionString, "worker-b", settings: slowPolls));
            var services = ports.Select(p =>
            {
                var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{p}");
                channels.Add(channel);
                var invoker = channel.CreateCallInvoker().As(TestDevices.Manager);
                return (Menu: new Menu.MenuClient(invoker), Orders: new Orders.OrdersClient(invoker), Kitchen: new Kitchen.KitchenClient(invoker));
            }).ToArray();
            var ids = Enumerable.Range(1, Locations).Select(i => $"store-{i:000}").ToList();
            var menus = new Dictionary<string, GetMenuResponse>();
            foreach (var id in ids)
            {
                menus[id] = (await Eventually.WaitForAsync(
                    async () =>
                    {
                        try
                        {
                            return await services[menus.Count % 2].Menu.GetMenuAsync(new GetMenuRequest { LocationId = id });
                        }
                        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.NotFound)
                        {
                            return null;
                        }
                    },
                    menu => menu is not null,
                    TimeSpan.FromSeconds(60),
                    $"{id} to be served"))!;
            }

            // A screen at the first store, watched through the first OrderService.
            using var firstWatch = services[0].Kitchen.WatchStation(new WatchStationRequest { LocationId = ids[0], StationId = "expo" });
            var seen = new List<StationEvent>();
            var token = await ReadUntilSnapshotAsync(firstWatch, seen);

            var random = new Random(11);
            var acknowledged = ids.ToDictionary(id => id, _ => new List<PlaceOrderRequest>());
            var failedOver = "";
            for (var i = 0; i < 400; i++)
            {
                if (i == 130)
                {
                    workerA.Kill();
                }

                if (i == 260)
                {
                    // A master of the cluster hands over to its replica while orders keep coming.
                    var master = await cluster.MasterOfAsync($"rst:{{{ids[0]}}}:orders");
                    var replica = await cluster.ReplicaOfAsync(master);
                    using var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{replica.Port},allowAdmin=true");
                    await admin.GetServer("127.0.0.1", replica.Port).ExecuteAsync("CLUSTER", "FAILOVER");
                    await cluster.WaitUntilMasterAsync(replica, TimeSpan.FromSeconds(30));
                    failedOver = $"{master.Port} → {replica.Port}";
                }

                var location = ids[random.Next(ids.Count)];
                var request = Terminal.RandomOrder(menus[location], random, location);
                await Terminal.PlaceUntilAcceptedAsync(services[i % 2].Orders, request, TimeSpan.FromSeconds(30));
                acknowledged[location].Add(request);
            }

            output.WriteLine($"failed over {failedOver}; {acknowledged.Values.Sum(a => a.Count)} orders over {Locations} locations");
            using var mux = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
            foreach (var id in ids.Where(id => acknowledged[id].Count > 0))
            {
                await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(mux, id, menus[id], acknowledged[id], TimeSpan.FromSeconds(60));
            }

            // The first store's expo screen moves to the other OrderService with its token: it gets
            // exactly the tickets it had not seen, none twice.
            firstWatch.Dispose();
            var before = seen.Where(e => e.EventCase == StationEvent.EventOneofCase.TicketAdded).Select(e => e.TicketAdded.TicketId).ToHashSet();
            using var moved = services[1].Kitchen.WatchStation(new WatchStationRequest { LocationId = ids[0], StationId = "expo", ResumeToken = token });
            var after = new List<string>();
            var expected = acknowledged[ids[0]].Select(o => $"{o.OrderId}:expo").ToHashSet();
            using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await foreach (var change in moved.ResponseStream.ReadAllAsync(reading.Token))
            {
                if (change.EventCase == StationEvent.EventOneofCase.TicketAdded)
                {
                    after.Add(change.TicketAdded.TicketId);
                }

                if (expected.IsSubsetOf(after.Concat(before)))
                {
                    break;
                }
            }

            Assert.Equal(after.Count, after.Distinct().Count());
            Assert.Empty(after.Intersect(before));
            Assert.True(expected.IsSubsetOf(after.Concat(before)), "the moved screen got every ticket of the store");

            // After the failover the bells still ring on the store's new master: a new order is on the
            // moved screen well within the 5 s polls.
            var late = Terminal.RandomOrder(menus[ids[0]], random, ids[0]);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await services[0].Orders.PlaceOrderAsync(late);
            using var waiting = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await moved.ResponseStream.MoveNext(waiting.Token))
            {
                if (moved.ResponseStream.Current.TicketAdded?.OrderId == late.OrderId)
                {
                    break;
                }
            }

            output.WriteLine($"after the failover, place → expo screen took {clock.ElapsedMilliseconds} ms");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"place → screen took {clock.ElapsedMilliseconds} ms after the failover: the bell did not ring");
        }
        catch
        {
            foreach (var process in processes)
            {
                output.WriteLine($"--- {process.Name} ---\n{process.Tail()}");
            }

            throw;
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }

            foreach (var process in processes)
            {
                process.Dispose();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<string> ReadUntilSnapshotAsync(AsyncServerStreamingCall<StationEvent> call, List<StationEvent> seen)
    {
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await call.ResponseStream.MoveNext(reading.Token))
        {
            seen.Add(call.ResponseStream.Current);
            if (call.ResponseStream.Current.EventCase == StationEvent.EventOneofCase.SnapshotComplete)
            {
                return call.ResponseStream.Current.ResumeToken;
            }
        }

        throw new InvalidOperationException("the stream ended before its snapshot");
    }
}
