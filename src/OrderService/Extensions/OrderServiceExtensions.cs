using Restaurant.Core.Locations;
using Restaurant.OrderService.Auth;
using Restaurant.OrderService.Grpc;

namespace Restaurant.OrderService.Extensions;

public static class OrderServiceExtensions
{
    public static IHostApplicationBuilder AddOrderServiceGrpc(this IHostApplicationBuilder builder)
    {
        // Devices may also come from a file of their own, so an operator adds and revokes them
        // without touching the service's settings; it is reread when it changes.
        if (builder.Configuration["Restaurant:DevicesFile"] is { Length: > 0 } devicesFile)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(devicesFile), optional: true, reloadOnChange: true);
        }

        builder.Services.AddOptions<DeviceOptions>().BindConfiguration(DeviceOptions.Section);
        builder.Services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.Section);
        builder.Services.AddSingleton<DeviceDirectory>();
        builder.Services.AddSingleton<AuthInterceptor>();
        builder.Services.AddGrpc(options =>
        {
            // Errors first, so a refusal from any later step is mapped; then who may call what.
            options.Interceptors.Add<ErrorInterceptor>();
            options.Interceptors.Add<AuthInterceptor>();
            options.MaxReceiveMessageSize = 1024 * 1024;
        });
        builder.Services.AddHostedService<LocationLoadingService>();
        builder.Services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section);
        return builder;
    }
}
