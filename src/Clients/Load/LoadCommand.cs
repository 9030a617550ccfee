using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using HdrHistogram;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Load;

public sealed class LoadSettings : ServerSettings
{
    [CommandOption("--rate <PER_SECOND>")]
    [Description("Offered orders per second, open loop: each order is sent at its time, however slow the answers (default 100). With --step, the first step's rate.")]
    public double Rate { get; init; } = 100;

    [CommandOption("--duration <SECONDS>")]
    [Description("How long orders are offered, per step (default 10, at most 600).")]
    public int Duration { get; init; } = 10;

    [CommandOption("--orders <N>")]
    [Description("At most this many orders per step (default 100000).")]
    public int Orders { get; init; } = 100_000;

    [CommandOption("--drain <SECONDS>")]
    [Description("How long to wait, after a step's last order, for every order to complete (default 30).")]
    public int Drain { get; init; } = 30;

    [CommandOption("--step")]
    [Description("Step mode: raise the rate by --factor after each step until the objective breaks, and report the highest rate that held it.")]
    public bool Step { get; init; }

    [CommandOption("--rates <LIST>")]
    [Description("Run these rates in turn (comma-separated, e.g. 100,500,1000), reporting each; stops early where the objective breaks when --step is given.")]
    public string? Rates { get; init; }

    [CommandOption("--factor <X>")]
    [Description("Step mode: each step offers this many times the last one's rate (default 1.5).")]
    public double Factor { get; init; } = 1.5;

    [CommandOption("--max-rate <PER_SECOND>")]
    [Description("Step mode: the highest rate tried (default 20000).")]
    public double MaxRate { get; init; } = 20_000;

    [CommandOption("--objective-ms <MS>")]
    [Description("The latency objective: place → screen p99 at every station within this many ms, with no errors (default 50).")]
    public double ObjectiveMs { get; init; } = 50;

    [CommandOption("--locations <IDS>")]
    [Description("Spread the orders over these locations: a comma-separated list, or a range such as store-001..store-050 (default: --location alone).")]
    public string? Locations { get; init; }

    [CommandOption("--hold")]
    [Description("Screens receive tickets but do not bump them, so they stay open (for measuring memory per open ticket).")]
    public bool Hold { get; init; }

    [CommandOption("--json <FILE>")]
    [Description("Also write the results as JSON to this file.")]
    public string? Json { get; init; }

    [CommandOption("--metrics <URLS>")]
    [Description("Prometheus endpoints of the OrderService and KitchenWorker (comma-separated); the run prints what the operator's dashboards saw.")]
    public string? Metrics { get; init; }

    public override ValidationResult Validate()
    {
        if (Rate is <= 0 or > 100_000 || Duration is < 1 or > 600 || Orders is < 1 or > 1_000_000 || Drain is < 1 or > 600)
        {
            return ValidationResult.Error("--rate, --duration, --orders or --drain is out of range (see --help)");
        }

        if (Factor is <= 1 or > 10 || MaxRate is <= 0 or > 100_000 || ObjectiveMs <= 0)
        {
            return ValidationResult.Error("--factor must be above 1 (at most 10), --max-rate at most 100000, --objective-ms above 0");
        }

        if (Locations is not null && ParseLocations(Locations) is null)
        {
            return ValidationResult.Error($"--locations '{Locations}' is neither a list of ids nor a range such as store-001..store-050");
        }

        if (Rates is not null && ParseRates(Rates) is null)
        {
            return ValidationResult.Error($"--rates '{Rates}' is not a list of rates between 0 and 100000");
        }

        return base.Validate();
    }

    /// <summary>Ids from "a,b,c" or "store-001..store-050" (at most 5,000).</summary>
    public static List<string>? ParseLocations(string text)
    {
        var range = text.Split("..", StringSplitOptions.TrimEntries);
        if (range.Length == 2)
        {
            var digits = range[0].Length - range[0].TrimEnd("0123456789".ToCharArray()).Length;
            var prefix = range[0][..^digits];
            if (digits == 0 || !range[1].StartsWith(prefix, StringComparison.Ordinal)
                || !int.TryParse(range[0][^digits..], CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(range[1][prefix.Length..], CultureInfo.InvariantCulture, out var to) || to < from || to - from >= 5000)
            {
                return null;
            }

            return [.. Enumerable.Range(from, to - from + 1).Select(n => prefix + n.ToString(new string('0', digits), CultureInfo.InvariantCulture))];
        }

        var ids = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return ids.Count is 0 or > 5000 ? null : ids;
    }

    public static List<double>? ParseRates(string text)
    {
        var rates = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 100_000)
            {
                return null;
            }

            rates.Add(rate);
        }

