using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Restaurant.Contracts.V1;
using Restaurant.Core.Locations;
using Restaurant.Core.Redis;
using Restaurant.Domain.Locations;
using Restaurant.KitchenWorker.Extensions;
using Restaurant.Testing;
using StackExchange.Redis;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// One real redis-server, the OrderService hosted in memory and reached through a real gRPC client,
/// and a kitchen worker, shared by the tests of this assembly. Each test works in a location of its
/// own, so tests never see each other's orders.
/// </summary>
public sealed class TestWorld
{
    private static readonly Lazy<Task<TestWorld>> Shared = new(StartAsync);
    private static int _locations;

    private TestWorld(RedisServer redis, WebApplicationFactory<Program> factory, IHost worker, IConnectionMultiplexer mux)
    {
        Redis = redis;
        Factory = factory;
        Worker = worker;
        Mux = mux;
        Channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        Invoker = Channel.CreateCallInvoker().As(TestDevices.Manager);
        Menu = new Menu.MenuClient(Invoker);
        Orders = new Orders.OrdersClient(Invoker);
        Kitchen = new Kitchen.KitchenClient(Invoker);
        Reports = new Reports.ReportsClient(Invoker);
    }

    public RedisServer Redis { get; }

    public WebApplicationFactory<Program> Factory { get; }

    public IHost Worker { get; }

    /// <summary>A connection of the test's own, to check what is (and is not) in Redis.</summary>
    public IConnectionMultiplexer Mux { get; }

    public IDatabase Db => Mux.GetDatabase();

    /// <summary>The channel, with no credentials of its own.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Calls as the chain-wide manager device, which may do everything everywhere.</summary>
    public CallInvoker Invoker { get; }

    public Menu.MenuClient Menu { get; }

    public Orders.OrdersClient Orders { get; }

    public Kitchen.KitchenClient Kitchen { get; }

    public Reports.ReportsClient Reports { get; }

    public static Task<TestWorld> GetAsync() => Shared.Value;

    private static async Task<TestWorld> StartAsync()
    {
        var redis = await RedisServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => redis.Kill();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Restaurant:Locations:DataPath"] = Path.Combine(AppContext.BaseDirectory, "locations"),
            ["Restaurant:Streams:HeartbeatInterval"] = "00:00:00.300",
            ["Restaurant:Streams:PollInterval"] = "00:00:00.200",
            ["Restaurant:Worker:ClaimIdle"] = "00:00:00.300",
            ["Restaurant:Worker:ClaimInterval"] = "00:00:00.100",
            ["Restaurant:Worker:MaxDeliveries"] = "3",
            ["Restaurant:Worker:LocationRefresh"] = "00:00:00.100",
            ["Restaurant:Worker:PollInterval"] = "00:00:00.200",
            ["Restaurant:Incidents:Interval"] = "00:00:00.500",
            ["Restaurant:Incidents:ScreenGone"] = "00:00:03",

            // Warnings and errors only: configuration rules win over SetMinimumLevel, so set them here.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            [$"Restaurant:Delivery:Platforms:ubereats:Secret"] = DeliveryTests.UberEatsSecret,
            [$"Restaurant:Delivery:Platforms:ubereats:SignatureHeader"] = "X-Uber-Signature",
        };
        foreach (var (key, value) in TestDevices.Settings())
        {
            settings[key] = value;
        }

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        _ = factory.Server;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddRestaurantStore();
        builder.AddKitchenWorker();
        var worker = builder.Build();
        await worker.StartAsync();

        var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return new TestWorld(redis, factory, worker, mux);
    }

    /// <summary>A fresh copy of the demo restaurant under a location id of the test's own.</summary>
    public async Task<string> NewLocationAsync(Func<LocationDefinition, LocationDefinition>? change = null)
    {
        var id = $"t{Interlocked.Increment(ref _locations)}-{Guid.NewGuid().ToString("N")[..8]}";
        var demo = LocationLoader.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "locations", "demo.json")), "demo.json");
        await Factory.Services.GetRequiredService<MenuStore>().LoadLocationAsync((change ?? (d => d))(demo) with { Id = id });
        return id;
    }

    /// <summary>How many times each ticket was added to a station's stream.</summary>
    public async Task<Dictionary<string, int>> TicketAddsAsync(string location, string station)
    {
        var entries = await Db.StreamRangeAsync(RedisKeys.StationEvents(location, station));
        return entries.Where(e => e["kind"] == "added").GroupBy(e => e["ticket"].ToString()).ToDictionary(g => g.Key, g => g.Count());
    }

    public async Task<Contracts.V1.Order> WaitForStatusAsync(string location, string orderId, OrderStatus status)
    {
        return await Eventually.WaitForAsync(
            async () => (await Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = orderId })).Order,
            order => order.Status == status,
            TimeSpan.FromSeconds(10),
            $"order {orderId} to be {status}");
    }

    /// <summary>Places an order and waits until the kitchen has its tickets.</summary>
    public async Task PlaceInKitchenAsync(PlaceOrderRequest request)
    {
        await Orders.PlaceOrderAsync(request);
        await WaitForStatusAsync(request.LocationId, request.OrderId, OrderStatus.InKitchen);
    }

    /// <summary>A cook bumps the order's ticket at a station.</summary>
    public async Task<BumpTicketResponse> BumpAsync(string location, string station, string orderId) =>
        await Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = station, TicketId = $"{orderId}:{station}" });

    /// <summary>A refused order left no trace: nothing stored (under its id, or its id with a stray newline), queued or announced.</summary>
    public async Task AssertNothingStoredAsync(string location, string orderId)
    {
        var id = orderId.ToLowerInvariant();
        Assert.False(await Db.KeyExistsAsync(RedisKeys.Order(location, id)), "no order may be stored");
        Assert.False(await Db.KeyExistsAsync(RedisKeys.Order(location, id + "\n")), "no order may be stored under an id with a newline");
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.OrderEvents(location)));
    }

    /// <summary>Places an order that must be refused with <paramref name="code"/>, a message naming <paramref name="named"/>, and no trace.</summary>
    public async Task PlaceRefusedAsync(PlaceOrderRequest request, StatusCode code, string named)
    {
        var ex = await FailsAsync(() => Orders.PlaceOrderAsync(request).ResponseAsync);
        Assert.Equal(code, ex.StatusCode);
        Assert.Contains(named, ex.Status.Detail);
        await AssertNothingStoredAsync(request.LocationId, request.OrderId);
    }

    /// <summary>Runs a call that must fail, and returns its status.</summary>
    public static async Task<RpcException> FailsAsync(Func<Task> call)
    {
        return await Assert.ThrowsAsync<RpcException>(call);
    }
}
