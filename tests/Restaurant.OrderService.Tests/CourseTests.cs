using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Domain.Locations;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class CourseTests
{
    private static OrderLine Course(OrderLine line, int course)
    {
        line.Course = course;
        return line;
    }

    private static Task<string> ManualFiringAsync(TestWorld world) =>
        world.NewLocationAsync(d => d with { Settings = new LocationSettings(FireByPrepTime: true, AutoFireNextCourse: false) });

    [Fact]
    public async Task LaterCoursesAreHeldAtExpoAndReachNoStationUntilFired()
    {
        var world = await TestWorld.GetAsync();
        var location = await ManualFiringAsync(world);
        var order = Order(location, Line("caesar-salad"), Course(Line("ribeye"), 2), Course(Line("tiramisu"), 3));
        await world.PlaceInKitchenAsync(order);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.Empty(await grill.ReadSnapshotAsync());
        await using var expo = StationWatcher.Start(world.Kitchen, location, "expo");
        var expoTicket = Assert.Single(await expo.ReadSnapshotAsync());
        Assert.Equal([false, true, true], expoTicket.Items.Select(i => i.Held));
        var read = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order;
        Assert.Equal([2, 3], read.HeldCourses);
        Assert.Empty((await world.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = "grill" })).AllDay.Counts);

        var fired = await world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = order.OrderId, Course = 2 });

        Assert.Equal([3], fired.Order.HeldCourses);
        var steak = (await grill.NextAsync()).TicketAdded;
        Assert.Equal(($"{order.OrderId}:grill:2", 2), (steak.TicketId, steak.Course));
        Assert.Equal([false, false, true], (await expo.NextAsync()).TicketUpdated.Items.Select(i => i.Held));
        await grill.AllDayWhereAsync(a => a.GetValueOrDefault("Ribeye Steak 12oz") == 1, "1 ribeye all day once fired");
        var again = await world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = order.OrderId, Course = 2 });
        Assert.Equal([3], again.Order.HeldCourses);
    }

    [Fact]
    public async Task AnOrderWithAHeldCourseIsNotReadyAndExpoIsToldWhatIsHeld()
    {
        var world = await TestWorld.GetAsync();
        var location = await ManualFiringAsync(world);
        var order = Order(location, Line("house-salad"), Course(Line("chocolate-lava-cake"), 2));
        await world.PlaceInKitchenAsync(order);
        await world.BumpAsync(location, "cold", order.OrderId);

        var early = await TestWorld.FailsAsync(() => world.Kitchen.BumpTicketAsync(
            new BumpTicketRequest { LocationId = location, StationId = "expo", TicketId = $"{order.OrderId}:expo" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        Assert.Contains("dessert:2 (held)", early.Status.Detail);
        var heldBump = await TestWorld.FailsAsync(() => world.Kitchen.BumpTicketAsync(
            new BumpTicketRequest { LocationId = location, StationId = "dessert", TicketId = $"{order.OrderId}:dessert:2" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, heldBump.StatusCode);
        Assert.Contains("held", heldBump.Status.Detail);
        Assert.Equal(OrderStatus.InKitchen, (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order.Status);

        await world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = order.OrderId, Course = 2 });
        await world.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = location, StationId = "dessert", TicketId = $"{order.OrderId}:dessert:2" });
        await world.WaitForStatusAsync(location, order.OrderId, OrderStatus.Ready);
        Assert.Equal(OrderStatus.Completed, (await world.BumpAsync(location, "expo", order.OrderId)).OrderStatus);
    }

    [Fact]
    public async Task WhenACourseIsBumpedTheNextFiresByItself()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("shrimp-cocktail"), Course(Line("grilled-salmon"), 2), Course(Line("ny-cheesecake"), 3));
        await world.PlaceInKitchenAsync(order);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        Assert.Empty(await grill.ReadSnapshotAsync());

        var bump = await world.BumpAsync(location, "cold", order.OrderId);

        Assert.Equal(OrderStatus.InKitchen, bump.OrderStatus);
        Assert.Equal($"{order.OrderId}:grill:2", (await grill.NextAsync()).TicketAdded.TicketId);
        var read = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = order.OrderId })).Order;
        Assert.Equal([3], read.HeldCourses);
    }

    [Fact]
    public async Task FireByPrepTimeTellsEachStationWhenToStartSoTheCourseFinishesTogether()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var order = Order(location, Line("ribeye"), Line("caesar-salad"));
        await world.PlaceInKitchenAsync(order);

        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        var steak = Assert.Single(await grill.ReadSnapshotAsync());
        await using var cold = StationWatcher.Start(world.Kitchen, location, "cold");
        var salad = Assert.Single(await cold.ReadSnapshotAsync());

        Assert.Equal(steak.FiredAt, steak.Items[0].StartAt);
        Assert.Equal(TimeSpan.FromSeconds(720 - 180), salad.Items[0].StartAt.ToDateTimeOffset() - salad.FiredAt.ToDateTimeOffset());
        Assert.Equal(steak.FiredAt, salad.FiredAt);
    }

    [Fact]
    public async Task FiringACourseThatIsNotThereOrOfAFinishedOrderIsRefused()
    {
        var world = await TestWorld.GetAsync();
        var location = await ManualFiringAsync(world);
        var order = Order(location, Line("espresso"), Course(Line("tiramisu"), 2));
        await world.PlaceInKitchenAsync(order);

        var none = await TestWorld.FailsAsync(() => world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = order.OrderId, Course = 4 }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, none.StatusCode);
        Assert.Contains("course 4", none.Status.Detail);
        var zero = await TestWorld.FailsAsync(() => world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = order.OrderId, Course = 0 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, zero.StatusCode);

        await world.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = location, OrderId = order.OrderId });
        var cancelled = await TestWorld.FailsAsync(() => world.Orders.FireCourseAsync(new FireCourseRequest { LocationId = location, OrderId = order.OrderId, Course = 2 }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, cancelled.StatusCode);
        await using var dessert = StationWatcher.Start(world.Kitchen, location, "dessert");
        Assert.Empty(await dessert.ReadSnapshotAsync());
    }

    [Fact]
    public async Task ACourseNumberOutOfRangeIsInvalidArgumentNamingTheLine()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("espresso"), Course(Line("tiramisu"), 10));

        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("lines[1].course", ex.Status.Detail);
    }
}
