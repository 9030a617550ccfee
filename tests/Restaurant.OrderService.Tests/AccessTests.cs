using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Restaurant.Contracts.V1;
using Restaurant.OrderService.Auth;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class AccessTests
{
    private static (Menu.MenuClient Menu, Orders.OrdersClient Orders, Kitchen.KitchenClient Kitchen) As(TestWorld world, string? token)
    {
        var invoker = token is null ? world.Channel.CreateCallInvoker() : world.Channel.CreateCallInvoker().As(token);
        return (new Menu.MenuClient(invoker), new Orders.OrdersClient(invoker), new Kitchen.KitchenClient(invoker));
    }

    [Fact]
    public async Task ACallWithoutAKnownDeviceTokenIsUnauthenticated()
    {
        var world = await TestWorld.GetAsync();

        var none = await TestWorld.FailsAsync(() => As(world, null).Menu.GetMenuAsync(new GetMenuRequest { LocationId = "demo" }).ResponseAsync);
        var wrong = await TestWorld.FailsAsync(() => As(world, "not-a-device").Menu.GetMenuAsync(new GetMenuRequest { LocationId = "demo" }).ResponseAsync);

        Assert.Equal((StatusCode.Unauthenticated, StatusCode.Unauthenticated), (none.StatusCode, wrong.StatusCode));
        Assert.Contains("authorization", none.Status.Detail);
    }

    [Fact]
    public async Task EachRoleDoesOnlyItsOwnWorkAtItsOwnLocationAndStations()
    {
        var world = await TestWorld.GetAsync();
        var pos = As(world, TestDevices.DemoPos);
        var grill = As(world, TestDevices.DemoGrill);
        var order = Order("demo", Line("classic-burger"));

        await pos.Orders.PlaceOrderAsync(order);
        await world.WaitForStatusAsync("demo", order.OrderId, OrderStatus.InKitchen);
        var bumped = await grill.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = "demo", StationId = "grill", TicketId = $"{order.OrderId}:grill" });
        Assert.Equal(TicketStatus.Bumped, bumped.Ticket.Status);

        async Task Denied(Func<Task> call, string mentions)
        {
            var ex = await TestWorld.FailsAsync(call);
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
            Assert.Contains(mentions, ex.Status.Detail);
        }

        await Denied(() => pos.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = "demo", StationId = "grill", TicketId = $"{order.OrderId}:grill" }).ResponseAsync, "BumpTicket");
        await Denied(() => pos.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = "demo", MenuItemId = "ribeye" }).ResponseAsync, "SetItemAvailability");
        var voiding = new VoidItemsRequest { LocationId = "demo", OrderId = order.OrderId };
        voiding.LineIndexes.Add(0);
        await Denied(() => pos.Orders.VoidItemsAsync(voiding).ResponseAsync, "VoidItems");
        await Denied(() => grill.Orders.PlaceOrderAsync(Order("demo", Line("ribeye"))).ResponseAsync, "PlaceOrder");
        await Denied(() => grill.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = "demo", OrderId = order.OrderId }).ResponseAsync, "CancelOrder");
        await Denied(() => grill.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = "demo", StationId = "fryer" }).ResponseAsync, "fryer");
        var elsewhere = await world.NewLocationAsync();
        await Denied(() => pos.Orders.PlaceOrderAsync(Order(elsewhere, Line("ribeye"))).ResponseAsync, elsewhere);
        await Denied(() => grill.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = elsewhere, StationId = "grill" }).ResponseAsync, elsewhere);
        await Denied(() => new Reports.ReportsClient(world.Channel.CreateCallInvoker().As(TestDevices.DemoPos))
            .GetSpeedOfServiceAsync(new GetSpeedOfServiceRequest { LocationId = "demo" }).ResponseAsync, "GetSpeedOfService");
        await using var fryer = StationWatcher.Start(grill.Kitchen, "demo", "fryer");
        Assert.Equal(StatusCode.PermissionDenied, (await fryer.FailureAsync()).StatusCode);
    }

    [Fact]
    public async Task ADeviceOverItsRateOrStreamLimitIsToldResourceExhausted()
    {
        var world = await TestWorld.GetAsync();
        var throttled = As(world, TestDevices.Throttled);
        var location = await world.NewLocationAsync();

        var results = new List<StatusCode>();
        for (var i = 0; i < 5; i++)
        {
            try
            {
                await throttled.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
                results.Add(StatusCode.OK);
            }
            catch (RpcException ex)
            {
                results.Add(ex.StatusCode);
                Assert.Contains("limit", ex.Status.Detail);
            }
        }

        Assert.Contains(StatusCode.ResourceExhausted, results);
        Assert.DoesNotContain(StatusCode.Unavailable, results);

        var oneStream = As(world, TestDevices.OneStream);
        await using var first = StationWatcher.Start(oneStream.Kitchen, location, "grill");
        await first.ReadSnapshotAsync();
        await using var second = StationWatcher.Start(oneStream.Kitchen, location, "fryer");
        var refused = await second.FailureAsync();
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("streams open", refused.Status.Detail);
    }

    [Fact]
    public async Task DevicesAreAddedAndRevokedInTheDevicesFileWithoutARestart()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("restaurant-devices-").FullName, "devices.json");
        await File.WriteAllTextAsync(path, Devices(revoked: false));
        var configuration = new ConfigurationBuilder().AddDevicesFile(path).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<DeviceOptions>().Bind(configuration.GetSection(DeviceOptions.Section));
        services.AddSingleton<DeviceDirectory>();
        await using var provider = services.BuildServiceProvider();
        var directory = provider.GetRequiredService<DeviceDirectory>();
        Assert.Equal("bar-tablet", directory.Find("bar-tablet-token")?.Id);

        await File.WriteAllTextAsync(path, Devices(revoked: true));

        await Eventually.WaitForAsync(() => Task.FromResult(directory.Find("bar-tablet-token") is null), TimeSpan.FromSeconds(15), "the revoked device to be refused");
    }

    [Fact]
    public async Task TheHealthServiceAnswersWithoutAToken()
    {
        var world = await TestWorld.GetAsync();
        var health = new global::Grpc.Health.V1.Health.HealthClient(world.Channel);

        var answer = await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest());

        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, answer.Status);
    }

    private static string Devices(bool revoked) => $$"""
        { "Restaurant": { "Devices": [ { "Id": "bar-tablet", "Role": "kitchen", "Location": "demo", "Stations": [ "bar" ],
          "TokenSha256": "{{TestDevices.Hash("bar-tablet-token")}}", "Revoked": {{(revoked ? "true" : "false")}} } ] } }
        """;

    [Fact]
    public async Task ADeviceLearnsWhoItIsAndWhereItMayWork()
    {
        var world = await TestWorld.GetAsync();
        Devices.DevicesClient Client(string? token) =>
            new(token is null ? world.Channel.CreateCallInvoker() : world.Channel.CreateCallInvoker().As(token));

        var grill = await Client(TestDevices.DemoGrill).GetDeviceAsync(new GetDeviceRequest());
        Assert.Equal(("demo-grill", "kitchen", "demo"), (grill.DeviceId, grill.Role, grill.LocationId));
        Assert.Equal(["grill"], grill.StationIds);
        Assert.Equal("*", (await Client(TestDevices.Manager).GetDeviceAsync(new GetDeviceRequest { LocationId = "demo" })).LocationId);

        var elsewhere = await TestWorld.FailsAsync(() => Client(TestDevices.DemoGrill).GetDeviceAsync(new GetDeviceRequest { LocationId = "store-007" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, elsewhere.StatusCode);
        var nobody = await TestWorld.FailsAsync(() => Client("not-a-device").GetDeviceAsync(new GetDeviceRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, nobody.StatusCode);
    }
}
