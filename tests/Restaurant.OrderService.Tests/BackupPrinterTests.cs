using System.Net;
using System.Net.Sockets;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// The kitchen printer as the backup: a ticket no screen shows prints on its station's printer (a
/// loopback listener that speaks ESC/POS), once, with what the cook needs; the print is in the
/// ticket's receipts and an incident; a printer that refuses or is offline is an incident of its own,
/// and the print comes when it works again.
/// </summary>
public class BackupPrinterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static Task<string> LocationWithPrinterAsync(TestWorld world, string printer) =>
        world.NewLocationAsync(d => d with { Stations = [.. d.Stations.Select(s => s.Id == "grill" ? s with { ShowWithinSeconds = 1, Printer = printer } : s)] });

    private static async Task<IReadOnlyList<Incident>> IncidentsAsync(TestWorld world, string location) =>
        (await world.Reports.ListIncidentsAsync(new ListIncidentsRequest { LocationId = location })).Incidents;

    private static Task<Incident> IncidentAsync(TestWorld world, string location, Func<Incident, bool> wanted, string what) =>
        Eventually.WaitForAsync(async () => (await IncidentsAsync(world, location)).FirstOrDefault(wanted), i => i is not null, Patience, what)!;

    [Fact]
    public async Task ATicketNoScreenShowsPrintsOnceOnItsStationsPrinterWithWhatTheCookNeeds()
    {
        var world = await TestWorld.GetAsync();
        await using var printer = new KitchenPrinter();
        var location = await LocationWithPrinterAsync(world, printer.Address);
        var order = Order(location, Line("classic-burger", 1, "well done please", "no onion", "NUT ALLERGY"), Line("french-fries"));
        order.GuestName = "Sam K.";
        await world.PlaceInKitchenAsync(order);
        var number = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order.Number;

        var print = (await Eventually.WaitForAsync(async () => await Task.FromResult(printer.Prints), p => p.Count > 0, Patience, "the backup print"))[0];

        Assert.Contains("BACKUP", print);
        Assert.Contains("FROM GRILL: NO SCREEN SHOWED IT", print);
        Assert.Contains($"#{number}\n", print);
        Assert.Contains("Sam K.", print);
        Assert.Contains("1 x Classic Burger\n   - no onion\n   !! NUT ALLERGY\n   note: well done please\n", print);
        Assert.DoesNotContain("French Fries", print);
        var printed = await IncidentAsync(world, location, i => i.Kind == IncidentKind.TicketPrinted, "the printed ticket's incident");
        Assert.Equal($"{order.OrderId}:grill", printed.TicketId);
        var receipt = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order.Receipts.Single(r => r.StationId == "grill");
        Assert.NotNull(receipt.PrintedAt);

        // A screen comes and shows it: the incidents resolve, and it never printed again meanwhile.
        using var screen = world.Kitchen.WatchStation(new WatchStationRequest { LocationId = location, StationId = "grill" });
        Assert.True(await screen.ResponseStream.MoveNext(CancellationToken.None));
        await IncidentAsync(world, location, i => i.IncidentId == printed.IncidentId && i.ResolvedAt is not null, "the printed incident resolved");
        Assert.Single(printer.Prints);
        Assert.Equal(1, printer.Connections);
    }

    [Fact]
    public async Task APrinterThatRefusesOrIsOfflineIsAnIncidentAndTheTicketPrintsOnceWhenItWorksAgain()
    {
        var world = await TestWorld.GetAsync();
        int port;
        using (var reserve = new TcpListener(IPAddress.Loopback, 0))
        {
            reserve.Start();
            port = ((IPEndPoint)reserve.LocalEndpoint).Port;
        }

        var location = await LocationWithPrinterAsync(world, $"127.0.0.1:{port}");
        var order = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(order);

        var refused = await IncidentAsync(world, location, i => i.Kind == IncidentKind.PrinterDown, "the refusing printer's incident");
        Assert.Equal((IncidentSeverity.Critical, "grill"), (refused.Severity, refused.StationId));
        Assert.Contains("refused", refused.Message);

        await using var printer = new KitchenPrinter(port, offline: true);
        await Eventually.WaitForAsync(() => Task.FromResult(printer.Connections > 0), Patience, "the printer asked while offline");
        Assert.Empty(printer.Prints);
        printer.Offline = false;

        await Eventually.WaitForAsync(() => Task.FromResult(printer.Prints.Count > 0), Patience, "the print once the printer is back");
        await IncidentAsync(world, location, i => i.IncidentId == refused.IncidentId && i.ResolvedAt is not null, "the printer incident resolved");
        await IncidentAsync(world, location, i => i.Kind == IncidentKind.TicketPrinted, "the printed ticket's incident");
        Assert.Single(printer.Prints);
    }
}
