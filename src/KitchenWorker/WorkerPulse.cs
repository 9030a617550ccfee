using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Restaurant.KitchenWorker;

/// <summary>The routing loop's heartbeat: healthy while the loop has gone round recently.</summary>
public sealed class WorkerPulse(TimeProvider clock) : IHealthCheck
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(30);
    private long _last = clock.GetTimestamp();

    public void Beat() => Interlocked.Exchange(ref _last, clock.GetTimestamp());

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var since = clock.GetElapsedTime(Interlocked.Read(ref _last));
        return Task.FromResult(since < Stale
            ? HealthCheckResult.Healthy($"the routing loop went round {since.TotalSeconds:0.#} s ago")
            : HealthCheckResult.Unhealthy($"the routing loop has not gone round for {since.TotalSeconds:0} s"));
    }
}
