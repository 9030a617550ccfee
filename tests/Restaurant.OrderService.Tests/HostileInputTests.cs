using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// What a hostile client sends through the public contract: text that tries to split itself into two
/// modifiers, Redis protocol in a modifier, ids with a trailing newline, times out of range, a huge
/// resume token. Each is refused INVALID_ARGUMENT (or OUT_OF_RANGE for a token) naming the field, with
/// a short message, and changes nothing.
/// </summary>
public class HostileInputTests
{
    [Fact]
    public async Task ANewlineInsideAModifierCannotSmuggleASecondModifierPastTheMenu()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("classic-burger", modifiers: "side salad\nNUT ALLERGY"));

        await world.PlaceRefusedAsync(request, StatusCode.InvalidArgument, "lines[0].modifiers[0]");
    }

    [Fact]
    public async Task TheStoreChecksEachModifierWholeBelowTheContractsChecks()
    {
        // Below the contract's checks: even if a line with a newline reached the store, it is one
        // modifier "side salad\nnut allergy", which is no modifier of the burger.
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var store = world.Factory.Services.GetRequiredService<OrderStore>();
        var orderId = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RestaurantException>(() => store.PlaceOrderAsync(
            location, orderId, [new OrderLineData("classic-burger", 1, ["side salad\nNUT ALLERGY"], "")]));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("lines[0].modifiers[0]", ex.Message);
        await world.AssertNothingStoredAsync(location, orderId);
    }

    [Theory]
    [InlineData("\r\n*1\r\n$8\r\nFLUSHALL\r\n")]
    [InlineData("no onion\r\nFLUSHALL")]
    [InlineData("no onion\u0000")]
    [InlineData("\u001b[2Jno onion")]
    [InlineData("no onion\u0085")]
    [InlineData("no onion\u2028rare")]
    public async Task ControlCharactersInAModifierAreInvalidArgumentNamingTheLine(string modifier)
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("french-fries"), Line("classic-burger", modifiers: ["rare", modifier]));

        await world.PlaceRefusedAsync(request, StatusCode.InvalidArgument, "lines[1].modifiers[1]");
    }

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u001b]0;pwned\u0007")]
    [InlineData("\u009b2J")]
    [InlineData("medium\nrare")]
    public async Task ControlCharactersInANoteAreInvalidArgumentNamingTheNote(string note)
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("classic-burger", note: $"no pickles{note}"));

        await world.PlaceRefusedAsync(request, StatusCode.InvalidArgument, "lines[0].note");
    }

    [Fact]
    public async Task ANoteIsCountedInCharactersAPersonSees()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        // 200 emoji (400 UTF-16 units) and 200 family emoji (each five code points) are 200 characters.
        var emoji = string.Concat(Enumerable.Repeat("😀", 200));
        var placed = await world.Orders.PlaceOrderAsync(Order(location, Line("classic-burger", note: emoji)));
        Assert.Equal(emoji, placed.Order.Lines[0].Note);
        var families = string.Concat(Enumerable.Repeat("👨‍👩‍👧", 200));
        await world.Orders.PlaceOrderAsync(Order(location, Line("classic-burger", note: families)));

        var request = Order(location, Line("classic-burger", note: emoji + "😀"));
        var ex = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("lines[0].note is 201 characters", ex.Status.Detail);
    }

    [Fact]
    public async Task ARoundIsHeldToTheSameTextRules()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var placed = BurgerFriesBeer(location);
        await world.Orders.PlaceOrderAsync(placed);
        var round = new AddItemsRequest { LocationId = location, OrderId = placed.OrderId, RoundId = Guid.NewGuid().ToString() };
        round.Lines.Add(Line("classic-burger", modifiers: "no onion\r\nFLUSHALL"));

        var ex = await TestWorld.FailsAsync(() => world.Orders.AddItemsAsync(round).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("lines[0].modifiers[0]", ex.Status.Detail);
        var order = (await world.Orders.GetOrderAsync(new GetOrderRequest { LocationId = location, OrderId = placed.OrderId })).Order;
        Assert.Equal(3, order.Lines.Count);
    }

    [Fact]
    public async Task AnIdWithATrailingNewlineIsInvalidArgument()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var orderId = Guid.NewGuid().ToString();

        async Task Refused(string field, Func<Task> call)
        {
            var ex = await TestWorld.FailsAsync(call);
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.Contains(field, ex.Status.Detail);
        }

        await Refused("order_id", () => world.Orders.PlaceOrderAsync(Order(location, orderId + "\n", Line("classic-burger"))).ResponseAsync);
        await Refused("location_id", () => world.Orders.PlaceOrderAsync(Order(location + "\n", orderId, Line("classic-burger"))).ResponseAsync);
        await Refused("lines[0].menu_item_id", () => world.Orders.PlaceOrderAsync(Order(location, orderId, Line("classic-burger\n"))).ResponseAsync);
        await Refused("station_id", () => world.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = "grill\n" }).ResponseAsync);
        await Refused("menu_item_id", () => world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye\n" }).ResponseAsync);
        await world.AssertNothingStoredAsync(location, orderId);

        await world.Orders.PlaceOrderAsync(Order(location, orderId, Line("classic-burger")));
        var round = new AddItemsRequest { LocationId = location, OrderId = orderId, RoundId = Guid.NewGuid() + "\n" };
        round.Lines.Add(Line("french-fries"));
        await Refused("round_id", () => world.Orders.AddItemsAsync(round).ResponseAsync);

        using var watch = world.Kitchen.WatchStation(new WatchStationRequest { LocationId = location, StationId = "grill", ScreenId = "left\n" });
        await Refused("screen_id", () => watch.ResponseStream.MoveNext());
    }

    public static TheoryData<string, GetSpeedOfServiceRequest> OutOfRangeTimes => new()
    {
        { "to", new GetSpeedOfServiceRequest { To = new Timestamp { Seconds = 253402300800 } } },
        { "to", new GetSpeedOfServiceRequest { To = new Timestamp { Seconds = -62135596800 } } },
        { "to", new GetSpeedOfServiceRequest { To = new Timestamp { Seconds = 1_700_000_000, Nanos = -1 } } },
        { "from", new GetSpeedOfServiceRequest { From = new Timestamp { Seconds = long.MaxValue } } },
        { "from", new GetSpeedOfServiceRequest { From = new Timestamp { Seconds = 1_700_000_000, Nanos = 1_000_000_000 } } },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeTimes))]
    public async Task AReportTimeOutOfRangeIsInvalidArgumentNamingTheField(string field, GetSpeedOfServiceRequest request)
    {
        var world = await TestWorld.GetAsync();
        request.LocationId = await world.NewLocationAsync();
        var reports = new Reports.ReportsClient(world.Invoker);

        var ex = await TestWorld.FailsAsync(() => reports.GetSpeedOfServiceAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(field, ex.Status.Detail);
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(100 * 1024)]
    public async Task AHugeResumeTokenIsRefusedWithAShortMessage(int length)
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = world.Kitchen.WatchStation(
            new WatchStationRequest { LocationId = location, StationId = "grill", ResumeToken = new string('9', length) }, cancellationToken: cts.Token);

        var ex = await TestWorld.FailsAsync(() => watch.ResponseStream.MoveNext(cts.Token));

        Assert.Equal(StatusCode.OutOfRange, ex.StatusCode);
        Assert.Contains("resume_token", ex.Status.Detail);
        Assert.True(ex.Status.Detail.Length < 300, $"the message is {ex.Status.Detail.Length} characters");
    }

    [Fact]
    public async Task ALongTicketIdIsNotEchoedWhole()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        var ex = await TestWorld.FailsAsync(() => world.Kitchen.BumpTicketAsync(
            new BumpTicketRequest { LocationId = location, StationId = "grill", TicketId = new string('x', 200) }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.True(ex.Status.Detail.Length < 200, $"the message is {ex.Status.Detail.Length} characters");
    }
}
