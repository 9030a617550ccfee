using Microsoft.Extensions.Diagnostics.HealthChecks;
using Restaurant.Core.Redis;
using Restaurant.KitchenWorker.Incidents;
using Restaurant.KitchenWorker.Webhooks;

namespace Restaurant.KitchenWorker.Extensions;

public static class KitchenWorkerExtensions
{
    public static IHostApplicationBuilder AddKitchenWorker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KitchenWorkerOptions>().BindConfiguration(KitchenWorkerOptions.Section)
            .Validate(o => o.MaxDeliveries >= 1 && o.BatchSize >= 1, "MaxDeliveries and BatchSize must be at least 1")
            .Validate(o => o.LocationRefresh > TimeSpan.Zero && o.LeaseTime > o.LocationRefresh * 2, "LeaseTime must be more than twice LocationRefresh, so leases are renewed in time")
            .Validate(o => o.OrderClockInterval > TimeSpan.Zero, "OrderClockInterval must be more than zero")
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkerPulse>();
        builder.Services.AddSingleton<WorkerLeases>();
        builder.Services.AddSingleton<LocationShare>();
        builder.Services.AddHostedService<OrderRoutingWorker>();
        builder.Services.AddHostedService<OrderClock>();
        builder.Services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero && o.ScreenGone > TimeSpan.Zero && o.ScreenForget > o.ScreenGone
                && o.PrinterTimeout > TimeSpan.Zero && o.PrintClaim > o.PrinterTimeout * 2,
                $"{IncidentOptions.Section}: Interval and ScreenGone must be more than zero, ScreenForget more than ScreenGone, and PrintClaim more than twice PrinterTimeout")
            .ValidateOnStart();
        builder.Services.AddSingleton<BackupPrinter>();
        builder.Services.AddHostedService<IncidentWatch>();
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.Subscribers.All(s => Uri.TryCreate(s.Value.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && s.Value.Secret.Length >= 16),
                $"{WebhookOptions.Section}:Subscribers: each needs an http(s) Url and a Secret of at least 16 characters")
            .Validate(o => o.RetryFirst > TimeSpan.Zero && o.RetryMost >= o.RetryFirst && o.Timeout > TimeSpan.Zero, $"{WebhookOptions.Section}: RetryFirst, RetryMost and Timeout must be more than zero")
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookOutbox>();
        builder.Services.AddHostedService<WebhookDispatcher>();
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
