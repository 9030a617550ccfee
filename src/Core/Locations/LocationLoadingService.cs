using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Restaurant.Domain.Locations;
using StackExchange.Redis;

namespace Restaurant.Core.Locations;

/// <summary>
/// Loads the location data files before the server starts listening (<see cref="IHostedLifecycleService.StartingAsync"/>
/// runs ahead of every StartAsync), so no call ever meets a menu that is not there yet. Waits a while
/// for Redis, which may be starting beside the service. Then it watches the folder: locations are
/// added, changed and closed at run time by adding, changing and removing their files.
/// </summary>
public sealed partial class LocationLoadingService(
    LocationLoader loader, IOptions<LocationOptions> options, TimeProvider clock, ILogger<LocationLoadingService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;

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

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RescanInterval > TimeSpan.Zero)
        {
            _watching = WatchAsync(options.Value.RescanInterval, _stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task WatchAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await loader.RescanAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or IOException)
                {
                    // Redis or the folder is away for a moment: the next look tries again.
                    Log.RescanFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for Redis to load the locations: {Reason}")]
        public static partial void Waiting(ILogger logger, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look at the location folder again: {Reason}")]
        public static partial void RescanFailed(ILogger logger, string reason);
    }
}
