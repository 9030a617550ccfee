using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi.Models;
using Restaurant.Core.Locations;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Locations;
using Restaurant.OrderService.Auth;
using Restaurant.OrderService.Deliveries;
using Restaurant.OrderService.Grpc;
using Restaurant.OrderService.Incidents;

namespace Restaurant.OrderService.Extensions;

public static class OrderServiceExtensions
{
    public static WebApplicationBuilder AddOrderServiceGrpc(this WebApplicationBuilder builder)
    {
        // Devices may also come from a file of their own, so an operator adds and revokes them
        // without touching the service's settings; it is reread when it changes. The one setting read
        // before options exist: it adds a source of configuration.
        if (builder.Configuration["Restaurant:DevicesFile"] is { Length: > 0 } devicesFile)
        {
            builder.Configuration.AddDevicesFile(devicesFile);
        }

        builder.Services.AddOptions<DeviceOptions>().BindConfiguration(DeviceOptions.Section);
        builder.Services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.Section)
            .Validate(o => o.RequestsPerSecond >= 1 && o.Burst >= 1 && o.MaxStreamsPerDevice >= 1, $"{LimitOptions.Section}: every limit must be at least 1")
            .ValidateOnStart();
        builder.Services.AddSingleton<DeviceDirectory>();
        builder.Services.AddSingleton<AuthInterceptor>();
        builder.Services.AddSingleton<StreamGuard>();
        builder.Services.AddGrpc(options =>
        {
            // Errors first, so a refusal from any later step is mapped; then who may call what.
            options.Interceptors.Add<ErrorInterceptor>();
            options.Interceptors.Add<AuthInterceptor>();
            options.MaxReceiveMessageSize = 1024 * 1024;
        }).AddJsonTranscoding();

        // grpcurl and Postman discover the services; the OpenAPI document describes the JSON routes.
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcSwagger();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Restaurant",
                Version = "v1",
                Description = "Every RPC of the restaurant.v1 contract as JSON over HTTP: the same device token (authorization: Bearer …), validation, idempotency and status codes as gRPC.",
            });
            var contract = Path.Combine(AppContext.BaseDirectory, "Restaurant.Contracts.xml");
            if (File.Exists(contract))
            {
                swagger.IncludeXmlComments(contract);
                swagger.IncludeGrpcXmlComments(contract, includeControllerXmlComments: true);
            }

            swagger.AddSecurityDefinition("device", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A provisioned device's token (restaurant device add prints one).",
            });
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "device" } }] = [],
            });
        });
        builder.Services.AddHostedService<LocationLoadingService>();
        builder.Services.AddOptions<WorkerWatchOptions>().BindConfiguration(WorkerWatchOptions.Section)
            .Validate(o => o.WorkerCheckInterval > TimeSpan.Zero && o.WorkerGone > TimeSpan.Zero, $"{WorkerWatchOptions.Section}: WorkerCheckInterval and WorkerGone must be more than zero")
            .ValidateOnStart();
        builder.Services.AddHostedService<WorkerWatch>();
        builder.Services.AddSingleton<ScreenPresence>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScreenPresence>());

        // grpc.health.v1: the process answers while it runs; it says SERVING only while Redis answers.
        builder.Services.AddGrpcHealthChecks().AddCheck<RedisHealthCheck>("redis");
        builder.Services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = TimeSpan.FromSeconds(2);
        });
        builder.Services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section)
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.WriteTimeout > TimeSpan.Zero && o.BatchSize >= 1
                    && o.OrderWatchGap >= TimeSpan.Zero && o.OrderWatchGap < o.PollInterval,
                $"{StreamOptions.Section}: HeartbeatInterval, PollInterval and WriteTimeout must be more than zero, BatchSize at least 1, OrderWatchGap at least zero and less than PollInterval")
            .ValidateOnStart();
        builder.Services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.Section);
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .Validate(o => o.Platforms.All(p => OrderValidator.IsValidId(p.Key) && p.Value.Secret.Length >= 16 && p.Value.SignatureHeader.Length > 0),
                $"{DeliveryOptions.Section}:Platforms: each platform needs an id-like name, a Secret of at least 16 characters and a SignatureHeader")
            .ValidateOnStart();

        // Plaintext HTTP/2 (h2c) cannot share a port with HTTP/1.1: the JSON routes are served on the
        // addresses of Restaurant:Json:Urls over HTTP/1.1 as well, beside the gRPC addresses --urls names.
        // Read as the service is put together: the addresses are the server's, before options exist.
        var json = builder.Configuration.GetSection(JsonApiOptions.Section).Get<JsonApiOptions>() ?? new();
        var http1Ports = json.Ports();
        if (http1Ports.Count > 0)
        {
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.IsNullOrEmpty(urls) ? json.Urls : $"{urls};{json.Urls}");
        }

        // HTTP/2 pings find a screen whose network went away without a word, and keep idle NATs open.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<TlsOptions>>((kestrel, tls) =>
        {
            kestrel.ConfigureEndpointDefaults(endpoint =>
            {
                if (endpoint.IPEndPoint is { } at && http1Ports.Contains(at.Port))
                {
                    endpoint.Protocols = HttpProtocols.Http1;
                }
            });
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(20);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            if (tls.Value.ClientCertificates)
            {
                // TLS asks for a certificate; which ones are let in is the devices' business (their SHA-256).
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            }
        });
        return builder;
    }
}
