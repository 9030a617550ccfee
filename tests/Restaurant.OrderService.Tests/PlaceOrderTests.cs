using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class PlaceOrderTests
{
    [Fact]
    public async Task AValidOrderIsAcceptedStoredAndQueued()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);

        var placed = (await world.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal(request.OrderId, placed.OrderId);
        Assert.Equal(location, placed.LocationId);
        Assert.Equal(OrderStatus.Accepted, placed.Status);

        // An unset course is course 1, and the order says so.
        var expected = request.Lines.Select(l => { var line = l.Clone(); line.Course = 1; return line; }).ToList();
        Assert.Equal(expected, placed.Lines);
        Assert.Equal(1, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        var read = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = request.OrderId })).Order;
        Assert.Equal(expected, read.Lines);
    }

    public static TheoryData<string, Action<PlaceOrderRequest>, string> Malformed => new()
    {
        { "no order id", r => r.OrderId = "", "order_id" },
        { "order id not a uuid", r => r.OrderId = "table-12", "order_id" },
        { "no location", r => r.LocationId = "", "location_id" },
        { "no lines", r => r.Lines.Clear(), "lines" },
        { "101 lines", r => r.Lines.AddRange(Enumerable.Range(0, 98).Select(_ => Line("house-lager"))), "lines" },
        { "quantity 0", r => r.Lines[1].Quantity = 0, "lines[1].quantity" },
        { "quantity 100", r => r.Lines[0].Quantity = 100, "lines[0].quantity" },
        { "note over 200", r => r.Lines[2].Note = new string('x', 201), "lines[2].note" },
        { "21 modifiers", r => r.Lines[0].Modifiers.AddRange(Enumerable.Range(0, 20).Select(i => $"extra {i}")), "lines[0].modifiers" },
        { "modifier over 50", r => r.Lines[1].Modifiers.Add(new string('m', 51)), "lines[1].modifiers[0]" },
        { "no item id", r => r.Lines[2].MenuItemId = "", "lines[2].menu_item_id" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AMalformedOrderIsInvalidArgumentNamingTheFieldAndChangesNothing(string because, Action<PlaceOrderRequest> spoil, string field)
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);
        var orderId = request.OrderId;
        spoil(request);

        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.True(ex.Status.Detail.Contains(field, StringComparison.Ordinal), $"{because}: '{ex.Status.Detail}' should name {field}");
        await world.AssertNothingStoredAsync(location, orderId);
    }

    [Fact]
    public async Task AnUnknownItemIsNotFoundNamingItAndChangesNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("classic-burger"), Line("unicorn-steak"));

        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains("unicorn-steak", ex.Status.Detail);
        await world.AssertNothingStoredAsync(location, request.OrderId);
    }

    [Fact]
    public async Task AnUnknownLocationIsNotFound()
    {
        var world = await TestWorld.GetAsync();
        var request = BurgerFriesBeer("atlantis");

        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains("atlantis", ex.Status.Detail);
        await world.AssertNothingStoredAsync("atlantis", request.OrderId);
    }

    [Fact]
    public async Task AnEightySixedItemIsFailedPreconditionNamingItAndChangesNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "french-fries", Available = false });
        var request = BurgerFriesBeer(location);

        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains("french-fries", ex.Status.Detail);
        await world.AssertNothingStoredAsync(location, request.OrderId);
    }

    [Fact]
    public async Task MalformedIsReportedBeforeUnknownAndUnknownBeforeSoldOut()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = false });

        var malformed = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("ribeye"), Line("unicorn-steak"), Line("classic-burger", 0))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);

        var unknown = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("ribeye"), Line("unicorn-steak"))).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task TheSameOrderAgainAnswersWithTheOrderAsItStandsAndCreatesNothing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);
        await world.PlaceInKitchenAsync(request);
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "classic-burger", Available = false });

        var again = (await world.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal(OrderStatus.InKitchen, again.Status);
        Assert.Equal(1, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
    }

    [Fact]
    public async Task TheSameOrderIdInUpperCaseIsTheSameOrder()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);
        await world.Orders.PlaceOrderAsync(request);
        request.OrderId = request.OrderId.ToUpperInvariant();

        var again = (await world.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal(request.OrderId.ToLowerInvariant(), again.OrderId);
        Assert.Equal(1, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
    }

    [Fact]
    public async Task TheSameOrderIdWithOtherContentIsAlreadyExists()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);
        await world.Orders.PlaceOrderAsync(request);
        request.Lines[0].Quantity = 3;

        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
        Assert.Contains(request.OrderId, ex.Status.Detail);
        var stored = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = request.OrderId })).Order;
        Assert.Equal(2, stored.Lines[0].Quantity);
    }

    [Fact]
    public async Task TwentyTerminalsSendingTheSameOrderAtOnceMakeOneOrderAndOneTicketPerStation()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = BurgerFriesBeer(location);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => world.Orders.PlaceOrderAsync(request).ResponseAsync));

        Assert.All(answers, a => Assert.Equal(request.OrderId, a.Order.OrderId));
        Assert.Equal(1, await world.Db.StreamLengthAsync(RedisKeys.OrderQueue(location)));
        await world.WaitForStatusAsync(location, request.OrderId, OrderStatus.InKitchen);
        foreach (var station in new[] { "grill", "fryer", "bar", "expo" })
        {
            var adds = await world.TicketAddsAsync(location, station);
            Assert.Equal(1, Assert.Single(adds).Value);
        }

        Assert.Empty(await world.TicketAddsAsync(location, "pizza"));
    }
}
