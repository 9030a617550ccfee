using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
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
    [Description("Offered orders per second, open loop: each order is sent at its time, however slow the answers (default 100).")]
    public double Rate { get; init; } = 100;

    [CommandOption("--duration <SECONDS>")]
    [Description("How long orders are offered (default 10, at most 600).")]
    public int Duration { get; init; } = 10;

    [CommandOption("--orders <N>")]
    [Description("At most this many orders (default 100000).")]
    public int Orders { get; init; } = 100_000;

    [CommandOption("--drain <SECONDS>")]
    [Description("How long to wait, after the last order, for every order to complete (default 30).")]
    public int Drain { get; init; } = 30;

    public override ValidationResult Validate() =>
        Rate is <= 0 or > 100_000 || Duration is < 1 or > 600 || Orders is < 1 or > 1_000_000 || Drain is < 1 or > 600
            ? ValidationResult.Error("--rate, --duration, --orders or --drain is out of range (see --help)")
            : base.Validate();
}

/// <summary>
/// The load generator: terminals placing orders at a fixed offered rate, screens on every station
/// that bump each ticket the moment it arrives, expo sending each ready order out. It measures the
/// answer, place→screen per station, place→ready and place→completed, and checks at the end that
/// every acknowledged order got exactly one ticket per station and completed.
/// </summary>
public sealed class LoadCommand : AsyncCommand<LoadSettings>
{
    private const long MaxMicros = 120_000_000;

    public override Task<int> ExecuteAsync(CommandContext context, LoadSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var menu = await connection.Menu.GetMenuAsync(new GetMenuRequest { LocationId = settings.Location }, cancellationToken: cancellationToken);
            var run = new Run(menu);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watchers = menu.Stations.Select(s => WatchStationAsync(connection, s, run, stop.Token)).ToList();
            watchers.Add(WatchOrdersAsync(connection, menu.Stations.Single(s => s.IsExpo).StationId, run, stop.Token));
            await run.Ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

            AnsiConsole.MarkupLineInterpolated($"[bold]loadgen[/]: {settings.Rate:0.#} orders/s for {settings.Duration} s (at most {settings.Orders}) at {settings.Location}");
            var random = new Random(1);
            var clock = Stopwatch.StartNew();
            var sends = new List<Task>();
            for (var i = 0; i < settings.Orders; i++)
            {
                var due = TimeSpan.FromSeconds(i / settings.Rate);
                if (due >= TimeSpan.FromSeconds(settings.Duration))
                {
                    break;
                }

                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, cancellationToken);
                }

