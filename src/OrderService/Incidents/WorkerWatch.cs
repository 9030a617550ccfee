using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using Restaurant.Domain.Incidents;
using StackExchange.Redis;

namespace Restaurant.OrderService.Incidents;

/// <summary>How the OrderService watches for what no worker can raise: no worker alive, orders not reaching the kitchen.</summary>
public sealed class WorkerWatchOptions
{
    public const string Section = "Restaurant:Incidents";

    /// <summary>How often the roster of workers is looked at.</summary>
    public TimeSpan WorkerCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>With no worker seen for this long, every location has a NO_WORKER incident.</summary>
    public TimeSpan WorkerGone { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An order waiting this long to be routed is a QUEUE_LAG incident: the workers are behind, frozen or away.</summary>
    public TimeSpan QueueLag { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// What no worker can say, because none may be there: every kitchen worker says it is alive every
/// second (<c>rst:workers</c>), and when none has for <see cref="WorkerWatchOptions.WorkerGone"/>, orders
/// are taken but reach no kitchen, so the OrderService opens a NO_WORKER incident at every location; and
/// an order waiting longer than <see cref="WorkerWatchOptions.QueueLag"/> to be routed (the workers
/// behind, frozen or away) is a QUEUE_LAG incident. Both resolve when the cause clears. Several
/// OrderServices agree, as the script raises a cause once.
/// </summary>
public sealed partial class WorkerWatch(
    IncidentStore incidents, MenuStore menus, IConnectionMultiplexer redis, IOptions<WorkerWatchOptions> options, TimeProvider clock, ILogger<WorkerWatch> logger) : BackgroundService
{
    private readonly WorkerWatchOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(_options.WorkerCheckInterval, clock, LookAsync, reason => Log.Unavailable(logger, reason), stoppingToken);

    private async Task LookAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var live = await redis.GetDatabase().SortedSetLengthAsync(RedisKeys.Workers, (now - _options.WorkerGone).ToUnixTimeMilliseconds(), double.PositiveInfinity)
            .WaitAsync(cancellationToken);
        var locations = await menus.GetLocationIdsAsync(cancellationToken);
        var oldest = await incidents.OldestUnroutedAsync(locations, cancellationToken);
        foreach (var location in locations)
        {
            var causes = IncidentRules.FindWithoutWorkers(now, live > 0, _options.WorkerGone, oldest.GetValueOrDefault(location), _options.QueueLag);
            var (opened, _) = await incidents.SyncAsync(location, causes, cancellationToken, service: true);
            if (opened > 0)
            {
                Log.Raised(logger, location, string.Join(", ", causes.Select(c => c.Kind)));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Incidents at {Location}: {Kinds}")]
        public static partial void Raised(ILogger logger, string location, string kinds);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The worker watch waits: Redis cannot be read ({Reason})")]
        public static partial void Unavailable(ILogger logger, string reason);
    }
}
