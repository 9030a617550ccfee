using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Playwright;
using Restaurant.Contracts.V1;

// The browser path's cost: place → card on screen in a real browser (one tab per station, each in
// its own browser context as separate wall tablets would be), beside place → ticket_added over gRPC
// of the same orders in the same run. Every ticket is bumped once its card was on screen (expo's once
// the order is also ready), so the screens stay short and every card gets its moment on screen.
//
//   Restaurant.WebBench --server URL --web URL --token T [--rates 20,100] [--seconds 10] [--out DIR]
//                       [--pages grill,expo]   only these stations get a browser page (all by default)
var options = Options.Parse(args);
using var channel = GrpcChannel.ForAddress(options.Server);
var invoker = channel.CreateCallInvoker().Intercept(metadata =>
{
    metadata.Add("authorization", $"Bearer {options.Token}");
    return metadata;
});
var menu = new Menu.MenuClient(invoker);
var orders = new Orders.OrdersClient(invoker);
var kitchen = new Kitchen.KitchenClient(invoker);
var definition = await menu.GetMenuAsync(new GetMenuRequest { LocationId = options.Location });
var stations = definition.Stations.ToList();
var expo = stations.Single(s => s.IsExpo).StationId;
var cooking = definition.Items.Where(i => i.Available).GroupBy(i => i.StationId).ToDictionary(g => g.Key, g => g.First().MenuItemId);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
var pages = new Dictionary<string, IPage>(StringComparer.Ordinal);
var profiles = new Dictionary<string, ICDPSession>(StringComparer.Ordinal);
foreach (var station in stations.Where(s => options.Pages.Length == 0 || options.Pages.Contains(s.StationId)))
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
    var page = await context.NewPageAsync();
    await page.GotoAsync($"{options.Web}/pair");
    await page.GetByLabel("Device token").FillAsync(options.Token);
    await page.GetByRole(AriaRole.Button, new() { Name = "Pair" }).ClickAsync();
    await page.GotoAsync($"{options.Web}/kds/{options.Location}/{station.StationId}");
    await page.GetByRole(AriaRole.Button, new() { Name = "Start shift" }).ClickAsync();
    await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("LIVE");
    pages[station.StationId] = page;
    var cdp = await context.NewCDPSessionAsync(page);
    await cdp.SendAsync("Performance.enable");
    profiles[station.StationId] = cdp;
}

// Where each page's main thread spent its time during a step (Chromium's own counters, seconds).
async Task<Dictionary<string, double>> MetricsAsync(string station)
{
    var answer = await profiles[station].SendAsync("Performance.getMetrics");
    var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
    foreach (var metric in answer!.Value.GetProperty("metrics").EnumerateArray())
    {
        metrics[metric.GetProperty("name").GetString()!] = metric.GetProperty("value").GetDouble();
    }

    return metrics;
}

// The gRPC side: a watcher per station that notes when each ticket arrived, and which expo tickets are ready.
var grpcSeen = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
var webShown = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
var webReceived = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
var webWaited = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
var webPainted = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
var expoReady = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
var bumped = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
using var stop = new CancellationTokenSource();
var watchers = stations.Select(s => WatchAsync(s.StationId, stop.Token)).ToList();
var polling = PollPagesAsync(stop.Token);

