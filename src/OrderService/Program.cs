using Restaurant.Core.Redis;
using Restaurant.Core.Telemetry;
using Restaurant.OrderService.Deliveries;
using Restaurant.OrderService.Extensions;
using Restaurant.OrderService.Grpc;

// Settings files sit beside the binary, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddRestaurantStore();
builder.AddRestaurantTelemetry("restaurant-orderservice");
builder.AddOrderServiceGrpc();

var app = builder.Build();
app.MapGrpcService<MenuGrpcService>();
app.MapGrpcService<OrdersGrpcService>();
app.MapGrpcService<KitchenGrpcService>();
app.MapGrpcService<ReportsGrpcService>();
app.MapGrpcService<DevicesGrpcService>();
app.MapGrpcHealthChecksService();
app.MapGrpcReflectionService();
app.MapDeliveries();
app.UseSwagger(swagger => swagger.RouteTemplate = "openapi/{documentName}.json");
app.UseSwaggerUI(ui =>
{
    ui.RoutePrefix = "docs";
    ui.SwaggerEndpoint("/openapi/v1.json", "Restaurant v1");
    ui.DocumentTitle = "Restaurant API";
});
app.MapGet("/", () => "Restaurant OrderService: gRPC over HTTP/2 (restaurant.v1.Menu, Orders, Kitchen, Reports, Devices); JSON routes in /openapi/v1.json, docs at /docs.").ExcludeFromDescription();
await app.RunAsync();

/// <summary>The OrderService entry point; public so tests can host it.</summary>
public partial class Program;
