using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Restaurant.Core.Locations;
using Restaurant.Core.Telemetry;
using Restaurant.Domain.Locations;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// One shared connection to Redis (from <c>ConnectionStrings:Redis</c>), the store, the doorbell
    /// and the location loader. The connection does not abort when Redis is down at start: it keeps
    /// retrying, and calls fail with a clear status meanwhile.
    /// </summary>
    public static IHostApplicationBuilder AddRestaurantStore(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis") ?? "127.0.0.1:6379";
        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
        {
            var config = ConfigurationOptions.Parse(connectionString);
            config.AbortOnConnectFail = false;

            // TLS to a Redis whose certificate comes from a private CA: trust that CA (a PEM file).
            if (services.GetRequiredService<IOptions<RedisOptions>>().Value.TrustIssuer is { Length: > 0 } issuer)
            {
                config.TrustIssuer(issuer);
            }

            // Every call has a deadline: a frozen Redis fails calls within 2 s (UNAVAILABLE at the
            // edge) instead of holding them, unless the connection string says otherwise.
            if (!connectionString.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
            {
                config.AsyncTimeout = 2000;
            }

            if (!connectionString.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase))
            {
                config.SyncTimeout = 2000;
            }
            config.ClientName ??= $"restaurant-{builder.Environment.ApplicationName}";
            return ConnectionMultiplexer.Connect(config);
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RedisStoreOptions>().BindConfiguration(RedisStoreOptions.Section)
            .Validate(o => o.StreamRetention > TimeSpan.Zero && o.ReportRetention > TimeSpan.Zero && o.FinishedOrderRetention > TimeSpan.Zero,
                $"{RedisStoreOptions.Section}: StreamRetention, ReportRetention and FinishedOrderRetention must be more than zero")
            .ValidateOnStart();
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section)
            .Validate(o => o.WaitReplicas >= 0 && o.WaitTimeout > TimeSpan.Zero, $"{RedisOptions.Section}: WaitReplicas must be 0 or more and WaitTimeout more than zero")
            .Validate(o => string.IsNullOrEmpty(o.TrustIssuer) || File.Exists(o.TrustIssuer), $"{RedisOptions.Section}:TrustIssuer names no file")
            .ValidateOnStart();
        builder.Services.AddOptions<LocationOptions>().BindConfiguration(LocationOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataPath) && o.RescanInterval >= TimeSpan.Zero, $"{LocationOptions.Section}: DataPath is required and RescanInterval may not be negative")
            .ValidateOnStart();
        builder.Services.AddSingleton<RedisContext>();
        builder.Services.AddSingleton<MenuStore>();
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddSingleton<StationStore>();
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<IncidentStore>();
        builder.Services.AddSingleton<BackupPrints>();
        builder.Services.AddSingleton<Doorbell>();
        builder.Services.AddSingleton<OrderQueue>();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<RestaurantTelemetry>();
        builder.Services.AddSingleton<LocationLoader>();
        return builder;
    }
}
