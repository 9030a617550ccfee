using System.Text.Json.Nodes;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// The backup printer against the real processes: a kitchen screen process killed (its station's next
/// ticket prints once, and the incidents close when a screen is back), and a worker killed while it was
/// printing (the other worker prints it: one whole print).
/// </summary>
public sealed class BackupPrintTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The demo, its grill printing on <paramref name="printer"/> a ticket no screen showed in 2 s, in a folder of its own.</summary>
    internal static string DataWithPrinter(string printer)
    {
        var data = Directory.CreateTempSubdirectory("restaurant-printer-").FullName;
        var demo = JsonNode.Parse(File.ReadAllText(ServiceProcess.RepoFile("data", "locations", "demo.json")))!;
        var grill = demo["stations"]!.AsArray().Single(s => (string?)s!["id"] == "grill")!;
        grill["printer"] = printer;
        grill["show_within_seconds"] = 2;
        File.WriteAllText(Path.Combine(data, "demo.json"), demo.ToJsonString());
        return data;
    }

    internal static readonly Dictionary<string, string> QuickIncidents = new()
    {
        ["Restaurant__Incidents__Interval"] = "00:00:00.300",
        ["Restaurant__Incidents__ScreenGone"] = "00:00:03",
        ["Restaurant__Incidents__PrinterTimeout"] = "00:00:01",
        ["Restaurant__Incidents__PrintClaim"] = "00:00:03",
    };

    private static async Task<IReadOnlyList<Incident>> IncidentsAsync(Deployment deployment) =>
        (await new Reports.ReportsClient(deployment.Invoker).ListIncidentsAsync(new ListIncidentsRequest { LocationId = "demo" })).Incidents;

    private static Task<Incident> IncidentAsync(Deployment deployment, Func<Incident, bool> wanted, string what) =>
        Eventually.WaitForAsync(async () => (await IncidentsAsync(deployment)).FirstOrDefault(wanted), i => i is not null, Patience, what)!;

    private static ServiceProcess Screen(Deployment deployment) =>
        ServiceProcess.StartClient("kds", ["kds", "--station", "grill", "--plain", "--server", $"http://127.0.0.1:{deployment.Port}", "--token", TestDevices.DemoGrill]);

    /// <summary>The order's grill receipt, or an empty one while the order is not routed yet.</summary>
    private static async Task<TicketReceipt> GrillReceiptAsync(Deployment deployment, string orderId) =>
        (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = orderId })).Order.Receipts.SingleOrDefault(r => r.StationId == "grill")
        ?? new TicketReceipt();

    [Fact]
    public async Task AKilledScreensStationPrintsItsNextTicketOnceAndTheIncidentsCloseWhenAScreenIsBack()
    {
        await using var printer = new KitchenPrinter();
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string> { ["Restaurant__Locations__DataPath"] = DataWithPrinter(printer.Address) });
        deployment.StartWorker("worker-a", settings: QuickIncidents);

        var screen = Screen(deployment);
        var first = Order("demo", Line("classic-burger"));
        await deployment.Orders.PlaceOrderAsync(first);
        await Eventually.WaitForAsync(async () => (await GrillReceiptAsync(deployment, first.OrderId)).ShownAt is not null, Patience, "the screen to show the first ticket");
        screen.Kill();
        screen.Dispose();

        // The screen is unplugged: the station is unwatched, and its next ticket comes out of the printer.
        var second = Order("demo", Line("ribeye", 1, "", "medium rare"));
        await deployment.Orders.PlaceOrderAsync(second);
        var unwatched = await IncidentAsync(deployment, i => i.Kind == IncidentKind.StationUnwatched && i.StationId == "grill", "the grill unwatched");
        await Eventually.WaitForAsync(() => Task.FromResult(printer.Prints.Count > 0), Patience, "the backup print");
        var print = Assert.Single(printer.Prints);
        Assert.Contains("1 x Ribeye Steak 12oz\n   - medium rare", print);
        var printed = await IncidentAsync(deployment, i => i.Kind == IncidentKind.TicketPrinted && i.OrderId == second.OrderId, "the printed ticket's incident");
        Assert.NotNull((await GrillReceiptAsync(deployment, second.OrderId)).PrintedAt);
        Assert.Null((await GrillReceiptAsync(deployment, first.OrderId)).PrintedAt);

        // A screen is back: it shows the printed ticket too, and the incidents close.
        using var back = Screen(deployment);
        await IncidentAsync(deployment, i => i.IncidentId == unwatched.IncidentId && i.ResolvedAt is not null, "the unwatched incident closed");
        await IncidentAsync(deployment, i => i.IncidentId == printed.IncidentId && i.ResolvedAt is not null, "the printed incident closed");
        Assert.Single(printer.Prints);
    }

    [Fact]
    public async Task AWorkerKilledWhilePrintingLeavesThePrintToTheOtherAndItPrintsOnce()
    {
        await using var printer = new KitchenPrinter { HoldFirstAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string> { ["Restaurant__Locations__DataPath"] = DataWithPrinter(printer.Address) });
        var first = deployment.StartWorker("worker-a", settings: QuickIncidents);
        var db = deployment.Mux.GetDatabase();
        await Eventually.WaitForAsync(async () => (await db.StringGetAsync("rst:{demo}:lease")).ToString(), h => h == "worker-a", Patience, "worker-a to hold demo");

        var order = Order("demo", Line("classic-burger"));
        await deployment.Orders.PlaceOrderAsync(order);

        // worker-a has claimed the ticket and is talking to the printer, which holds its answer: a second
        // worker joins, and worker-a dies there.
        await Eventually.WaitForAsync(() => Task.FromResult(printer.Connections > 0), Patience, "worker-a to reach the printer");
        deployment.StartWorker("worker-b", settings: QuickIncidents);
        first.Kill();
        var hold = printer.HoldFirstAnswer!;
        printer.HoldFirstAnswer = null;
        hold.SetResult();

        await Eventually.WaitForAsync(() => Task.FromResult(printer.Prints.Count > 0), Patience, "worker-b's print");
        Assert.Equal("worker-b", (await db.StringGetAsync("rst:{demo}:lease")).ToString());
        await Eventually.WaitForAsync(async () => (await GrillReceiptAsync(deployment, order.OrderId)).PrintedAt is not null, Patience, "the print in the receipt");
        await IncidentAsync(deployment, i => i.Kind == IncidentKind.TicketPrinted && i.OrderId == order.OrderId, "the printed ticket's incident");
        Assert.True(printer.Prints.Count == 1, $"{printer.Prints.Count} prints over {printer.Connections} connections\n{deployment.Logs}");
        Assert.True(printer.Connections >= 2, $"{printer.Connections} connections");
    }
}
