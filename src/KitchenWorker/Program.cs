using Restaurant.Core.Redis;
using Restaurant.Core.Telemetry;
using Restaurant.KitchenWorker.Extensions;

// Settings files sit beside the binary, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddRestaurantStore();
builder.AddRestaurantTelemetry("restaurant-kitchenworker");
builder.AddKitchenWorker();
builder.AddWorkerHealth();

var app = builder.Build();
app.MapGrpcHealthChecksService();
await app.RunAsync();

/// <summary>The worker's entry point; internal, so only the OrderService's Program is public for tests to host.</summary>
internal partial class Program;
