using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// The kitchen's browser screens in a real browser (Debian's chromium, driven by Playwright) against
/// real OrderService, KitchenWorker, Redis and web host processes: pairing, the station and expo
/// screens, the bump bar, a service outage under an open page, and the guest board.
/// </summary>
public sealed partial class WebScreenTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);
    private Deployment _deployment = null!;
    private KitchenPrinter _printer = null!;
    private Dictionary<string, string> _service = null!;
    private ServiceProcess _web = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _site = "";

    public async Task InitializeAsync()
    {
        // The demo, its grill backed by a kitchen printer (a loopback listener) for a ticket no screen shows in 2 s.
        _printer = new KitchenPrinter();
        _service = new Dictionary<string, string> { ["Restaurant__Locations__DataPath"] = BackupPrintTests.DataWithPrinter(_printer.Address) };
        _deployment = await Deployment.StartAsync();
        await _deployment.StartOrderServiceAsync(settings: _service);
        _deployment.StartWorker("worker-a", settings: BackupPrintTests.QuickIncidents);
        var port = RedisServer.FreePort();
        _site = $"http://127.0.0.1:{port}";
        _web = ServiceProcess.StartWeb($"http://127.0.0.1:{_deployment.Port}", port, new Dictionary<string, string>
        {
            ["Restaurant__Web__StaleAfter"] = StaleAfter.ToString(),
            ["Restaurant__Web__Boards__demo"] = TestDevices.DemoBoard,
            ["Restaurant__Web__BoardLinger"] = "00:00:02",
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    using var http = new HttpClient();
                    return (await http.GetAsync($"{_site}/pair")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "the web host to answer");
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _web.Dispose();
        await _deployment.DisposeAsync();
        await _printer.DisposeAsync();
    }

    /// <summary>A browser of its own (a tablet on the wall) paired with a device token through /pair.</summary>
    private async Task<IPage> ScreenAsync(string? token, int width = 1280, int height = 800)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        if (token is not null)
        {
            await page.GotoAsync($"{_site}/pair");
            await page.GetByLabel("Device token").FillAsync(token);
            await page.GetByRole(AriaRole.Button, new() { Name = "Pair" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Paired" })).ToBeVisibleAsync();
        }

        return page;
    }

    private async Task<IPage> StationAsync(string token, string station)
    {
        var page = await ScreenAsync(token);
        await page.GotoAsync($"{_site}/kds/demo/{station}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start shift" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("LIVE");
        return page;
    }

    private static ILocator Card(IPage page, int number) =>
        page.GetByRole(AriaRole.Article, new() { NameRegex = new Regex($"^Order {number}(,|$)") });

    private async Task<Order> OrderAsync(string orderId) =>
        (await _deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = orderId })).Order;

    private async Task Screenshot(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("RESTAURANT_SCREENSHOTS") ?? Path.Combine(AppContext.BaseDirectory, "screens");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name) });
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{what}: " + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html).Take(3))}")));
    }

    [Fact]
    public async Task AnOrderAppearsOnEveryStationAndExpoIsBumpedThroughAndTheBoardFollowsIt()
    {
        try
        {
            var grill = await StationAsync(TestDevices.DemoGrill, "grill");
            var fryer = await StationAsync(TestDevices.Manager, "fryer");
            var expo = await StationAsync(TestDevices.DemoExpo, "expo");
            var board = await ScreenAsync(null);
            await board.GotoAsync($"{_site}/board/demo");
            await Assertions.Expect(board.GetByRole(AriaRole.Status)).ToHaveTextAsync("LIVE");

            var order = Order("demo", Line("classic-burger", 2, "medium rare", "no onion", "NUT ALLERGY"), Line("french-fries"));
            var number = (await _deployment.Orders.PlaceOrderAsync(order)).Order.Number;
            var grillCard = Card(grill, number);
            await Assertions.Expect(grillCard).ToBeVisibleAsync();
            await Assertions.Expect(grillCard).ToContainTextAsync("Classic Burger");
            await Assertions.Expect(grillCard).ToContainTextAsync("NUT ALLERGY");
            await Assertions.Expect(grillCard).ToContainTextAsync("medium rare");
            await Assertions.Expect(Card(fryer, number)).ToBeVisibleAsync();
            await Assertions.Expect(Card(expo, number)).ToBeVisibleAsync();
            var preparing = board.GetByRole(AriaRole.Region, new() { Name = "Preparing" });
            var ready = board.GetByRole(AriaRole.Region, new() { Name = "Ready" });
            await Assertions.Expect(preparing.GetByText(number.ToString(), new() { Exact = true })).ToBeVisibleAsync();

            // A new ticket sounds once the shift has started.
            await Eventually.WaitForAsync(async () => await grill.EvaluateAsync<int>("window.kds.sounds") >= 1, TimeSpan.FromSeconds(10), "the grill's sound of a new ticket");

            // Expo before ready: refused, in words, on the card.
            await Card(expo, number).GetByRole(AriaRole.Button, new() { Name = "Bump" }).ClickAsync();
            await Assertions.Expect(Card(expo, number).GetByRole(AriaRole.Alert)).ToContainTextAsync("still cooking");

            await AssertAccessibleAsync(grill, "the grill's screen");
            await AssertAccessibleAsync(expo, "expo's screen");
            await AssertAccessibleAsync(board, "the guest board");

            await grillCard.GetByRole(AriaRole.Button, new() { Name = "Bump" }).ClickAsync();
            await Assertions.Expect(grillCard).ToHaveCountAsync(0);
            await Eventually.WaitForAsync(
                async () => (await OrderAsync(order.OrderId)).Receipts.Single(r => r.StationId == "grill").State == ProgressState.Bumped,
                TimeSpan.FromSeconds(10),
                "the order's receipt to say the grill bumped it");
            await Card(fryer, number).GetByRole(AriaRole.Button, new() { Name = "Bump" }).ClickAsync();

            await Assertions.Expect(expo.GetByRole(AriaRole.Article, new() { NameRegex = new Regex($"^Order {number}, .*ready") })).ToBeVisibleAsync();
            await Assertions.Expect(ready.GetByText(number.ToString(), new() { Exact = true })).ToBeVisibleAsync();
            await Card(expo, number).GetByRole(AriaRole.Button, new() { Name = "Bump" }).ClickAsync();
            await Eventually.WaitForAsync(async () => (await OrderAsync(order.OrderId)).Status == OrderStatus.Completed, TimeSpan.FromSeconds(10), "the order to be completed");
            await Assertions.Expect(Card(expo, number)).ToHaveCountAsync(0);

            // Completed, it stays under Ready for the guest a while (2 s here), then leaves the board.
            await Assertions.Expect(ready.GetByText(number.ToString(), new() { Exact = true })).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        }
        catch
        {
            output.WriteLine(_web.Tail());
            output.WriteLine(_deployment.Logs);
            throw;
        }
    }

    [Fact]
    public async Task BumpBarKeysSelectBumpAndRecall()
    {
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        var first = (await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("classic-burger")))).Order.Number;
        var second = (await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("ribeye")))).Order.Number;
        await Assertions.Expect(Card(grill, second)).ToBeVisibleAsync();

        await grill.Keyboard.PressAsync("2");
        await Assertions.Expect(Card(grill, second)).ToHaveClassAsync(new Regex("selected"));
        await grill.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Card(grill, second)).ToHaveCountAsync(0);
        await Assertions.Expect(Card(grill, first)).ToBeVisibleAsync();

        await grill.Keyboard.PressAsync("r");
        await Assertions.Expect(Card(grill, second)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheAllDayPanelAndTheCountsLeftFollowTheOrdersAndATapOnRecallBringsATicketBack()
    {
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        var counting = new SetItemAvailabilityRequest { LocationId = "demo", MenuItemId = "ribeye", Available = true, Remaining = 3 };
        await _deployment.Menu.SetItemAvailabilityAsync(counting);
        var ribeyeLeft = grill.Locator("#off li").Filter(new() { HasText = "Ribeye Steak 12oz" });
        await Assertions.Expect(ribeyeLeft).ToContainTextAsync("3 left");

        var first = (await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("ribeye", 2), Line("classic-burger")))).Order.Number;
        var second = (await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("classic-burger")))).Order.Number;
        await Assertions.Expect(Card(grill, second)).ToBeVisibleAsync();
        await Assertions.Expect(ribeyeLeft).ToContainTextAsync("1 left");
        var allDay = grill.Locator("#allday li");
        await Assertions.Expect(allDay.Filter(new() { HasText = "Ribeye Steak 12oz" })).ToContainTextAsync("2");
        await Assertions.Expect(allDay.Filter(new() { HasText = "Classic Burger" })).ToContainTextAsync("2");
        var recall = grill.GetByRole(AriaRole.Button, new() { Name = "Recall", Exact = true });
        await Assertions.Expect(recall).ToBeDisabledAsync();

        await Card(grill, first).GetByRole(AriaRole.Button, new() { Name = "Bump" }).ClickAsync();
        await Assertions.Expect(Card(grill, first)).ToHaveCountAsync(0);
        await Assertions.Expect(allDay.Filter(new() { HasText = "Ribeye Steak 12oz" })).ToHaveCountAsync(0);
        await Assertions.Expect(allDay.Filter(new() { HasText = "Classic Burger" })).ToContainTextAsync("1");
        await Assertions.Expect(grill.GetByRole(AriaRole.Button, new() { Name = $"Recall order {first}" })).ToBeVisibleAsync();

        await recall.ClickAsync();
        await Assertions.Expect(Card(grill, first)).ToBeVisibleAsync();
        await Assertions.Expect(allDay.Filter(new() { HasText = "Ribeye Steak 12oz" })).ToContainTextAsync("2");
        await Assertions.Expect(grill.GetByRole(AriaRole.Button, new() { Name = $"Recall order {first}" })).ToHaveCountAsync(0);

        await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("ribeye")));
        await Assertions.Expect(ribeyeLeft).ToHaveClassAsync(new Regex("out"));
        await Assertions.Expect(ribeyeLeft).ToContainTextAsync("86");
    }

    [Fact]
    public async Task AScreenPairedForTheGrillCannotOpenTheFryerOrBumpItsTickets()
    {
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        var order = Order("demo", Line("french-fries"));
        await _deployment.Orders.PlaceOrderAsync(order);

        var answer = await grill.GotoAsync($"{_site}/kds/demo/fryer");
        Assert.Equal(403, answer!.Status);
        await Assertions.Expect(grill.GetByRole(AriaRole.Alert)).ToContainTextAsync("not station 'fryer'");
        var bump = await grill.EvaluateAsync<int>(
            "id => fetch('/kds/demo/fryer/bump', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticketId: id }) }).then(r => r.status)",
            $"{order.OrderId}:fryer");
        Assert.Equal(403, bump);
        await Eventually.WaitForAsync(async () => (await OrderAsync(order.OrderId)).Status == OrderStatus.InKitchen, TimeSpan.FromSeconds(10), "the order in the kitchen");
        Assert.NotEqual(ProgressState.Bumped, (await OrderAsync(order.OrderId)).Receipts.Single(r => r.StationId == "fryer").State);
    }

    [Fact]
    public async Task APageWhoseServiceStopsSaysSoAndResumesWithEveryTicketPlacedMeanwhileOnce()
    {
        var grill = await StationAsync(TestDevices.DemoGrill, "grill");
        var before = (await _deployment.Orders.PlaceOrderAsync(Order("demo", Line("classic-burger")))).Order.Number;
        await Assertions.Expect(Card(grill, before)).ToBeVisibleAsync();

        // The POS keeps placing orders through a second OrderService while the page's one is down.
        var other = RedisServer.FreePort();
        using var second = ServiceProcess.StartOrderService(_deployment.ConnectionString, other, ServiceProcess.RepoFile("data", "locations"));
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{other}");
        var pos = new Orders.OrdersClient(channel.CreateCallInvoker().As(TestDevices.Manager));
        await Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    await pos.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = Guid.NewGuid().ToString() });
                    return true;
                }
                catch (Grpc.Core.RpcException ex)
                {
                    return ex.StatusCode == Grpc.Core.StatusCode.NotFound;
                }
            },
            TimeSpan.FromSeconds(30),
            "the second OrderService to answer");

        var stopped = DateTimeOffset.UtcNow;
        _deployment.OrderService!.Kill();
        var banner = grill.GetByRole(AriaRole.Alert).Filter(new() { HasTextRegex = new Regex("NO UPDATES SINCE") });
        await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var noticed = DateTimeOffset.UtcNow - stopped;
        output.WriteLine($"the banner showed {noticed.TotalSeconds:0.0} s after the OrderService stopped (stale after {StaleAfter.TotalSeconds} s)");
        Assert.True(noticed < StaleAfter + TimeSpan.FromSeconds(3), $"the banner took {noticed.TotalSeconds:0.0} s");

        var meanwhile = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            meanwhile.Add((await pos.PlaceOrderAsync(Order("demo", Line("ribeye")))).Order.Number);
        }

        await _deployment.StartOrderServiceAsync(settings: _service);
        await Assertions.Expect(grill.GetByRole(AriaRole.Status)).ToHaveTextAsync("LIVE", new() { Timeout = 15_000 });
        await Assertions.Expect(banner).ToBeHiddenAsync();
        foreach (var number in meanwhile.Prepend(before))
        {
            await Assertions.Expect(Card(grill, number)).ToHaveCountAsync(1);
        }

        Assert.Equal(4, await grill.GetByRole(AriaRole.Article).CountAsync());
    }
}