        return rates.Count == 0 ? null : rates;
    }
}

/// <summary>
/// The load generator: terminals placing orders at a fixed offered rate, screens on every station
/// that bump each ticket the moment it arrives, expo sending each ready order out. It measures the
/// answer, place→screen per station, place→ready and place→completed, and checks after each step
/// that every acknowledged order got exactly one ticket per station and completed. In step mode it
/// raises the rate until the latency objective breaks.
/// </summary>
public sealed class LoadCommand : AsyncCommand<LoadSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, LoadSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var sites = new List<Site>();
            foreach (var location in settings.Locations is { } ids ? LoadSettings.ParseLocations(ids)! : [settings.Location])
            {
                sites.Add(new Site(location, await connection.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location }, cancellationToken: cancellationToken)));
            }

            var run = new Run(sites, settings.Hold);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watchers = new List<Task>();
            foreach (var site in sites)
            {
                watchers.AddRange(site.Menu.Stations.Select(s => WatchStationAsync(connection, site, s, run, stop.Token)));
                watchers.Add(WatchOrdersAsync(connection, site, run, stop.Token));
            }

            await run.Ready.Task.WaitAsync(TimeSpan.FromSeconds(30 + sites.Count), cancellationToken);
            var where = sites.Count == 1 ? sites[0].Location : $"{sites.Count} locations ({sites[0].Location} … {sites[^1].Location})";

            var metricsBefore = await Scrape(settings.Metrics, cancellationToken);
            var results = new List<StepResult>();
            var random = new Random(1);
            var rates = settings.Rates is { } list ? LoadSettings.ParseRates(list)! : null;
            var rate = rates?[0] ?? settings.Rate;
            for (var step = 0; ; step++)
            {
                var phase = new Phase(rate, settings.Hold);
                AnsiConsole.MarkupLineInterpolated(
                    $"[bold]loadgen[/]: {rate:0.#} orders/s for {settings.Duration} s (at most {settings.Orders}) at {where}{(settings.Hold ? ", tickets held open" : "")}");
                await OfferAsync(connection, settings, run, phase, random, cancellationToken);
                var result = phase.Result(settings);
                results.Add(result);
                Print(phase, result);
                if (!result.Held && (settings.Step || !result.Ok))
                {
                    if (settings.Step)
                    {
                        AnsiConsole.MarkupLineInterpolated($"[yellow]objective broken at {rate:0.#} orders/s[/]: {result.Why}");
                    }

                    break;
                }

                if (rates is not null)
                {
                    if (step + 1 >= rates.Count)
                    {
                        break;
                    }

                    rate = rates[step + 1];
                }
                else if (settings.Step && rate * settings.Factor <= settings.MaxRate)
                {
                    rate = Math.Round(rate * settings.Factor);
                }
                else
                {
                    break;
                }
            }

            await stop.CancelAsync();
            await Task.WhenAll(watchers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));

            if (run.Reconnects > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"streams that ended and came back with their token: {run.Reconnects}");
            }

            var highest = results.Where(r => r.Held).Select(r => r.Rate).DefaultIfEmpty(0).Max();
            if (settings.Step || results.Count > 1)
            {
                AnsiConsole.MarkupLineInterpolated(
                    $"highest rate that held the objective (place → screen p99 ≤ {settings.ObjectiveMs:0.#} ms, no errors, invariants ok): [bold]{highest:0.#} orders/s[/]");
            }

            var metricsAfter = await Scrape(settings.Metrics, cancellationToken);
            var operatorView = PrintMetrics(metricsBefore, metricsAfter);
            if (settings.Json is { } path)
            {
                await File.WriteAllTextAsync(path, ToJson(settings, results, highest, operatorView), cancellationToken);
            }

            // A broken invariant fails the run, and so do errors, except in the step that broke the
            // objective; a missed objective is a finding, not a failure.
            var judged = settings.Step ? results.Take(results.Count - 1) : results;
            return results.All(r => r.InvariantsOk) && judged.All(r => r.Errors.Count == 0) ? 0 : 1;
        });

    private static async Task OfferAsync(Connection connection, LoadSettings settings, Run run, Phase phase, Random random, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>();
        for (var i = 0; i < settings.Orders; i++)
        {
            var due = TimeSpan.FromSeconds(i / phase.Rate);
            if (due >= TimeSpan.FromSeconds(settings.Duration))
            {
                break;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            var site = run.Sites[i % run.Sites.Count];
            sends.Add(PlaceAsync(connection, site, RandomOrder(site.Location, site.Menu, random), run, phase, cancellationToken));
        }

        await Task.WhenAll(sends);
        phase.OfferedFor = clock.Elapsed;
        var drained = Stopwatch.StartNew();
        while (!phase.Settled() && drained.Elapsed < TimeSpan.FromSeconds(settings.Drain))
        {
            await Task.Delay(20, cancellationToken);
        }

        await phase.ClassifyUnseenAsync(connection, cancellationToken);
    }

    private static async Task PlaceAsync(Connection connection, Site site, PlaceOrderRequest request, Run run, Phase phase, CancellationToken cancellationToken)
    {
        var sent = Stopwatch.GetTimestamp();
        var order = new Tracked(site, phase, sent, [.. request.Lines.Select(l => site.StationOf[l.MenuItemId]).Append(site.Expo).Distinct()]);
        run.Orders[request.OrderId] = order;
        phase.Offered++;
        try
        {
            await connection.Orders.PlaceOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
            phase.Answer.Record(Micros(sent));
            phase.Acknowledged[request.OrderId] = order;
        }
        catch (RpcException ex)
        {
            phase.Errors.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
        }
    }

    /// <summary>
    /// A screen as a real one behaves: it bumps what it is shown, and when its stream ends (the
    /// service cut off a screen that fell behind, or restarted) it comes back with its resume token, or
    /// with a fresh snapshot when the token has expired, through the same feed the kitchen screen uses.
    /// </summary>
    private static Task WatchStationAsync(Connection connection, Site site, Station station, Run run, CancellationToken cancellationToken)
    {
        var screen = new LoadScreen(connection, site, station, run, cancellationToken);
        var feed = new StationFeed(connection, station.StationId, screen, location: site.Location, dropped: problem =>
        {
            Interlocked.Increment(ref run.Reconnects);
            AnsiConsole.MarkupLineInterpolated($"[yellow]{site.Location}/{station.StationId} stream ended ({problem}); coming back[/]");
        });
        return feed.RunAsync(cancellationToken);
    }

    /// <summary>What the load run's screen does with each event: time it, count it, bump it.</summary>
    private sealed class LoadScreen(Connection connection, Site site, Station station, Run run, CancellationToken cancellationToken) : IStationView
    {
        /// <summary>In a snapshot after the first: tickets it shows again were already counted.</summary>
        private bool _resnapshot;
        private bool _started;

        public void Reset()
        {
            _resnapshot = _started;
            _started = true;
        }

        public void Apply(StationEvent change)
        {
            if (change.EventCase == StationEvent.EventOneofCase.SnapshotComplete)
            {
                run.Watching(site, station.StationId);
                _resnapshot = false;
            }

            if (change.EventCase != StationEvent.EventOneofCase.TicketAdded || !run.Orders.TryGetValue(change.TicketAdded.OrderId, out var order))
            {
                return;
            }

            if (_resnapshot && order.Seen.ContainsKey(station.StationId))
            {
                return;
            }

            var ticket = change.TicketAdded;
            order.Phase.Screen.GetOrAdd(station.StationId, _ => new Latency()).Record(Micros(order.SentAt));
            site.LatestShown.AddOrUpdate(station.StationId, order.SentAt, (_, t) => Math.Max(t, order.SentAt));
            var copies = order.Seen.AddOrUpdate(station.StationId, 1, (_, n) => n + 1);
            if (copies == 1)
            {
                Interlocked.Increment(ref order.Phase.TicketsSeen);
            }

            if (!station.IsExpo && !run.Hold)
            {
                _ = BumpAsync(connection, site.Location, station.StationId, ticket.TicketId, order.Phase, cancellationToken);
            }
        }
    }

    /// <summary>The POS side: sends each ready order out at expo. When its stream ends it comes back and catches up with GetOrder.</summary>
    private static async Task WatchOrdersAsync(Connection connection, Site site, Run run, CancellationToken cancellationToken)
    {
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = connection.Orders.WatchOrders(new WatchOrdersRequest { LocationId = site.Location }, cancellationToken: cancellationToken);
                await call.ResponseHeadersAsync;
                if (first)
                {
                    run.Watching(site, "orders");
                    first = false;
                }
                else
                {
                    // Changes made while the stream was down are not replayed: ask for the orders still open.
                    foreach (var (id, order) in run.Orders.Where(o => o.Value.CompletedFlag == 0 && o.Value.Site == site).ToList())
                    {
                        var now = await connection.Orders.GetOrderAsync(new GetOrderRequest { LocationId = site.Location, OrderId = id }, cancellationToken: cancellationToken);
                        Observe(connection, order, id, now.Order.Status, cancellationToken);
                    }
                }

                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (run.Orders.TryGetValue(change.Order.OrderId, out var order))
                    {
                        Observe(connection, order, change.Order.OrderId, change.Order.Status, cancellationToken);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException || (ex is RpcException rpc && rpc.StatusCode == StatusCode.Cancelled))
            {
                return;
            }
            catch (RpcException ex)
            {
                Interlocked.Increment(ref run.Reconnects);
                Log($"{site.Location}/orders", ex);
            }

            await Task.Delay(200, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static void Observe(Connection connection, Tracked order, string orderId, OrderStatus status, CancellationToken cancellationToken)
    {
        if (status == OrderStatus.Ready && Interlocked.Exchange(ref order.ReadyFlag, 1) == 0)
        {
            order.Phase.ToReady.Record(Micros(order.SentAt));
            _ = BumpAsync(connection, order.Site.Location, order.Site.Expo, $"{orderId}:{order.Site.Expo}", order.Phase, cancellationToken);
        }

        if (status == OrderStatus.Completed && Interlocked.Exchange(ref order.CompletedFlag, 1) == 0)
        {
            order.Phase.ToCompleted.Record(Micros(order.SentAt));
            Interlocked.Increment(ref order.Phase.Completed);
        }
    }

    private static void Log(string stream, RpcException ex) =>
        AnsiConsole.MarkupLineInterpolated($"[yellow]{stream} stream ended ({ex.StatusCode}: {ex.Status.Detail}); coming back[/]");

    private static async Task BumpAsync(Connection connection, string location, string station, string ticketId, Phase phase, CancellationToken cancellationToken)
    {
        try
        {
            await connection.Kitchen.BumpTicketAsync(
                new BumpTicketRequest { LocationId = location, StationId = station, TicketId = ticketId }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            phase.Errors.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
        }
    }

    private static PlaceOrderRequest RandomOrder(string location, GetMenuResponse menu, Random random)
    {
        var request = new PlaceOrderRequest { LocationId = location, OrderId = Guid.NewGuid().ToString() };
        foreach (var item in menu.Items.Where(i => i.Available).OrderBy(_ => random.Next()).Take(1 + random.Next(4)))
        {
            request.Lines.Add(new OrderLine { MenuItemId = item.MenuItemId, Quantity = 1 + random.Next(2) });
        }

        return request;
    }

    private static void Print(Phase phase, StepResult result)
    {
        var table = new Table().AddColumns("latency (ms)", "count", "p50", "p90", "p99", "max");
        void Row(string name, Percentiles p) =>
            table.AddRow(name, $"{p.Count}", Ms(p.P50), Ms(p.P90), Ms(p.P99), Ms(p.Max));
        Row("PlaceOrder answer", result.Answer);
        foreach (var (station, latency) in phase.Screen.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Row($"place → {station} screen", latency.Percentiles());
        }

        Row("place → any screen", result.Screen);
        if (!phase.HoldOpen)
        {
            Row("place → ready", result.Ready);
            Row("place → completed", result.Completed);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"offered {result.Offered} orders in {phase.OfferedFor.TotalSeconds:0.0} s ({result.Offered / Math.Max(phase.OfferedFor.TotalSeconds, 0.001):0.#}/s); acknowledged {result.Acknowledged}, completed {result.CompletedCount}");
        AnsiConsole.MarkupLineInterpolated($"errors: {(result.Errors.Count == 0 ? "none" : string.Join(", ", result.Errors.Select(e => $"{e.Key} ×{e.Value}")))}");
        if (phase.Late > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"late: {phase.Late} tickets and orders exist but had not reached a screen or completed when the step was judged (the kitchen was behind by more than --drain)");
        }
        AnsiConsole.MarkupLine(result.InvariantsOk
            ? phase.HoldOpen
                ? "invariants: ok (every acknowledged order: exactly one ticket per station)"
                : "invariants: ok (every acknowledged order: exactly one ticket per station, completed)"
            : $"[red]invariants: broken[/] ({Markup.Escape(result.Broken)})");
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString("0.00", CultureInfo.InvariantCulture);

    private static long Micros(long since) => (long)Stopwatch.GetElapsedTime(since).TotalMicroseconds;

    /// <summary>Reads the Prometheus endpoints as the operator's scraper would: name{labels} → value, summed over instances.</summary>
    private static async Task<Dictionary<string, double>?> Scrape(string? urls, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(urls))
        {
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var url in urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string text;
            try
            {
                text = await http.GetStringAsync(url, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]metrics at {url} could not be read[/]: {ex.Message}");
                continue;
            }

            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith("restaurant_", StringComparison.Ordinal) && !line.StartsWith("dotnet_gc_last_collection_heap_size", StringComparison.Ordinal))
                {
                    continue;
                }

                var space = line.LastIndexOf(' ');
                if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    var name = line[..space];
                    values[name] = values.GetValueOrDefault(name) + value;
                }
            }
        }

        return values;
    }

    private static JsonObject? PrintMetrics(Dictionary<string, double>? before, Dictionary<string, double>? after)
    {
        if (before is null || after is null)
        {
            return null;
        }

        double Sum(Dictionary<string, double> values, string metric) =>
            values.Where(v => v.Key.StartsWith(metric + "{", StringComparison.Ordinal) || v.Key == metric).Sum(v => v.Value);
        double Delta(string metric) => Sum(after, metric) - Sum(before, metric);

        var shownCount = Delta("restaurant_ticket_place_to_screen_seconds_count");
        var shownSum = Delta("restaurant_ticket_place_to_screen_seconds_sum");
        var view = new JsonObject
        {
            ["orders_placed"] = Delta("restaurant_orders_placed_total"),
            ["tickets_routed"] = Delta("restaurant_tickets_routed_total"),
            ["tickets_bumped"] = Delta("restaurant_tickets_bumped_total"),
            ["dead_letters"] = Delta("restaurant_queue_dead_letters_total"),
            ["worker_batches"] = Delta("restaurant_worker_batches_total"),
            ["redis_operations"] = Delta("restaurant_redis_operations_total"),
            ["queue_lag"] = Sum(after, "restaurant_queue_lag"),
            ["tickets_shown"] = shownCount,
            ["place_to_screen_mean_ms"] = shownCount > 0 ? Math.Round(shownSum / shownCount * 1000, 2) : null,
            ["place_to_screen_p99_ms_at_most"] = BucketP99(before, after),
        };
        var table = new Table().AddColumns("the operator's metrics over the run", "value");
        foreach (var (name, value) in view)
        {
            table.AddRow(name, value?.ToJsonString() ?? "-");
        }

        AnsiConsole.Write(table);
        return view;
    }

    /// <summary>The upper bound of the bucket holding the 99th percentile of place → screen, over every station.</summary>
    private static double? BucketP99(Dictionary<string, double> before, Dictionary<string, double> after)
    {
        const string bucket = "restaurant_ticket_place_to_screen_seconds_bucket";
        var byBound = new SortedDictionary<double, double>();
        foreach (var (key, value) in after.Where(v => v.Key.StartsWith(bucket, StringComparison.Ordinal)))
        {
            var le = key[(key.IndexOf("le=\"", StringComparison.Ordinal) + 4)..].TrimEnd('}', '"');
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            byBound[bound] = byBound.GetValueOrDefault(bound) + value - before.GetValueOrDefault(key);
        }

        var total = byBound.Count == 0 ? 0 : byBound.Last().Value;
        if (total <= 0)
        {
            return null;
        }

        var p99 = byBound.First(b => b.Value >= total * 0.99).Key;
        return double.IsInfinity(p99) ? null : p99 * 1000;
    }

    private static string ToJson(LoadSettings settings, List<StepResult> results, double highest, JsonObject? operatorView)
    {
        static JsonObject P(Percentiles p) => new()
        {
            ["count"] = p.Count,
            ["p50"] = Num(p.P50),
            ["p90"] = Num(p.P90),
            ["p99"] = Num(p.P99),
            ["p999"] = Num(p.P999),
            ["max"] = Num(p.Max),
        };
        static JsonNode? Num(double ms) => double.IsNaN(ms) ? null : JsonValue.Create(Math.Round(ms, 3));

        var steps = new JsonArray();
        foreach (var r in results)
        {
            var stations = new JsonObject();
            foreach (var (station, p) in r.ByStation)
            {
                stations[station] = P(p);
            }

            steps.Add(new JsonObject
            {
                ["rate"] = r.Rate,
                ["offered"] = r.Offered,
                ["acknowledged"] = r.Acknowledged,
                ["completed"] = r.CompletedCount,
                ["achieved_rate"] = Math.Round(r.AchievedRate, 1),
                ["errors"] = new JsonObject(r.Errors.Select(e => KeyValuePair.Create(e.Key.ToString(), (JsonNode?)e.Value))),
                ["invariants_ok"] = r.InvariantsOk,
                ["late_tickets"] = r.Late,
                ["held_objective"] = r.Held,
                ["answer_ms"] = P(r.Answer),
                ["place_to_screen_ms"] = P(r.Screen),
                ["place_to_screen_by_station_ms"] = stations,
                ["place_to_ready_ms"] = P(r.Ready),
                ["place_to_completed_ms"] = P(r.Completed),
            });
        }

        var root = new JsonObject
        {
            ["location"] = settings.Locations ?? settings.Location,
            ["duration_s"] = settings.Duration,
            ["hold"] = settings.Hold,
            ["objective_ms"] = settings.ObjectiveMs,
            ["highest_rate_held"] = highest,
            ["steps"] = steps,
            ["operator_metrics"] = operatorView,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Latency percentiles in milliseconds (NaN where nothing was recorded).</summary>
    private sealed record Percentiles(long Count, double P50, double P90, double P99, double P999, double Max);

    private sealed record StepResult(
        double Rate,
        int Offered,
        int Acknowledged,
        int CompletedCount,
        double AchievedRate,
        Dictionary<StatusCode, int> Errors,
        bool InvariantsOk,
        string Broken,
        bool Held,
        string Why,
        Percentiles Answer,
        Percentiles Screen,
        IReadOnlyList<(string Station, Percentiles Latency)> ByStation,
        Percentiles Ready,
        Percentiles Completed,
        int Late)
    {
        public bool Ok => InvariantsOk && Errors.Count == 0;
    }

    /// <summary>
    /// A histogram recorded from many threads. HdrHistogram's concurrent histogram can report a total
    /// that its buckets do not hold yet while writers are busy, so recording takes a lock instead.
    /// </summary>
    private sealed class Latency
    {
        private const long MaxMicros = 120_000_000;
        private readonly LongHistogram _histogram = new(1, MaxMicros, 3);

        public void Record(long micros)
        {
            lock (_histogram)
            {
                _histogram.RecordValue(Math.Clamp(micros, 1, MaxMicros));
            }
        }

        public void AddTo(LongHistogram into)
        {
            lock (_histogram)
            {
                into.Add(_histogram);
            }
        }

        public Percentiles Percentiles()
        {
            var copy = new LongHistogram(1, MaxMicros, 3);
            AddTo(copy);
            return Of(copy);
        }

        public static Percentiles Of(HistogramBase h) => h.TotalCount == 0
            ? new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
            : new(
                h.TotalCount,
                h.GetValueAtPercentile(50) / 1000.0,
                h.GetValueAtPercentile(90) / 1000.0,
                h.GetValueAtPercentile(99) / 1000.0,
                h.GetValueAtPercentile(99.9) / 1000.0,
                h.GetMaxValue() / 1000.0);
    }

    /// <summary>An order sent: its step, when, the stations it must reach, and what came of it.</summary>
    private sealed class Tracked(Site site, Phase phase, long sentAt, string[] expected)
    {
        public Site Site { get; } = site;

        public Phase Phase { get; } = phase;

        public long SentAt { get; } = sentAt;

        public string[] Expected { get; } = expected;

        public ConcurrentDictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);

        public int ReadyFlag;

        public int CompletedFlag;
    }

    /// <summary>One step: the orders offered at one rate and what became of them.</summary>
    private sealed class Phase(double rate, bool hold)
    {
        public int TicketsSeen;

        public int Completed;

        public double Rate { get; } = rate;

        public int Offered { get; set; }

        public TimeSpan OfferedFor { get; set; }

        public bool HoldOpen { get; } = hold;

        public ConcurrentDictionary<string, Tracked> Acknowledged { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<StatusCode, int> Errors { get; } = new();

        public ConcurrentDictionary<string, Latency> Screen { get; } = new(StringComparer.Ordinal);

        public Latency Answer { get; } = new();

        public Latency ToReady { get; } = new();

        public Latency ToCompleted { get; } = new();

        /// <summary>Tickets no screen had shown when the step was judged, but that exist: a screen fell behind, nothing was lost.</summary>
        public int Late { get; private set; }

        private readonly HashSet<(string OrderId, string Station)> _late = [];
        private readonly HashSet<string> _lateOrders = new(StringComparer.Ordinal);

        /// <summary>
        /// Asks the service about each ticket no screen has shown yet. One that exists (expo's, of an order
        /// that completed, since completing bumps it; or one in the order's receipts) is late, not missing,
        /// unless its screen has already shown tickets of orders placed a second or more after it: a
        /// station's stream is in order, so such a ticket was skipped, and that is missing.
        /// </summary>
        public async Task ClassifyUnseenAsync(Connection connection, CancellationToken cancellationToken)
        {
            static bool Behind(string station, Tracked order) =>
                !order.Site.LatestShown.TryGetValue(station, out var latest) || Stopwatch.GetElapsedTime(order.SentAt, latest) < TimeSpan.FromSeconds(1);
            foreach (var (orderId, order) in Acknowledged)
            {
                var expo = order.Site.Expo;
                var unseen = order.Expected.Where(s => !order.Seen.ContainsKey(s)).ToList();
                if (unseen.Count == 0 && (order.CompletedFlag == 1 || HoldOpen))
                {
                    continue;
                }

                if (order.CompletedFlag == 1 && unseen.All(s => s == expo))
                {
                    // Completing the order bumped expo's ticket: it exists.
                    if (Behind(expo, order))
                    {
                        _late.Add((orderId, expo));
                    }

                    continue;
                }

                // A routed order has expo's ticket; its receipts list its station tickets.
                var now = (await connection.Orders.GetOrderAsync(new GetOrderRequest { LocationId = order.Site.Location, OrderId = orderId }, cancellationToken: cancellationToken)).Order;
                var routed = now.Status is not OrderStatus.Accepted and not OrderStatus.Cancelled;
                var receipts = now.Receipts.Select(r => r.StationId).ToHashSet(StringComparer.Ordinal);
                foreach (var station in unseen.Where(s => (s == expo ? routed : receipts.Contains(s)) && Behind(s, order)))
                {
                    _late.Add((orderId, station));
                }

                if (order.CompletedFlag == 0 && now.Status is not OrderStatus.Cancelled)
                {
                    // Stored and on its way (queued, cooking or ready): the kitchen is behind, not wrong.
                    _lateOrders.Add(orderId);
                }
            }

            Late = _late.Count + _lateOrders.Count;
        }

        /// <summary>Every acknowledged order has reached every station it needs and (unless held) completed.</summary>
        public bool Settled()
        {
            var expected = Acknowledged.Values.Sum(o => o.Expected.Length);
            return Volatile.Read(ref TicketsSeen) >= expected && (HoldOpen || Volatile.Read(ref Completed) >= Acknowledged.Count);
        }

        public StepResult Result(LoadSettings settings)
        {
            var orders = Acknowledged.Values.ToList();
            var missing = Acknowledged.Sum(o => o.Value.Expected.Count(s => !o.Value.Seen.ContainsKey(s) && !_late.Contains((o.Key, s))));
            var doubled = orders.Sum(o => o.Seen.Count(s => s.Value > 1));
            var stray = orders.Sum(o => o.Seen.Keys.Count(s => !o.Expected.Contains(s)));
            var incomplete = HoldOpen ? 0 : Acknowledged.Count(o => o.Value.CompletedFlag == 0 && !_lateOrders.Contains(o.Key));
            var invariantsOk = missing == 0 && doubled == 0 && stray == 0 && incomplete == 0;
            var all = new LongHistogram(1, 120_000_000, 3);
            foreach (var latency in Screen.Values)
            {
                latency.AddTo(all);
            }

            var byStation = Screen.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.Percentiles())).ToList();
            var worst = byStation.Select(s => s.Item2.P99).DefaultIfEmpty(double.NaN).Max();
            var errors = Errors.ToDictionary(e => e.Key, e => e.Value);
            var why = !invariantsOk ? "invariants broken"
                : errors.Count > 0 ? $"{errors.Values.Sum()} errors"
                : !(worst <= settings.ObjectiveMs) ? $"place → screen p99 {worst:0.0} ms > {settings.ObjectiveMs:0.#} ms"
                : "";
            return new StepResult(
                Rate,
                Offered,
                orders.Count,
                Volatile.Read(ref Completed),
                Offered / Math.Max(OfferedFor.TotalSeconds, 0.001),
                errors,
                invariantsOk,
                $"missing tickets {missing}, doubled {doubled}, stray {stray}, not completed {incomplete}",
                why.Length == 0,
                why,
                Answer.Percentiles(),
                Latency.Of(all),
                byStation,
                ToReady.Percentiles(),
                ToCompleted.Percentiles(),
                Late);
        }
    }

    /// <summary>One location under load: its menu, and what its screens have shown.</summary>
    private sealed class Site(string location, GetMenuResponse menu)
    {
        public string Location { get; } = location;

        public GetMenuResponse Menu { get; } = menu;

        public Dictionary<string, string> StationOf { get; } = menu.Items.ToDictionary(i => i.MenuItemId, i => i.StationId);

        public string Expo { get; } = menu.Stations.Single(s => s.IsExpo).StationId;

        /// <summary>Per station, the latest-placed order whose ticket a screen has shown (a Stopwatch timestamp).</summary>
        public ConcurrentDictionary<string, long> LatestShown { get; } = new(StringComparer.Ordinal);

        /// <summary>The streams not yet in place: every station's screen and the POS's order stream.</summary>
        public HashSet<string> WaitingFor { get; } = [.. menu.Stations.Select(s => s.StationId), "orders"];
    }

    private sealed class Run(List<Site> sites, bool hold)
    {
        private int _sitesWaiting = sites.Count;

        public List<Site> Sites { get; } = sites;

        public bool Hold { get; } = hold;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentDictionary<string, Tracked> Orders { get; } = new(StringComparer.Ordinal);

        public int Reconnects;

        public void Watching(Site site, string what)
        {
            lock (site.WaitingFor)
            {
                if (site.WaitingFor.Remove(what) && site.WaitingFor.Count == 0 && Interlocked.Decrement(ref _sitesWaiting) == 0)
                {
                    Ready.TrySetResult();
                }
            }
        }
    }
}