var results = new List<Step>();
await RunStepAsync(options.Rates[0], 2);
foreach (var rate in options.Rates)
{
    var before = new Dictionary<string, Dictionary<string, double>>();
    foreach (var station in pages.Keys)
    {
        before[station] = await MetricsAsync(station);
    }

    var step = await RunStepAsync(rate, options.Seconds);
    results.Add(step);
    Console.WriteLine(step.Line());
    foreach (var station in pages.Keys)
    {
        var after = await MetricsAsync(station);
        string D(string name) => (after.GetValueOrDefault(name) - before[station].GetValueOrDefault(name)).ToString("0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"  {station,-8} main thread busy {D("TaskDuration")} s: script {D("ScriptDuration")}, layout {D("LayoutDuration")}, style {D("RecalcStyleDuration")}; layouts {D("LayoutCount")}");
    }
}

async Task<Step> RunStepAsync(int rate, int seconds)
{
    var sent = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
    var expected = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
    var random = new Random(rate);
    var count = rate * seconds;
    var started = Now();
    var calls = new List<Task>(count);
    for (var i = 0; i < count; i++)
    {
        var due = started + i * 1000.0 / rate;
        var wait = due - Now();
        if (wait > 1)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait));
        }

        var chosen = cooking.Keys.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToList();
        var request = new PlaceOrderRequest { LocationId = options.Location, OrderId = Guid.NewGuid().ToString() };
        request.Lines.AddRange(chosen.Select(s => new OrderLine { MenuItemId = cooking[s], Quantity = 1 }));
        foreach (var s in chosen.Append(expo))
        {
            expected[$"{request.OrderId}:{s}"] = s;
            if (!pages.ContainsKey(s))
            {
                // No page here: the gRPC watcher bumps it, as the station's cook would.
                webShown.TryAdd($"{request.OrderId}:{s}", double.NaN);
            }
        }

        sent[request.OrderId] = Now();
        calls.Add(orders.PlaceOrderAsync(request).ResponseAsync);
    }

    await Task.WhenAll(calls);
    var deadline = Now() + 60_000;
    while (Now() < deadline && !expected.Keys.All(t => grpcSeen.ContainsKey(t) && webShown.ContainsKey(t)))
    {
        await Task.Delay(200);
    }

    var shown = webShown;

    var grpc = new List<double>();
    var web = new List<double>();
    var extra = new List<double>();
    var roomy = new List<double>();
    var waited = new List<double>();
    var painted = new List<double>();
    var arrived = new List<double>();
    foreach (var ticket in expected.Keys)
    {
        var placed = sent[ticket[..ticket.IndexOf(':')]];
        if (grpcSeen.TryGetValue(ticket, out var g))
        {
            grpc.Add(g - placed);
        }

        if (webReceived.TryGetValue(ticket, out var r) && grpcSeen.TryGetValue(ticket, out var g1))
        {
            arrived.Add(r - g1);
        }

        if (shown.TryGetValue(ticket, out var w) && !double.IsNaN(w))
        {
            web.Add(w - placed);
            if (grpcSeen.TryGetValue(ticket, out var g2))
            {
                extra.Add(w - g2);
                (webWaited.ContainsKey(ticket) ? waited : roomy).Add(w - g2);
                if (!webWaited.ContainsKey(ticket) && webPainted.TryGetValue(ticket, out var p))
                {
                    painted.Add(p - g2);
                }
            }
        }
    }

    var onPages = expected.Count(t => pages.ContainsKey(t.Value));
    return new Step(rate, count, expected.Count, grpc.Count, web.Count, Summary.Of(grpc), Summary.Of(web), Summary.Of(extra), Summary.Of(arrived), onPages, Summary.Of(roomy), waited.Count, Summary.Of(waited), Summary.Of(painted));
}

