using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Restaurant.Core.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>
    /// Metrics of the "Restaurant" meter and the .NET runtime, served for Prometheus at
    /// <c>Restaurant:Metrics:Listen</c> (host:port, such as 127.0.0.1:9464, path /metrics; empty serves none), and metrics and traces
    /// sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddRestaurantTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        // Read as the service is put together: the exporters are chosen here, before options exist.
        var listen = (builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new()).ListenUri();

        // OpenTelemetry's own setting, read by its exporters; here it only says whether to add them.
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(RestaurantTelemetry.Name, "System.Runtime");
                if (listen is { } at)
                {
                    metrics.AddPrometheusHttpListener(o =>
                    {
                        o.Host = at.Host;
                        o.Port = at.Port;
                        o.ScrapeResponseCacheDurationMilliseconds = 0;
                    });
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(RestaurantTelemetry.Name).AddOtlpExporter());
        }

        return builder;
    }
}

/// <summary>Where the service's metrics are served for Prometheus.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Restaurant:Metrics";

    /// <summary>host:port (such as 127.0.0.1:9464) of the /metrics endpoint; empty serves none.</summary>
    public string? Listen { get; set; }

    /// <summary>The endpoint's address, or null when none is served; a setting that is no host:port stops the start.</summary>
    internal Uri? ListenUri()
    {
        if (string.IsNullOrEmpty(Listen))
        {
            return null;
        }

        return Uri.TryCreate(Listen.Contains("://", StringComparison.Ordinal) ? Listen : "http://" + Listen, UriKind.Absolute, out var at) && at.Port > 0
            ? at
            : throw new InvalidOperationException($"{Section}:Listen '{Listen}' is not a host:port");
    }
}