                sends.Add(PlaceAsync(connection, RandomOrder(settings.Location, menu, random), run, cancellationToken));
            }

            await Task.WhenAll(sends);
            var offeredFor = clock.Elapsed;
            var drained = Stopwatch.StartNew();
            while (run.Completed.Count < run.Acknowledged.Count && drained.Elapsed < TimeSpan.FromSeconds(settings.Drain))
            {
                await Task.Delay(50, cancellationToken);
            }

            await stop.CancelAsync();
            await Task.WhenAll(watchers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
            return Report(run, settings, offeredFor);
        });

    private static async Task PlaceAsync(Connection connection, PlaceOrderRequest request, Run run, CancellationToken cancellationToken)
    {
        run.SentAt[request.OrderId] = Stopwatch.GetTimestamp();
        run.Expected[request.OrderId] = [.. request.Lines.Select(l => run.StationOf[l.MenuItemId]).Append(run.Expo).Distinct()];
        try
        {
            await connection.Orders.PlaceOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
            run.Answer.RecordValue(Micros(run.SentAt[request.OrderId]));
            run.Acknowledged[request.OrderId] = true;
        }
        catch (RpcException ex)
        {
            run.Errors.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
        }
    }

    private static async Task WatchStationAsync(Connection connection, Station station, Run run, CancellationToken cancellationToken)
    {
        try
        {
            using var call = connection.Kitchen.WatchStation(new WatchStationRequest { LocationId = connection.Location, StationId = station.StationId }, cancellationToken: cancellationToken);
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (change.EventCase == StationEvent.EventOneofCase.SnapshotComplete)
                {
                    run.Watching(station.StationId);
                }

                if (change.EventCase != StationEvent.EventOneofCase.TicketAdded || !run.SentAt.TryGetValue(change.TicketAdded.OrderId, out var sent))
                {
                    continue;
                }

                var ticket = change.TicketAdded;
                run.Screen.GetOrAdd(station.StationId, _ => Histogram()).RecordValue(Micros(sent));
                run.Tickets.AddOrUpdate((ticket.OrderId, station.StationId), 1, (_, n) => n + 1);
                if (!station.IsExpo)
                {
                    _ = BumpAsync(connection, station.StationId, ticket.TicketId, run, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || (ex is RpcException rpc && rpc.StatusCode == StatusCode.Cancelled))
        {
        }
    }

    private static async Task WatchOrdersAsync(Connection connection, string expo, Run run, CancellationToken cancellationToken)
    {
        try
        {
            using var call = connection.Orders.WatchOrders(new WatchOrdersRequest { LocationId = connection.Location }, cancellationToken: cancellationToken);
            await call.ResponseHeadersAsync;
            run.Watching("orders");
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                var order = change.Order;
                if (!run.SentAt.TryGetValue(order.OrderId, out var sent))
                {
                    continue;
                }

                if (order.Status == OrderStatus.Ready && run.ReadyOrders.TryAdd(order.OrderId, true))
                {
                    run.ToReady.RecordValue(Micros(sent));
                    _ = BumpAsync(connection, expo, $"{order.OrderId}:{expo}", run, cancellationToken);
                }
                else if (order.Status == OrderStatus.Completed && run.Completed.TryAdd(order.OrderId, true))
                {
                    run.ToCompleted.RecordValue(Micros(sent));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || (ex is RpcException rpc && rpc.StatusCode == StatusCode.Cancelled))
        {
        }
    }

    private static async Task BumpAsync(Connection connection, string station, string ticketId, Run run, CancellationToken cancellationToken)
    {
        try
        {
            await connection.Kitchen.BumpTicketAsync(
                new BumpTicketRequest { LocationId = connection.Location, StationId = station, TicketId = ticketId }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            run.Errors.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
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

    private static int Report(Run run, LoadSettings settings, TimeSpan offeredFor)
    {
        var table = new Table().AddColumns("latency (ms)", "count", "p50", "p90", "p99", "max");
        void Row(string name, LongConcurrentHistogram h) => table.AddRow(
            name, $"{h.TotalCount}", Ms(h.GetValueAtPercentile(50)), Ms(h.GetValueAtPercentile(90)), Ms(h.GetValueAtPercentile(99)), Ms(h.GetMaxValue()));
        Row("PlaceOrder answer", run.Answer);
        foreach (var (station, histogram) in run.Screen.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Row($"place → {station} screen", histogram);
        }

        Row("place → ready", run.ToReady);
        Row("place → completed", run.ToCompleted);
        AnsiConsole.Write(table);

        var acknowledged = run.Acknowledged.Keys.ToList();
        var missing = acknowledged.Sum(o => run.Expected[o].Count(s => !run.Tickets.ContainsKey((o, s))));
        var doubled = run.Tickets.Count(t => t.Value > 1);
        var stray = run.Tickets.Keys.Count(t => !run.Expected.TryGetValue(t.OrderId, out var stations) || !stations.Contains(t.StationId));
        var incomplete = acknowledged.Count(o => !run.Completed.ContainsKey(o));
        AnsiConsole.MarkupLineInterpolated(
            $"offered {run.SentAt.Count} orders in {offeredFor.TotalSeconds:0.0} s ({run.SentAt.Count / Math.Max(offeredFor.TotalSeconds, 0.001):0.#}/s); acknowledged {acknowledged.Count}, completed {run.Completed.Count}");
        AnsiConsole.MarkupLineInterpolated($"errors: {(run.Errors.IsEmpty ? "none" : string.Join(", ", run.Errors.Select(e => $"{e.Key} ×{e.Value}")))}");
        var ok = missing == 0 && doubled == 0 && stray == 0 && incomplete == 0;
        AnsiConsole.MarkupLine(ok
            ? "invariants: ok (every acknowledged order: exactly one ticket per station, completed)"
            : $"[red]invariants: broken[/] (missing tickets {missing}, doubled {doubled}, stray {stray}, not completed {incomplete})");
        return ok && run.Errors.IsEmpty ? 0 : 1;
    }

    private static long Micros(long since) => (long)Stopwatch.GetElapsedTime(since).TotalMicroseconds;

    private static string Ms(long micros) => $"{micros / 1000.0:0.00}";

    private static LongConcurrentHistogram Histogram() => new(1, MaxMicros, 3);

    private sealed class Run(GetMenuResponse menu)
    {
        private readonly HashSet<string> _waitingFor = [.. menu.Stations.Select(s => s.StationId), "orders"];

        public Dictionary<string, string> StationOf { get; } = menu.Items.ToDictionary(i => i.MenuItemId, i => i.StationId);

        public string Expo { get; } = menu.Stations.Single(s => s.IsExpo).StationId;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentDictionary<string, long> SentAt { get; } = new();

        public ConcurrentDictionary<string, string[]> Expected { get; } = new();

        public ConcurrentDictionary<string, bool> Acknowledged { get; } = new();

        public ConcurrentDictionary<string, bool> ReadyOrders { get; } = new();

        public ConcurrentDictionary<string, bool> Completed { get; } = new();

        public ConcurrentDictionary<(string OrderId, string StationId), int> Tickets { get; } = new();

        public ConcurrentDictionary<StatusCode, int> Errors { get; } = new();

        public ConcurrentDictionary<string, LongConcurrentHistogram> Screen { get; } = new();

        public LongConcurrentHistogram Answer { get; } = Histogram();

        public LongConcurrentHistogram ToReady { get; } = Histogram();

        public LongConcurrentHistogram ToCompleted { get; } = Histogram();

        public void Watching(string what)
        {
            lock (_waitingFor)
            {
                if (_waitingFor.Remove(what) && _waitingFor.Count == 0)
                {
                    Ready.TrySetResult();
                }
            }
        }
    }
}
