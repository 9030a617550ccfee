using System.Collections.Concurrent;
using Restaurant.Core.Redis;
using StackExchange.Redis;

namespace Restaurant.OrderService.Incidents;

/// <summary>
/// The screens this process streams to, said to be watching their stations every
/// <see cref="Interval"/> in one pipelined write for all of them, instead of a write per screen:
/// an idle screen costs next to nothing, and a station whose screens are all gone still becomes an
/// incident (the incident watch reads who was seen when). A screen counts from the moment its stream
/// begins (<see cref="WatchAsync"/> writes it at once) until its stream ends.
/// </summary>
public sealed partial class ScreenPresence(IncidentStore incidents, TimeProvider clock, ILogger<ScreenPresence> logger) : BackgroundService
{
    /// <summary>Well within the time after which a screen counts as gone.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<(string Location, string Station, string Watcher), int> _watching = new();

    /// <summary>Marks a screen watching now and for as long as the returned handle is not disposed.</summary>
    public async Task<IDisposable> WatchAsync(string location, string station, string watcher, CancellationToken cancellationToken)
    {
        var key = (location, station, watcher);
        _watching.AddOrUpdate(key, 1, (_, n) => n + 1);
        var handle = new Handle(this, key);
        try
        {
            await incidents.TouchWatchersAsync([key], cancellationToken);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return handle;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var live = _watching.Keys.ToList();
            if (live.Count == 0)
            {
                continue;
            }

            try
            {
                await incidents.TouchWatchersAsync(live, stoppingToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is away: the next tick says it again.
                Log.TouchFailed(logger, live.Count, ex.Message);
            }
        }
    }

    private void Release((string, string, string) key)
    {
        while (_watching.TryGetValue(key, out var n))
        {
            if (n <= 1 ? _watching.TryRemove(new KeyValuePair<(string, string, string), int>(key, n)) : _watching.TryUpdate(key, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Handle(ScreenPresence owner, (string, string, string) key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(key);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not say that {Count} screens are watching: {Reason}")]
        public static partial void TouchFailed(ILogger logger, int count, string reason);
    }
}
