using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
namespace Restaurant.Clients.Load;

/// <summary>The kitchen and the POS a load run drives: a screen per station that bumps what it is shown, and a POS watch that sends ready orders out at expo; both come back after a dropped stream as real ones do.</summary>
internal static class SimulatedKitchen
{
    /// <summary>
    /// A screen as a real one behaves: it bumps what it is shown (unless it is a mirrored station's
    /// second screen, which only shows), and when its stream ends (the service cut off a screen that
    /// fell behind, or restarted) it comes back with its resume token, or with a fresh snapshot when
    /// the token has expired, through the same feed the kitchen screen uses.
    /// </summary>
    internal static Task WatchStationAsync(Site site, ScreenSpec spec, Run run, CancellationToken cancellationToken)
    {
        var screen = new LoadScreen(site, spec, run, cancellationToken);
        var feed = new StationFeed(spec.Device, spec.Station.StationId, screen, spec.ScreenId, location: site.Location, dropped: problem =>
        {
            Interlocked.Increment(ref run.Reconnects);
            AnsiConsole.MarkupLineInterpolated($"[yellow]{site.Location}/{spec.Name} stream ended ({problem}); coming back[/]");
        });
        return feed.RunAsync(cancellationToken);
    }

    /// <summary>What the load run's screen does with each event: time it, count it, bump it.</summary>
    private sealed class LoadScreen(Site site, ScreenSpec spec, Run run, CancellationToken cancellationToken) : IStationView
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
                run.Watching(site, spec.Name);
                _resnapshot = false;
            }

            if (change.EventCase != StationEvent.EventOneofCase.TicketAdded || !run.Orders.TryGetValue(change.TicketAdded.OrderId, out var order))
            {
                return;
            }

            var station = spec.Station.StationId;
            if (_resnapshot && order.Seen.ContainsKey(spec.View))
            {
                return;
            }

            var ticket = change.TicketAdded;
            order.Phase.Screen.GetOrAdd(station, _ => new Latency()).Record(LoadRun.Micros(order.SentAt));
            site.LatestShown.AddOrUpdate(spec.View, order.SentAt, (_, t) => Math.Max(t, order.SentAt));
            var copies = order.Seen.AddOrUpdate(spec.View, 1, (_, n) => n + 1);
            if (copies == 1)
            {
                Interlocked.Increment(ref order.Phase.TicketsSeen);
            }

            if (!spec.Station.IsExpo && spec.Bumps && !run.Hold)
            {
                _ = BumpAsync(spec.Device, site.Location, station, ticket.TicketId, order.Phase, cancellationToken);
            }
        }
    }

    /// <summary>
    /// One POS terminal watching its location's orders; the first also sends each ready order out at
    /// expo. Each must hear every order completed. When its stream ends it comes back and catches up with GetOrder.
    /// </summary>
    internal static async Task WatchOrdersAsync(Site site, int terminal, Run run, CancellationToken cancellationToken)
    {
        var connection = site.Terminals[terminal];
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = connection.Orders.WatchOrders(new WatchOrdersRequest { LocationId = site.Location }, cancellationToken: cancellationToken);
                await call.ResponseHeadersAsync;
                if (first)
                {
                    run.Watching(site, $"orders#{terminal}");
                    first = false;
                }
                else
                {
                    // Changes made while the stream was down are not replayed: ask for the orders still open.
                    foreach (var (id, order) in run.Orders.Where(o => (o.Value.HeardCompleted & (1 << terminal)) == 0 && o.Value.Site == site).ToList())
                    {
                        var now = await connection.Orders.GetOrderAsync(new GetOrderRequest { LocationId = site.Location, OrderId = id }, cancellationToken: cancellationToken);
                        Observe(connection, terminal, order, id, now.Order.Status, cancellationToken);
                    }
                }

                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (run.Orders.TryGetValue(change.Order.OrderId, out var order))
                    {
                        Observe(connection, terminal, order, change.Order.OrderId, change.Order.Status, cancellationToken);
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
                Log($"{site.Location}/orders#{terminal}", ex);
            }

            await Task.Delay(200, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    internal static void Observe(Connection connection, int terminal, Tracked order, string orderId, OrderStatus status, CancellationToken cancellationToken)
    {
        if (status == OrderStatus.Completed)
        {
            var bit = 1 << terminal;
            var before = Interlocked.Or(ref order.HeardCompleted, bit);
            if ((before & bit) == 0 && (before | bit) == order.Site.AllTerminals)
            {
                Interlocked.Increment(ref order.Phase.HeardByAll);
            }
        }

        if (terminal == 0 && status == OrderStatus.Ready && Interlocked.Exchange(ref order.ReadyFlag, 1) == 0)
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
