using Restaurant.Core.Redis;
using Restaurant.KitchenWorker.Extensions;

var builder = Host.CreateApplicationBuilder(args);
builder.AddRestaurantStore();
builder.AddKitchenWorker();

using var host = builder.Build();
await host.RunAsync();
