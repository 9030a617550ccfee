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
        builder.Services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section);
        return builder;
    }

    /// <summary>Loads the location data files into Redis before the service takes calls.</summary>
    public static async Task LoadLocationsAsync(this WebApplication app)
    {
        var loader = app.Services.GetRequiredService<LocationLoader>();
        await loader.LoadAllAsync(app.Lifetime.ApplicationStopping);
    }
}
