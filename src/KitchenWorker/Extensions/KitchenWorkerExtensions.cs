namespace Restaurant.KitchenWorker.Extensions;

public static class KitchenWorkerExtensions
{
    public static IHostApplicationBuilder AddKitchenWorker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KitchenWorkerOptions>().BindConfiguration(KitchenWorkerOptions.Section)
            .Validate(o => o.MaxDeliveries >= 1 && o.BatchSize >= 1, "MaxDeliveries and BatchSize must be at least 1")
            .ValidateOnStart();
        builder.Services.AddHostedService<OrderRoutingWorker>();
        return builder;
    }
}
