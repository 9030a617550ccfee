using Microsoft.Extensions.Options;
using Restaurant.Core.Domain;
using Restaurant.Core.Kitchen;
using Restaurant.Core.Locations;
using Restaurant.Core.Redis;
using StackExchange.Redis;

namespace Restaurant.KitchenWorker;

/// <summary>
/// Takes orders off every location's queue, routes each into its station tickets and writes them with
/// the acknowledgement in one script. A thin adapter: the routing decision is <see cref="KitchenRouter"/>.
/// </summary>
public sealed partial class OrderRoutingWorker(
    RedisStore store,
    OrderQueue queue,
    Doorbell bell,
    WorkerPulse pulse,
    IOptions<KitchenWorkerOptions> options,
    TimeProvider clock,
    ILogger<OrderRoutingWorker> logger) : BackgroundService
{
    private readonly KitchenWorkerOptions _options = options.Value;
    private readonly HashSet<string> _locations = new(StringComparer.Ordinal);

    public string ConsumerName { get; } = string.IsNullOrEmpty(options.Value.ConsumerName)
        ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
        : options.Value.ConsumerName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(logger, ConsumerName);
        var nextRefresh = DateTimeOffset.MinValue;
        var nextClaim = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = bell.Next(Doorbell.AnyLocation, RedisKeys.OrdersTopic);
            pulse.Beat();
            try
            {
                var now = clock.GetUtcNow();
                if (now >= nextRefresh)
                {
                    await RefreshLocationsAsync(stoppingToken);
                    nextRefresh = now + _options.LocationRefresh;
                }

                var work = 0;
                foreach (var location in _locations)
                {
                    var messages = await queue.ReadNewAsync(location, ConsumerName, _options.BatchSize, stoppingToken);
                    work += messages.Count;
                    await ProcessAsync(location, messages, stoppingToken);
                }

                if (now >= nextClaim)
                {
                    foreach (var location in _locations)
                    {
                        work += await ClaimStaleAsync(location, stoppingToken);
                    }

                    nextClaim = now + _options.ClaimInterval;
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
                    nextRefresh = DateTimeOffset.MinValue;
                    _locations.Clear();
                }

                await Doorbell.WaitAsync(Task.Delay(Timeout.Infinite, stoppingToken), _options.PollInterval, stoppingToken);
            }
        }

        Log.Stopped(logger, ConsumerName);
    }

    private async Task RefreshLocationsAsync(CancellationToken cancellationToken)
    {
        foreach (var location in await store.GetLocationIdsAsync(cancellationToken))
        {
            if (!_locations.Contains(location))
            {
                await queue.EnsureGroupAsync(location, cancellationToken);
                _ = bell.EnsureSubscribedAsync(location);
                _locations.Add(location);
                Log.Serving(logger, location);
            }
        }
    }

    private async Task<int> ClaimStaleAsync(string location, CancellationToken cancellationToken)
    {
        var (claimed, lost) = await queue.ClaimStaleAsync(location, ConsumerName, _options.ClaimIdle, _options.BatchSize, cancellationToken);
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
        if (messages.Count == 0)
        {
            return;
        }

        MenuSnapshot? menu = null;
        foreach (var message in messages)
        {
            if (message.OrderId is null || !OrderValidator.IsValidId(message.OrderId))
            {
                await DeadLetterAsync(location, message, "the message names no valid order id", cancellationToken);
                continue;
            }

            if (message.Deliveries > _options.MaxDeliveries)
            {
                await DeadLetterAsync(location, message, $"failed {message.Deliveries - 1} times", cancellationToken);
                continue;
            }

            try
            {
                menu ??= await store.GetMenuAsync(location, cancellationToken);
                await RouteAsync(location, message, menu, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not RedisConnectionException)
            {
                // Left pending: it is claimed again after ClaimIdle, and dead-lettered after MaxDeliveries.
                Log.RouteFailed(logger, location, message.OrderId, message.Deliveries, ex);
            }
        }
    }

    private async Task RouteAsync(string location, QueuedOrder message, MenuSnapshot menu, CancellationToken cancellationToken)
    {
        // An order changed (a round added, a line voided) while its tickets were being made is read again.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var order = await store.FindOrderAsync(location, message.OrderId!, cancellationToken)
                ?? throw new UnroutableOrderException($"order {message.OrderId} is not stored at '{location}'");
            if (order.Status != OrderState.Accepted)
            {
                // Cancelled before routing, or routed already by a worker that died before acknowledging.
                await queue.AcknowledgeAsync(location, message.MessageId, cancellationToken);
                return;
            }

            var tickets = KitchenRouter.Route(order.OrderId, order.Lines, menu.Location, clock.GetUtcNow().ToUnixTimeMilliseconds());
            var outcome = await store.RouteOrderAsync(location, message.MessageId, order, tickets, menu.Location.Options.AutoFireNextCourse, cancellationToken);
            Log.Routed(logger, location, order.OrderId, tickets.Count, outcome);
            if (outcome != RouteOutcome.Stale)
            {
                return;
            }
        }

        throw new UnroutableOrderException($"order {message.OrderId} kept changing while it was being routed");
    }

    private async Task DeadLetterAsync(string location, QueuedOrder message, string reason, CancellationToken cancellationToken)
    {
        await queue.DeadLetterAsync(location, message, reason, cancellationToken);
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

        [LoggerMessage(Level = LogLevel.Debug, Message = "{Location}: order {OrderId} routed into {Tickets} tickets ({Outcome})")]
        public static partial void Routed(ILogger logger, string location, string orderId, int tickets, RouteOutcome outcome);

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
