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
        var listen = builder.Configuration["Restaurant:Metrics:Listen"];
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(RestaurantTelemetry.Name, "System.Runtime");
                if (!string.IsNullOrEmpty(listen))
                {
                    var at = new Uri(listen.Contains("://", StringComparison.Ordinal) ? listen : "http://" + listen);
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
