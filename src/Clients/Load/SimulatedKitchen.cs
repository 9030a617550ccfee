using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
namespace Restaurant.Clients.Load;

/// <summary>The kitchen and the POS a load run drives: a screen per station that bumps what it is shown, and a POS watch that sends ready orders out at expo; both come back after a dropped stream as real ones do.</summary>
internal static class SimulatedKitchen
{
    /// <summary>
    /// A screen as a real one behaves: it bumps what it is shown, and when its stream ends (the
    /// service cut off a screen that fell behind, or restarted) it comes back with its resume token, or
    /// with a fresh snapshot when the token has expired, through the same feed the kitchen screen uses.
    /// </summary>
    internal static Task WatchStationAsync(Connection connection, Site site, Station station, Run run, CancellationToken cancellationToken)
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
            order.Phase.Screen.GetOrAdd(station.StationId, _ => new Latency()).Record(LoadRun.Micros(order.SentAt));
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
    internal static async Task WatchOrdersAsync(Connection connection, Site site, Run run, CancellationToken cancellationToken)
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

    internal static void Observe(Connection connection, Tracked order, string orderId, OrderStatus status, CancellationToken cancellationToken)
    {
        if (status == OrderStatus.Ready && Interlocked.Exchange(ref order.ReadyFlag, 1) == 0)
        {
            order.Phase.ToReady.Record(LoadRun.Micros(order.SentAt));
            _ = BumpAsync(connection, order.Site.Location, order.Site.Expo, $"{orderId}:{order.Site.Expo}", order.Phase, cancellationToken);
        }

        if (status == OrderStatus.Completed && Interlocked.Exchange(ref order.CompletedFlag, 1) == 0)
        {
            order.Phase.ToCompleted.Record(LoadRun.Micros(order.SentAt));
            Interlocked.Increment(ref order.Phase.Completed);
        }
    }

    internal static void Log(string stream, RpcException ex) =>
        AnsiConsole.MarkupLineInterpolated($"[yellow]{stream} stream ended ({ex.StatusCode}: {ex.Status.Detail}); coming back[/]");

    internal static async Task BumpAsync(Connection connection, string location, string station, string ticketId, Phase phase, CancellationToken cancellationToken)
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
}
