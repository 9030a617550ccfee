using Restaurant.Core.Locations;
using Restaurant.OrderService.Grpc;

namespace Restaurant.OrderService.Extensions;

public static class OrderServiceExtensions
{
    public static IHostApplicationBuilder AddOrderServiceGrpc(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorInterceptor>();
            options.MaxReceiveMessageSize = 1024 * 1024;
        });
        builder.Services.AddHostedService<LocationLoadingService>();
        builder.Services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section);
        return builder;
    }
}
