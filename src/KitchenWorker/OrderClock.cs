using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using Restaurant.Domain;

namespace Restaurant.KitchenWorker;

/// <summary>
/// Keeps the time for orders that are not yet in the kitchen, at the locations this worker holds: an
/// order placed for later goes to the queue when its time to fire comes, and an order nobody accepted
/// by its deadline is denied by itself, with the reason, so the platform and the guest hear of it
/// before the platform gives up. It looks every <see cref="KitchenWorkerOptions.OrderClockInterval"/>;
/// the scripts make each step happen once, whichever worker gets there.
/// </summary>
public sealed partial class OrderClock(OrderStore orders, LocationShare share, IOptions<KitchenWorkerOptions> options, TimeProvider clock, ILogger<OrderClock> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(options.Value.OrderClockInterval, clock, TickAsync, reason => Log.Unavailable(logger, reason), stoppingToken);

    /// <summary>One look at every held location: fires what is due, denies what expired.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var held = share.Current.Held;
        if (held.Count == 0)
        {
            return;
        }

        foreach (var due in await orders.DueAsync(held, cancellationToken))
        {
            var fired = await orders.ReleaseScheduledAsync(due.Location, due.Firing, cancellationToken);
            if (fired > 0)
            {
                Log.Fired(logger, fired, due.Location);
            }

            foreach (var orderId in due.Expired)
            {
                await DenyExpiredAsync(due.Location, orderId, cancellationToken);
            }
        }
    }

    private async Task DenyExpiredAsync(string location, string orderId, CancellationToken cancellationToken)
    {
        var order = await orders.FindOrderAsync(location, orderId, cancellationToken);
        var waited = order?.AcceptBy is { } by ? by - order.CreatedAt : TimeSpan.Zero;
        try
        {
            await orders.DenyOrderAsync(location, orderId, $"not accepted within {Minutes(waited)}", cancellationToken);
            Log.Expired(logger, orderId, location);
        }
        catch (RestaurantException)
        {
            // Accepted (or gone) a moment ago: nothing to deny.
        }
    }

    private static string Minutes(TimeSpan wait) =>
        wait.TotalSeconds < 120 ? $"{Math.Max(1, (int)Math.Round(wait.TotalSeconds))} seconds" : $"{(int)Math.Round(wait.TotalMinutes)} minutes";

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "{Count} order(s) placed for later went to the kitchen at {Location}")]
        public static partial void Fired(ILogger logger, int count, string location);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} at {Location} was not accepted in time and is denied")]
        public static partial void Expired(ILogger logger, string orderId, string location);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The order clock waits: Redis cannot be read ({Reason})")]
        public static partial void Unavailable(ILogger logger, string reason);
    }
}
