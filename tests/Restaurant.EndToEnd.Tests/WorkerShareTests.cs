using Restaurant.Contracts.V1;
using Restaurant.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Restaurant.EndToEnd.Tests;

/// <summary>Kitchen workers divide a chain's locations, and take a dead worker's share within seconds.</summary>
public class WorkerShareTests(ITestOutputHelper output)
{
    private const int Locations = 12;

    [Fact]
    public async Task WorkersShareTheLocationsTakeOverADeadOnesShareAndKeepEachLocationsOrdersInOrder()
    {
        var data = Directory.CreateTempSubdirectory("restaurant-share-").FullName;
        await using var deployment = await Deployment.StartAsync();
        try
        {
            using (var chain = ServiceProcess.StartClient("chain", ["chain", "--count", Locations.ToString(), "--out", data, "--from", ServiceProcess.RepoFile("data", "locations", "demo.json")]))
            {
                Assert.Equal(0, await chain.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            }

            File.Copy(ServiceProcess.RepoFile("data", "locations", "demo.json"), Path.Combine(data, "demo.json"));
            await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string> { ["Restaurant__Locations__DataPath"] = data });
            var workers = new Dictionary<string, ServiceProcess>
            {
                ["worker-a"] = deployment.StartWorker("worker-a"),
                ["worker-b"] = deployment.StartWorker("worker-b"),
                ["worker-c"] = deployment.StartWorker("worker-c"),
            };
            var ids = Enumerable.Range(1, Locations).Select(i => $"store-{i:000}").ToList();
            var db = deployment.Mux.GetDatabase();

            var holders = await WaitForHoldersAsync(db, ids, h => h.Values.Distinct().Count() == 3, "three workers to share the locations");
            output.WriteLine("shared: " + string.Join(", ", holders.GroupBy(h => h.Value).Select(g => $"{g.Key} {g.Count()}")));

            var menus = new Dictionary<string, GetMenuResponse>();
            foreach (var id in ids)
            {
                menus[id] = await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = id });
            }

            var random = new Random(5);
            var placed = ids.ToDictionary(id => id, _ => new List<PlaceOrderRequest>());
            async Task PlaceAsync(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    var id = ids[random.Next(ids.Count)];
                    var request = Terminal.RandomOrder(menus[id], random, id);
                    await Terminal.PlaceUntilAcceptedAsync(deployment.Orders, request, TimeSpan.FromSeconds(30));
                    placed[id].Add(request);
                }
            }

            await PlaceAsync(60);
            var dead = holders.First().Value;
            workers[dead].Kill();
            var orphans = holders.Where(h => h.Value == dead).Select(h => h.Key).ToList();
            await PlaceAsync(60);
            holders = await WaitForHoldersAsync(db, ids, h => !h.Values.Contains(dead), $"the others to take {dead}'s {orphans.Count} locations");
            output.WriteLine($"after {dead} died: " + string.Join(", ", holders.GroupBy(h => h.Value).Select(g => $"{g.Key} {g.Count()}")));

            deployment.StartWorker("worker-d");
            holders = await WaitForHoldersAsync(db, ids, h => h.Values.Contains("worker-d"), "a new worker to get its share");
            await PlaceAsync(60);
            output.WriteLine($"after worker-d joined: " + string.Join(", ", holders.GroupBy(h => h.Value).Select(g => $"{g.Key} {g.Count()}")));

            foreach (var id in ids.Where(id => placed[id].Count > 0))
            {
                await Invariants.AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(deployment.Mux, id, menus[id], placed[id], TimeSpan.FromSeconds(60));

                // Each location's orders reached expo in the order they were placed.
                var reached = (await db.StreamRangeAsync($"rst:{{{id}}}:events:expo"))
                    .Where(e => e["kind"] == "added")
                    .Select(e => e["ticket"].ToString()[..^":expo".Length])
                    .ToList();
                Assert.Equal(placed[id].Select(o => o.OrderId), reached);
            }

            // The load generator across the whole chain, on the workers that now share it.
            using var loadgen = ServiceProcess.StartClient(
                "loadgen",
                ["loadgen", "--locations", "store-001..store-012", "--rate", "60", "--duration", "3", "--server", $"http://127.0.0.1:{deployment.Port}", "--token", TestDevices.Manager]);
            var exit = await loadgen.ExitCodeAsync(TimeSpan.FromSeconds(90));
            output.WriteLine(loadgen.Log);
            Assert.Equal(0, exit);
            Assert.Contains("12 locations", loadgen.Log);
            Assert.Contains("acknowledged 180, completed 180", loadgen.Log);
            Assert.Contains("invariants: ok", loadgen.Log);
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Waits until every location's lease is held and the holders satisfy <paramref name="done"/>.</summary>
    private static async Task<Dictionary<string, string>> WaitForHoldersAsync(IDatabase db, List<string> ids, Func<Dictionary<string, string>, bool> done, string what) =>
        await Eventually.WaitForAsync(
            async () =>
            {
                var holders = new Dictionary<string, string>();
                foreach (var id in ids)
                {
                    var holder = await db.StringGetAsync($"rst:{{{id}}}:lease");
                    if (holder.IsNull)
                    {
                        return null;
                    }

                    holders[id] = holder.ToString();
                }

                return holders;
            },
            h => h is not null && done(h),
            TimeSpan.FromSeconds(30),
            what) ?? [];
}
