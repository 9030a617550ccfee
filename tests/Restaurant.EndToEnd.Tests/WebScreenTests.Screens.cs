using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>The screens' layout at a tablet's and a wall screen's size, expo's own controls, and a balanced station's two screens.</summary>
public sealed partial class WebScreenTests
{
    [Fact]
    public async Task TheStationScreenIsUsableOnASmallTablet()
    {
        var page = await ScreenAsync(TestDevices.DemoGrill, 800, 480);
        await page.GotoAsync($"{_site}/kds/demo/grill");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start shift" }).ClickAsync();
        var number = (await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("classic-burger")))).Order.Number;
        var bump = Card(page, number).GetByRole(AriaRole.Button, new() { Name = "Bump" });
        await Assertions.Expect(bump).ToBeInViewportAsync();
        var box = await bump.BoundingBoxAsync();
        Assert.True(box is { Height: >= 48, Width: >= 48 }, $"the Bump button is {box?.Width} × {box?.Height} px");
        await bump.ClickAsync();
        await Assertions.Expect(Card(page, number)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task MidServiceTheFirstEightTicketsShowWithoutScrollingAtTheWallScreensSize()
    {
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        var expo = await StationAsync(TestDevices.DemoExpo, "expo");
        var board = await ScreenAsync(null);
        await board.GotoAsync($"{_site}/board/demo");

        // A service's worth of tickets: a rush, an allergy, a held course, a voided line, a note.
        var rush = Order("demo", Line("ribeye", 1, "", "medium rare"), Line("caesar-salad"));
        rush.Rush = true;
        var coursed = Order("demo", Line("classic-burger", 1, "", "well done"), Line("chocolate-lava-cake"));
        coursed.Lines[1].Course = 2;
        var requests = new List<PlaceOrderRequest>
        {
            Order("demo", Line("classic-burger", 2, "", "no onion", "extra cheese"), Line("french-fries", 2)),
            Order("demo", Line("grilled-salmon", 1, "sauce on the side please", "no butter")),
            coursed,
            Order("demo", Line("bacon-cheeseburger", 1, "", "GLUTEN ALLERGY", "gluten free bun"), Line("house-lager")),
            Order("demo", Line("chicken-skewers", 3, "", "extra spicy")),
            Order("demo", Line("bbq-ribs", 1, "", "side of fries")),
            rush,
            Order("demo", Line("classic-burger", 1), Line("ribeye", 1, "", "rare")),
            Order("demo", Line("classic-burger", 1, "", "medium")),
        };
        var numbers = new List<int>();
        foreach (var request in requests)
        {
            numbers.Add((await _deployment.Orders.PlaceOrderAsync(request)).Order.Number);
        }

        var voiding = new VoidItemsRequest { LocationId = "demo", OrderId = requests[^2].OrderId };
        voiding.LineIndexes.Add(1);
        await _deployment.Orders.VoidItemsAsync(voiding);

        await Assertions.Expect(grill.GetByRole(AriaRole.Article)).ToHaveCountAsync(8);
        foreach (var card in await grill.GetByRole(AriaRole.Article).AllAsync())
        {
            await Assertions.Expect(card).ToBeInViewportAsync(new() { Ratio = 1 });
        }

        // Rush first, then oldest first.
        await Assertions.Expect(grill.GetByRole(AriaRole.Article).First).ToHaveAttributeAsync("aria-label", new Regex($"^Order {numbers[6]}, rush"));
        await Assertions.Expect(board.GetByRole(AriaRole.Region, new() { Name = "Preparing" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(requests.Count);
        await grill.Keyboard.PressAsync("3");
        await Screenshot(grill, "station.png");
        await Screenshot(expo, "expo.png");
        // The salmon is the grill's alone: bumped, its order is ready for the guest.
        await Card(grill, numbers[1]).GetByRole(AriaRole.Button, new() { Name = "Bump" }).ClickAsync();
        await Assertions.Expect(board.GetByRole(AriaRole.Region, new() { Name = "Ready" }).GetByText(numbers[1].ToString(), new() { Exact = true })).ToBeVisibleAsync();
        await Screenshot(board, "board.png");
    }

    [Fact]
    public async Task ExpoFiresAHeldCourseAVoidIsStruckThroughThenDroppedAndThe86ListShowsWhatIsOut()
    {
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        var dessert = await StationAsync(TestDevices.Manager, "dessert");
        var expo = await StationAsync(TestDevices.DemoExpo, "expo");
        await _deployment.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = "demo", MenuItemId = "ribeye", Available = false });
        await Assertions.Expect(grill.Locator("#off")).ToContainTextAsync("Ribeye Steak 12oz");

        var order = Order("demo", Line("classic-burger"), Line("chocolate-lava-cake"));
        order.Lines[1].Course = 2;
        var number = (await _deployment.Orders.PlaceOrderAsync(order)).Order.Number;
        await Assertions.Expect(Card(grill, number)).ToBeVisibleAsync();
        await Assertions.Expect(Card(expo, number)).ToContainTextAsync("dessert 2: held");
        await Assertions.Expect(Card(dessert, number)).ToHaveCountAsync(0);

        await Card(expo, number).GetByRole(AriaRole.Button, new() { Name = "Fire course 2" }).ClickAsync();
        await Assertions.Expect(Card(dessert, number)).ToContainTextAsync("Chocolate Lava Cake");

        var voiding = new VoidItemsRequest { LocationId = "demo", OrderId = order.OrderId };
        voiding.LineIndexes.Add(0);
        await _deployment.Orders.VoidItemsAsync(voiding);
        var voided = grill.GetByRole(AriaRole.Article, new() { NameRegex = new Regex($"^Order {number}, .*voided") });
        await Assertions.Expect(voided).ToBeVisibleAsync();
        await Assertions.Expect(voided.GetByRole(AriaRole.Button, new() { Name = "Bump" })).ToHaveCountAsync(0);
        await Assertions.Expect(Card(grill, number)).ToHaveCountAsync(0, new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task TheTwoScreensOfABalancedStationShareItsTicketsEachOnOne()
    {
        // The demo's grill is balanced: each ticket goes to one of its live screens.
        var left = await ScreenAsync(TestDevices.DemoGrill);
        var right = await ScreenAsync(TestDevices.DemoGrill);
        foreach (var (page, name) in new[] { (left, "left"), (right, "right") })
        {
            await page.GotoAsync($"{_site}/kds/demo/grill?screen={name}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Start shift" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("LIVE");
        }

        var numbers = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            numbers.Add((await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("classic-burger")))).Order.Number);
        }

        foreach (var number in numbers)
        {
            await Eventually.WaitForAsync(
                async () => await Card(left, number).CountAsync() + await Card(right, number).CountAsync() == 1,
                TimeSpan.FromSeconds(15),
                $"order {number} on exactly one of the grill's screens");
        }

        Assert.True(await left.GetByRole(AriaRole.Article).CountAsync() > 0 && await right.GetByRole(AriaRole.Article).CountAsync() > 0, "both screens get tickets");
    }

    [Fact]
    public async Task ACardNamesTheGuestAnOrderIsFor()
    {
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        var order = Order("demo", Line("classic-burger"));
        order.GuestName = "Sam K.";

        var number = (await _deployment.Orders.PlaceOrderAsync(order)).Order.Number;

        await Assertions.Expect(Card(grill, number)).ToContainTextAsync("Sam K.");
        await Assertions.Expect(grill.GetByRole(AriaRole.Article, new() { NameRegex = new Regex($"^Order {number}, for Sam K\\.") })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheManagersPageShowsIncidentsWithinSecondsAcknowledgesThemAndEightySixesFromThePage()
    {
        var page = await ScreenAsync(TestDevices.Manager, 1440, 900);
        await page.GotoAsync($"{_site}/manager/demo");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("LIVE");
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("^Grill") })).ToBeVisibleAsync();

        // An order the grill has no screen for, and an 86 from the page: both are incidents within seconds.
        var order = Order("demo", Line("classic-burger"), Line("french-fries"));
        await _deployment.Orders.PlaceOrderAsync(order);
        await page.GetByLabel("Item").SelectOptionAsync(new SelectOptionValue { Label = "Ribeye Steak 12oz" });
        await page.GetByRole(AriaRole.Button, new() { Name = "86", Exact = true }).ClickAsync();
        var eightySixed = page.GetByRole(AriaRole.Article, new() { Name = "86: Ribeye Steak 12oz is 86'd." });
        await Assertions.Expect(eightySixed).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var unwatched = page.GetByRole(AriaRole.Article, new() { NameRegex = new Regex("^Station unwatched: Grill has 1 open ticket") });
        await Assertions.Expect(unwatched).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("^Grill none 1") })).ToBeVisibleAsync();

        await unwatched.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Assertions.Expect(unwatched).ToContainTextAsync("acknowledged by manager");
        var incidents = await new Reports.ReportsClient(_deployment.Invoker).ListIncidentsAsync(new ListIncidentsRequest { LocationId = "demo" });
        Assert.Equal("manager", incidents.Incidents.Single(i => i.Kind == IncidentKind.StationUnwatched && i.StationId == "grill").AcknowledgedBy);
        // A bumped ticket is in today's speed of service, which a fresh page shows at once.
        await Eventually.WaitForAsync(async () => (await OrderAsync(order.OrderId)).Status == OrderStatus.InKitchen, TimeSpan.FromSeconds(15), "the order in the kitchen");
        await _deployment.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = "demo", StationId = "fryer", TicketId = $"{order.OrderId}:fryer" });
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^Speed of service today: Fryer \\d+ s mean over 1 tickets") })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(unwatched).ToContainTextAsync("acknowledged by manager");
        await Screenshot(page, "manager.png");
        await AssertAccessibleAsync(page, "the manager's page");

        // Back from the page: the 86 resolves and leaves the open incidents.
        await page.GetByRole(AriaRole.Button, new() { Name = "Back: Ribeye Steak 12oz" }).ClickAsync();
        await Assertions.Expect(eightySixed).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#resolved")).ToContainTextAsync("Ribeye Steak 12oz is 86'd.");
        await Assertions.Expect(page.GetByLabel("Item")).ToContainTextAsync("Ribeye Steak 12oz");
    }

    [Fact]
    public async Task AManagerWatchingSeesAnUnpluggedScreensTicketPrintOnTheBackupPrinterAndTheIncidentsCloseWhenTheScreenIsBack()
    {
        var manager = await ScreenAsync(TestDevices.Manager, 1440, 900);
        await manager.GotoAsync($"{_site}/manager/demo");
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToHaveTextAsync("LIVE");
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        await Assertions.Expect(manager.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("^Grill 1 live") })).ToBeVisibleAsync();
        var first = Order("demo", Line("classic-burger"));
        var shown = (await _deployment.Orders.PlaceOrderAsync(first)).Order.Number;
        await Assertions.Expect(Card(grill, shown)).ToBeVisibleAsync();

        // The page itself tells the service what reached it: the receipt says shown once it has.
        await Eventually.WaitForAsync(
            async () => (await OrderAsync(first.OrderId)).Receipts.Any(r => r.StationId == "grill" && r.ShownAt is not null), TimeSpan.FromSeconds(10), "the page to confirm the first ticket");

        // The grill's tablet is unplugged; the next grill ticket is on no screen.
        await grill.Context.CloseAsync();
        var order = Order("demo", Line("ribeye", 1, "", "medium rare", "NUT ALLERGY"));
        var number = (await _deployment.Orders.PlaceOrderAsync(order)).Order.Number;
        var notShown = manager.GetByRole(AriaRole.Article, new() { NameRegex = new Regex($"^Ticket on no screen: Order #{number}'s ticket at Grill") });
        await Assertions.Expect(notShown).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var printed = manager.GetByRole(AriaRole.Article, new() { NameRegex = new Regex($"^Backup print: Order #{number}'s ticket at Grill printed on the backup printer") });
        await Assertions.Expect(printed).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.True(_printer.Prints.Count == 1, string.Join("\n====\n", _printer.Prints) + "\n" + _deployment.Logs);
        var print = _printer.Prints[0];
        Assert.Contains($"#{number}\n", print);
        Assert.Contains("1 x Ribeye Steak 12oz\n   - medium rare\n   !! NUT ALLERGY", print);
        await Screenshot(manager, "manager-backup-print.png");

        // A screen is back on the grill: it shows the ticket, and the incidents close on the manager's page.
        var back = await StationAsync(TestDevices.DemoGrill, "grill");
        await Assertions.Expect(Card(back, number)).ToBeVisibleAsync();
        await Assertions.Expect(notShown).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Assertions.Expect(printed).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        Assert.Single(_printer.Prints);
    }
}
