using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// The loop of the services that look at Redis on a clock (the order clock, the incident watches):
/// every <c>interval</c> one look, until stopped. A look that finds Redis away is told to
/// <c>unavailable</c> and the next tick tries again: what waits in Redis waits for it.
/// </summary>
public static class Periodic
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> look, Action<string> unavailable, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await look(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
                {
                    unavailable(ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
