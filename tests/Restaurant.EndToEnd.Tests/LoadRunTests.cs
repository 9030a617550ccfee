using System.Text.Json.Nodes;
using Restaurant.Testing;
using Xunit.Abstractions;

namespace Restaurant.EndToEnd.Tests;

/// <summary>A small run of the load generator: not about speed, about the end state it checks.</summary>
public class LoadRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AFewHundredOrdersOfTheLoadGeneratorAllCompleteWithOneTicketPerStationAndTheMetricsCountThem()
    {
        await using var deployment = await Deployment.StartAsync();
        var metrics = new[] { RedisServer.FreePort(), RedisServer.FreePort(), RedisServer.FreePort() };
        await deployment.StartOrderServiceAsync(settings: Listen(metrics[0]));
        deployment.StartWorker("worker-a", settings: Listen(metrics[1]));
        deployment.StartWorker("worker-b", settings: Listen(metrics[2]));
        var json = Path.Combine(Path.GetTempPath(), $"loadgen-{Guid.NewGuid():N}.json");
        using var loadgen = ServiceProcess.StartClient(
            "loadgen",
            [
                "loadgen", "--rate", "75", "--duration", "4", "--server", $"http://127.0.0.1:{deployment.Port}", "--token", TestDevices.Manager,
                "--json", json, "--metrics", string.Join(',', metrics.Select(p => $"http://127.0.0.1:{p}/metrics")),
            ]);

        var exit = await loadgen.ExitCodeAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(loadgen.Log);
        Assert.Equal(0, exit);
        Assert.Contains("acknowledged 300, completed 300", loadgen.Log);
        Assert.Contains("invariants: ok", loadgen.Log);

        // What the operator's dashboards saw agrees with what the terminals and screens saw.
        var result = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        File.Delete(json);
        var step = result["steps"]![0]!;
        Assert.True((bool)step["invariants_ok"]!);
        // The kitchen as kitchens have it: two expo screens showing every ticket, the balanced grill's two
        // screens sharing theirs, three POS terminals that each heard every order completed.
        Assert.Contains("kitchen: 10 screens and 3 POS terminals per location", loadgen.Log);
        var tickets = (long)step["tickets"]!;
        var shown = (long)step["place_to_screen_ms"]!["count"]!;
        Assert.Equal(tickets + 300, shown); // expo's second screen showed every order's expo ticket too
        var view = result["operator_metrics"]!;
        Assert.Equal(300, (double)view["orders_placed"]!);
        Assert.Equal(tickets, (double)view["tickets_routed"]!);
        Assert.Equal(tickets, (double)view["tickets_bumped"]!);
        Assert.Equal(shown, (double)view["tickets_shown"]!);
        Assert.Equal(0, (double)view["dead_letters"]!);
    }

    private static Dictionary<string, string> Listen(int port) => new() { ["Restaurant__Metrics__Listen"] = $"127.0.0.1:{port}" };
}
