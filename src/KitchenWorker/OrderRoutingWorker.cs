using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using Restaurant.Core.Telemetry;
using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;
using StackExchange.Redis;

namespace Restaurant.KitchenWorker;

/// <summary>
/// Takes orders off every location's queue, routes each into its station tickets and writes them with
/// the acknowledgement in one script. A thin adapter: what to write is <see cref="RoutePlan"/>'s decision.
/// </summary>
public sealed partial class OrderRoutingWorker(
    OrderStore orders,
    StationStore stations,
    OrderQueue queue,
    Doorbell bell,
    WorkerPulse pulse,
    LocationShare share,
    IOptions<KitchenWorkerOptions> options,
    RestaurantTelemetry telemetry,
    TimeProvider clock,
    ILogger<OrderRoutingWorker> logger) : BackgroundService
{
    private readonly KitchenWorkerOptions _options = options.Value;
    private readonly HashSet<string> _locations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Lag, long Pending)> _queues = new(StringComparer.Ordinal);

    public string ConsumerName { get; } = string.IsNullOrEmpty(options.Value.ConsumerName)
        ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
        : options.Value.ConsumerName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(logger, ConsumerName);
        telemetry.ObserveQueues(() => _queues.Select(q => (q.Key, q.Value.Lag, q.Value.Pending)));
        telemetry.ObserveLocations(() => _locations.Count);
        using var sharing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = share.RunAsync(ConsumerName, sharing.Token);
        var nextClaim = DateTimeOffset.MinValue;
        var nextTrim = DateTimeOffset.MinValue;
        var learnShare = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = bell.Next(Doorbell.AnyLocation, RedisKeys.OrdersTopic);
            pulse.Beat();
            try
            {
                var now = clock.GetUtcNow();
                if (learnShare)
                {
                    // At start, or after Redis was away: learn the share now rather than at the next tick.
                    await share.RefreshAsync(ConsumerName, stoppingToken);
                    Trip();
                    learnShare = false;
                }

                var work = await SyncLocationsAsync(stoppingToken);
                foreach (var location in _locations)
                {
                    var messages = await queue.ReadNewAsync(location, ConsumerName, _options.BatchSize, stoppingToken);
                    Trip();
                    work += messages.Count;
                    await ProcessAsync(location, messages, stoppingToken);
                }

                if (now >= nextClaim)
                {
                    // Acknowledged queue entries past their retention are trimmed once a minute.
                    string? trimBefore = now >= nextTrim ? $"{(now - _options.QueueRetention).ToUnixTimeMilliseconds()}-0" : null;
                    foreach (var location in _locations)
                    {
                        work += await ClaimStaleAsync(location, _options.ClaimIdle, stoppingToken);
                        _queues[location] = await queue.MeasureAndTrimAsync(location, trimBefore, stoppingToken);
                        Trip();
                    }

                    nextClaim = now + _options.ClaimInterval;
                    if (trimBefore is not null)
                    {
                        nextTrim = now + TimeSpan.FromMinutes(1);
                    }
                }

                if (work == 0)
                {
                    await Doorbell.WaitAsync(wake, _options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is away: what this worker read stays pending and is routed when it is back.
                Log.RedisUnavailable(logger, ex.Message);
                if (ex is RedisServerException { Message: var m } && m.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    _locations.Clear();
                }

                learnShare = true;
                await Doorbell.WaitAsync(Task.Delay(Timeout.Infinite, stoppingToken), _options.PollInterval, stoppingToken);
            }
        }

        await sharing.CancelAsync();
        await renewing;
        try
        {
            using var leaving = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await share.LeaveAsync(ConsumerName, leaving.Token);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            // The leases lapse by themselves.
        }

        Log.Stopped(logger, ConsumerName);
    }

    /// <summary>A round trip to Redis the loop waited for, counted as it happens.</summary>
    private void Trip(int count = 1) => telemetry.RoundTrips("route", count);

    /// <summary>
    /// Between batches: serves the locations this worker holds and wants, lets go of the ones it holds
    /// but another worker now wants, and drops the ones whose lease lapsed. A location taken over is
    /// first cleared of what its last worker left pending, so its orders keep their order.
    /// </summary>
    private async Task<int> SyncLocationsAsync(CancellationToken cancellationToken)
    {
        var current = share.Current;
        foreach (var location in _locations.ToList())
        {
            if (!current.Held.Contains(location))
            {
                _locations.Remove(location);
                Log.Lost(logger, location);
            }
            else if (!current.Wanted.Contains(location))
            {
                await share.LetGoAsync(ConsumerName, location, cancellationToken);
                Trip();
                _locations.Remove(location);
                Log.HandedOver(logger, location);
            }
        }

        var work = 0;
        foreach (var location in current.Held.Where(current.Wanted.Contains).Order(StringComparer.Ordinal))
        {
            if (_locations.Contains(location))
            {
                continue;
            }

            await queue.EnsureGroupAsync(location, cancellationToken);
            Trip();
            _ = bell.EnsureSubscribedAsync(location);
            _locations.Add(location);
            Log.Serving(logger, location);

            // What its last worker left pending goes first (up to 16 batches; a message that fails
            // stays pending for the usual claims, so a failing one is not retried in a tight loop).
            for (var round = 0; round < 16; round++)
            {
                var claimed = await ClaimStaleAsync(location, TimeSpan.Zero, cancellationToken);
                work += claimed;
                if (claimed < _options.BatchSize)
                {
                    break;
                }
            }
        }

        return work;
    }

    private async Task<int> ClaimStaleAsync(string location, TimeSpan idle, CancellationToken cancellationToken)
    {
        var (claimed, lost) = await queue.ClaimStaleAsync(location, ConsumerName, idle, _options.BatchSize, cancellationToken);
        Trip();
        if (lost > 0)
        {
            Log.Trimmed(logger, location, lost);
        }

        foreach (var message in claimed)
        {
            Log.Claimed(logger, location, message.MessageId, message.Deliveries);
        }

        await ProcessAsync(location, claimed, cancellationToken);
        return claimed.Count;
    }

    private async Task ProcessAsync(string location, IReadOnlyList<QueuedOrder> messages, CancellationToken cancellationToken)
    {
        var routable = new List<QueuedOrder>(messages.Count);
        foreach (var message in messages)
        {
            if (message.OrderId is null || !OrderValidator.IsValidOrderId(message.OrderId))
            {
                await DeadLetterAsync(location, message, "the message names no valid order id", cancellationToken);
            }
            else if (message.Deliveries > _options.MaxDeliveries)
            {
                await DeadLetterAsync(location, message, $"failed {message.Deliveries - 1} times", cancellationToken);
            }
            else
            {
                routable.Add(message);
            }
        }

        if (routable.Count == 0)
        {
            return;
        }

        // The batch costs two round trips however many orders it holds: the menu's version with every
        // order, and the route scripts sent together (Redis runs them in queue order, so the kitchen
        // sees the orders in the order they were placed).
        telemetry.BatchRouted(location);
        var (menu, batch) = await orders.ReadForRoutingAsync(location, [.. routable.Select(m => m.OrderId!)], cancellationToken);
        Trip();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var routes = new Task<RouteOutcome>[routable.Count];
        for (var i = 0; i < routable.Count; i++)
        {
            routes[i] = StartRoute(location, routable[i], batch[i], menu, now, cancellationToken);
        }

        Trip(); // the batch's route scripts (or acknowledgements) go out together

        for (var i = 0; i < routable.Count; i++)
        {
            var message = routable[i];
            try
            {
                var outcome = await routes[i];
                if (outcome == RouteOutcome.Stale)
                {
                    // The order changed (a round added, a line voided) while its tickets were being made.
                    outcome = await RouteAgainAsync(location, message, menu, cancellationToken);
                }

                Log.Routed(logger, location, message.OrderId!, outcome);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not RedisConnectionException)
            {
                // Left pending: it is claimed again after ClaimIdle, and dead-lettered after MaxDeliveries.
                Log.RouteFailed(logger, location, message.OrderId, message.Deliveries, ex);
            }
        }
    }

    /// <summary>
    /// Starts routing one order; its route script is sent before this returns, so a batch's scripts
    /// go out together. An order the menu can no longer route (an item a reload dropped) goes to the
    /// dead letters with its reason, and the batch goes on.
    /// </summary>
    private async Task<RouteOutcome> StartRoute(string location, QueuedOrder message, OrderData? order, LocationDefinition menu, long now, CancellationToken cancellationToken)
    {
        if (order is null)
        {
            throw new UnroutableOrderException($"order {message.OrderId} is not stored at '{location}'");
        }

        if (order.Status != OrderState.Accepted)
        {
            // Cancelled before routing, or routed already by a worker that died before acknowledging.
            await queue.AcknowledgeAsync(location, message.MessageId, cancellationToken);
            return RouteOutcome.Skipped;
        }

        // The route continues the order's trace, and its tickets carry it on to the screens; the span
        // lasts until the route script has answered.
        using var activity = RestaurantTelemetry.Source.StartActivity("RouteOrder", ActivityKind.Consumer, order.Trace);
        activity?.SetTag("restaurant.location", location);
        activity?.SetTag("restaurant.order", order.OrderId);
        RoutePlan plan;
        try
        {
            plan = RoutePlan.For(order, menu, now, activity?.Id ?? order.Trace);
        }
        catch (UnroutableOrderException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await DeadLetterAsync(location, message, ex.Message, cancellationToken);
            return RouteOutcome.DeadLettered;
        }

        var outcome = await stations.RouteOrderAsync(location, message.MessageId, order, plan, menu.Options.AutoFireNextCourse, cancellationToken);
        activity?.SetTag("restaurant.route", outcome.ToString());
        if (outcome == RouteOutcome.Routed)
        {
            telemetry.TicketsRouted(location, plan.ActiveTickets);
        }

        return outcome;
    }

    private async Task<RouteOutcome> RouteAgainAsync(string location, QueuedOrder message, LocationDefinition menu, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var order = await orders.FindOrderAsync(location, message.OrderId!, cancellationToken);
            var outcome = await StartRoute(location, message, order, menu, clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
            Trip(2);
            if (outcome != RouteOutcome.Stale)
            {
                return outcome;
            }
        }

        throw new UnroutableOrderException($"order {message.OrderId} kept changing while it was being routed");
    }

    private async Task DeadLetterAsync(string location, QueuedOrder message, string reason, CancellationToken cancellationToken)
    {
        await queue.DeadLetterAsync(location, message, reason, cancellationToken);
        Trip();
        telemetry.DeadLettered(location);
        Log.DeadLettered(logger, location, message.MessageId, message.OrderId ?? "(none)", reason);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Kitchen worker {Consumer} started")]
        public static partial void Started(ILogger logger, string consumer);

        [LoggerMessage(Level = LogLevel.Information, Message = "Kitchen worker {Consumer} stopped; what it had not acknowledged stays pending for a peer")]
        public static partial void Stopped(ILogger logger, string consumer);

        [LoggerMessage(Level = LogLevel.Information, Message = "Serving location {Location}")]
        public static partial void Serving(ILogger logger, string location);

        [LoggerMessage(Level = LogLevel.Information, Message = "Handed location {Location} over to the worker it now belongs to")]
        public static partial void HandedOver(ILogger logger, string location);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease of location {Location} (not renewed in time); another worker serves it")]
        public static partial void Lost(ILogger logger, string location);

        [LoggerMessage(Level = LogLevel.Debug, Message = "{Location}: order {OrderId} {Outcome}")]
        public static partial void Routed(ILogger logger, string location, string orderId, RouteOutcome outcome);

        [LoggerMessage(Level = LogLevel.Information, Message = "{Location}: claimed message {MessageId} (delivery {Deliveries})")]
        public static partial void Claimed(ILogger logger, string location, string messageId, long deliveries);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Location}: order {OrderId} could not be routed (delivery {Deliveries}); it stays pending")]
        public static partial void RouteFailed(ILogger logger, string location, string? orderId, long deliveries, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Location}: message {MessageId} (order {OrderId}) moved to dead letters: {Reason}")]
        public static partial void DeadLettered(ILogger logger, string location, string messageId, string orderId, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Location}: {Count} pending messages were trimmed from the queue before any worker routed them")]
        public static partial void Trimmed(ILogger logger, string location, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not answering ({Reason}); retrying")]
        public static partial void RedisUnavailable(ILogger logger, string reason);
    }
}
