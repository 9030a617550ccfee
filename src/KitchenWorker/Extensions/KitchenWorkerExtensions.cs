using Microsoft.Extensions.Diagnostics.HealthChecks;
using Restaurant.Core.Redis;

namespace Restaurant.KitchenWorker.Extensions;

public static class KitchenWorkerExtensions
{
    public static IHostApplicationBuilder AddKitchenWorker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KitchenWorkerOptions>().BindConfiguration(KitchenWorkerOptions.Section)
            .Validate(o => o.MaxDeliveries >= 1 && o.BatchSize >= 1, "MaxDeliveries and BatchSize must be at least 1")
            .Validate(o => o.LocationRefresh > TimeSpan.Zero && o.LeaseTime > o.LocationRefresh * 2, "LeaseTime must be more than twice LocationRefresh, so leases are renewed in time")
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkerPulse>();
        builder.Services.AddSingleton<WorkerLeases>();
        builder.Services.AddSingleton<LocationShare>();
        builder.Services.AddHostedService<OrderRoutingWorker>();
        return builder;
    }

    /// <summary>
    /// grpc.health.v1 for the worker's supervisor: SERVING while Redis answers and the routing loop
    /// goes round; the endpoint is where <c>--urls</c> says (127.0.0.1:5081 by default).
    /// </summary>
    public static IHostApplicationBuilder AddWorkerHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks()
            .AddCheck<RedisHealthCheck>("redis")
            .AddCheck<WorkerPulse>("routing-loop");
        builder.Services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = TimeSpan.FromSeconds(2);
        });
        return builder;
    }
}
