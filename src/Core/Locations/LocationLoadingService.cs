using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Restaurant.Core.Locations;

/// <summary>
/// Loads the location data files before the server starts listening (<see cref="IHostedLifecycleService.StartingAsync"/>
/// runs ahead of every StartAsync), so no call ever meets a menu that is not there yet. Waits a while
/// for Redis, which may be starting beside the service.
/// </summary>
public sealed partial class LocationLoadingService(LocationLoader loader, TimeProvider clock, ILogger<LocationLoadingService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        while (true)
        {
            try
            {
                await loader.LoadAllAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && clock.GetElapsedTime(started) < Patience)
            {
                Log.Waiting(logger, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500), clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for Redis to load the locations: {Reason}")]
        public static partial void Waiting(ILogger logger, string reason);
    }
}
