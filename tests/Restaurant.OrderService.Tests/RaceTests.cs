using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class RaceTests
{
    [Fact]
    public async Task TwoScreensBumpingOneTicketAtOnceBumpItOnce()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        for (var round = 0; round < 10; round++)
        {
            var order = Order(location, Line("pepperoni"));
            await world.PlaceInKitchenAsync(order);

            var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => world.BumpAsync(location, "pizza", order.OrderId)));

            Assert.All(answers, a => Assert.Equal((TicketStatus.Bumped, OrderStatus.Ready), (a.Ticket.Status, a.OrderStatus)));
            var removed = (await world.Db.StreamRangeAsync(RedisKeys.StationEvents(location, "pizza")))
                .Count(e => e["kind"] == "removed" && e["ticket"] == $"{order.OrderId}:pizza");
            Assert.Equal(1, removed);
        }
    }

    [Fact]
    public async Task ABumpRacingAVoidEndsOneWayOrTheOtherAndNeverBoth()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        for (var round = 0; round < 10; round++)
        {
            var order = Order(location, Line("fish-and-chips"), Line("house-lager"));
            await world.PlaceInKitchenAsync(order);
            var voiding = new VoidItemsRequest { LocationId = location, OrderId = order.OrderId };
            voiding.LineIndexes.Add(0);

            var bump = Outcome(() => world.BumpAsync(location, "fryer", order.OrderId));
            var cancel = Outcome(() => world.Orders.VoidItemsAsync(voiding).ResponseAsync);
            var (bumped, voided) = (await bump, await cancel);

            Assert.Equal(StatusCode.OK, voided);
            var status = (string?)await world.Db.HashGetAsync(RedisKeys.Ticket(location, $"{order.OrderId}:fryer"), "status");
            if (bumped == StatusCode.OK)
            {
                // Bumped first, then its only line voided: done and gone either way, never back on the screen.
                Assert.Contains(status, new[] { "BUMPED", "VOIDED" });
            }
            else
            {
                Assert.Equal(StatusCode.FailedPrecondition, bumped);
                Assert.Equal("VOIDED", status);
            }

            Assert.Equal(0, await world.Db.SortedSetLengthAsync(RedisKeys.OpenTickets(location, "fryer")));
            Assert.False(await world.Db.HashExistsAsync(RedisKeys.AllDay(location, "fryer"), "Fish and Chips"));
        }
    }

    private static async Task<StatusCode> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
