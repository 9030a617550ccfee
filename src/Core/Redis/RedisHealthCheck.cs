using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>Healthy while Redis answers a PING within a second: a process is serving only then.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var rtt = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered in {rtt.TotalMilliseconds:0.#} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is not answering", ex);
        }
    }
}
