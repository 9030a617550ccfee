using Restaurant.Core.Redis;
using Restaurant.KitchenWorker.Extensions;

// Settings files sit beside the binary, wherever it is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddRestaurantStore();
builder.AddKitchenWorker();

using var host = builder.Build();
await host.RunAsync();