await stop.CancelAsync();
await polling.ContinueWith(_ => { }, TaskScheduler.Default);
await Task.WhenAll(watchers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
Directory.CreateDirectory(options.Out);
await File.WriteAllTextAsync(Path.Combine(options.Out, "web.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
var md = new StringBuilder();
md.AppendLine("# Browser screens: place → card visible, beside place → ticket_added over gRPC").AppendLine();
md.AppendLine($"{pages.Count} station pages (one browser context each, headless chromium), the same orders watched over gRPC in the same run; each ticket is bumped once its card was on screen (expo's once the order is ready too). \"In the page\" is when the ticket's event reached the page's script; \"on screen\" when its card was first drawn (a station holding more than a screenful shows a new ticket only when those before it are bumped: \"drawn at once\" are the tickets that came to a screen with room, the browser path's own cost, and \"waited for room\" those that came to a full screen; \"presented\" is when chromium reports (Element Timing) that the frame first holding the card's number reached the display, which waits for the display's next refresh).").AppendLine();
md.AppendLine("| offered rate | tickets | place → gRPC p50 / p99 (ms) | place → on screen p50 / p99 (ms) | on screen − gRPC p50 / p99 (ms) | drawn at once: on screen − gRPC p50 / p99 (ms) | waited for room: tickets, p50 / p99 (ms) | drawn at once: presented − gRPC p50 / p99 (ms) | in the page − gRPC p50 / p99 (ms) |");
md.AppendLine("|---|---|---|---|---|---|---|---|---|");
foreach (var step in results)
{
    md.AppendLine(CultureInfo.InvariantCulture, $"| {step.Rate}/s | {step.Web} of {step.OnPages} shown | {step.Grpc.P50:0.0} / {step.Grpc.P99:0.0} | {step.Browser.P50:0.0} / {step.Browser.P99:0.0} | {step.Added.P50:0.0} / {step.Added.P99:0.0} | {step.Roomy.P50:0.0} / {step.Roomy.P99:0.0} | {step.WaitedCount}, {step.Waited.P50:0.0} / {step.Waited.P99:0.0} | {step.Painted.P50:0.0} / {step.Painted.P99:0.0} | {step.Arrived.P50:0.0} / {step.Arrived.P99:0.0} |");
}

await File.WriteAllTextAsync(Path.Combine(options.Out, "web.md"), md.ToString());
Console.WriteLine(md);
return results.All(r => r.Web == r.OnPages && r.GrpcSeen == r.Tickets) ? 0 : 1;

// Reads what each page put on screen since the last look, and bumps it as the cook would.
async Task PollPagesAsync(CancellationToken cancellationToken)
{
    var read = stations.ToDictionary(st => st.StationId, _ => 0L, StringComparer.Ordinal);
    while (!cancellationToken.IsCancellationRequested)
    {
        foreach (var (station, page) in pages)
        {
            var fresh = await page.EvaluateAsync<JsonElement>(
                "from => { const k = window.kds; const start = Math.max(0, from - k.dropped); return { next: k.dropped + k.shown.length, items: k.shown.slice(start), received: k.received.splice(0), painted: (k.painted || []).splice(0) }; }",
                read[station]);
            foreach (var entry in fresh.GetProperty("received").EnumerateArray())
            {
                webReceived.TryAdd(entry[0].GetString()!, entry[1].GetDouble());
            }

            foreach (var entry in fresh.GetProperty("painted").EnumerateArray())
            {
                webPainted.TryAdd(entry[0].GetString()!, entry[1].GetDouble());
            }

            read[station] = fresh.GetProperty("next").GetInt64();
            foreach (var entry in fresh.GetProperty("items").EnumerateArray())
            {
                var ticket = entry[0].GetString()!;
                webShown.TryAdd(ticket, entry[1].GetDouble());
                if (entry[2].GetBoolean())
                {
                    webWaited.TryAdd(ticket, true);
                }

                if (station != expo || expoReady.ContainsKey(ticket))
                {
                    Bump(station, ticket);
                }
            }
        }

        await Task.Delay(100, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

void Bump(string station, string ticket)
{
    if (bumped.TryAdd(ticket, true))
    {
        _ = kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = options.Location, StationId = station, TicketId = ticket }).ResponseAsync
            .ContinueWith(t => { if (t.IsFaulted) { bumped.TryRemove(ticket, out _); } }, TaskScheduler.Default);
    }
}

async Task WatchAsync(string station, CancellationToken cancellationToken)
{
    try
    {
        using var call = kitchen.WatchStation(new WatchStationRequest { LocationId = options.Location, StationId = station }, cancellationToken: cancellationToken);
        await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            var now = Now();
            if (change.TicketAdded is { } added)
            {
                grpcSeen.TryAdd(added.TicketId, now);
                if (!pages.ContainsKey(station) && station != expo)
                {
                    Bump(station, added.TicketId);
                }
            }

            var ticket = change.TicketAdded ?? change.TicketUpdated;
            if (station == expo && ticket is { Status: TicketStatus.Open } && ticket.Progress.Count > 0
                && ticket.Progress.All(p => p.State is ProgressState.Bumped or ProgressState.Voided))
            {
                expoReady.TryAdd(ticket.TicketId, true);
                if (webShown.ContainsKey(ticket.TicketId) || !pages.ContainsKey(expo))
                {
                    Bump(station, ticket.TicketId);
                }
            }
        }
    }
    catch (RpcException) when (cancellationToken.IsCancellationRequested)
    {
    }
    catch (OperationCanceledException)
    {
    }
}

static double Now() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

internal sealed record Options(string Server, string Web, string Token, string Location, int[] Rates, int Seconds, string Out, string[] Pages)
{
    public static Options Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var at = Array.LastIndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        return new Options(
            Arg("--server", "http://127.0.0.1:5080"), Arg("--web", "http://127.0.0.1:8080"), Arg("--token", ""), Arg("--location", "demo"),
            [.. Arg("--rates", "20,100").Split(',').Select(int.Parse)], int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture), Arg("--out", "bench/results"),
            Arg("--pages", "").Split(',', StringSplitOptions.RemoveEmptyEntries));
    }
}

internal sealed record Summary(double P50, double P99, double Max)
{
    public static Summary Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return new Summary(double.NaN, double.NaN, double.NaN);
        }

        var sorted = values.Order().ToList();
        double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        return new Summary(At(0.50), At(0.99), sorted[^1]);
    }
}

// Added is every shown ticket; Roomy those drawn as soon as they came (the browser path's own cost);
// Waited those that came to a full screen and were drawn only when a bump made room.
internal sealed record Step(int Rate, int Orders, int Tickets, int GrpcSeen, int Web, Summary Grpc, Summary Browser, Summary Added, Summary Arrived, int OnPages,
    Summary Roomy, int WaitedCount, Summary Waited, Summary Painted)
{
    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Rate}/s: {Orders} orders, {Tickets} tickets; gRPC saw {GrpcSeen}, the browser showed {Web} of the {OnPages} at its pages; place → gRPC p50 {Grpc.P50:0.0} ms, p99 {Grpc.P99:0.0} ms; place → browser p50 {Browser.P50:0.0} ms, p99 {Browser.P99:0.0} ms; browser − gRPC p50 {Added.P50:0.0} ms, p99 {Added.P99:0.0} ms (drawn at once: p50 {Roomy.P50:0.0} ms, p99 {Roomy.P99:0.0} ms; {WaitedCount} waited for room: p50 {Waited.P50:0.0} ms); presented on the display − gRPC p50 {Painted.P50:0.0} ms, p99 {Painted.P99:0.0} ms; the event in the page − gRPC p50 {Arrived.P50:0.0} ms, p99 {Arrived.P99:0.0} ms");
}
