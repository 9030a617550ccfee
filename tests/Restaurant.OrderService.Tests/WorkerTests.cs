using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Testing;
using StackExchange.Redis;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class WorkerTests
{
    [Fact]
    public async Task ARedeliveredOrderMakesNoSecondTicket()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var request = Order(location, Line("penne-vodka"), Line("garlic-bread"));
        await world.PlaceInKitchenAsync(request);

        // The same message again, as if a worker died after writing the tickets but before acknowledging.
        await world.Db.StreamAddAsync(RedisKeys.OrderQueue(location), "order", request.OrderId);
        var marker = Order(location, Line("house-red"));
        await world.PlaceInKitchenAsync(marker);

        Assert.Equal(1, (await world.TicketAddsAsync(location, "saute"))[$"{request.OrderId}:saute"]);
        Assert.Equal(1, (await world.TicketAddsAsync(location, "pizza"))[$"{request.OrderId}:pizza"]);
        Assert.Equal(1, (await world.TicketAddsAsync(location, "expo"))[$"{request.OrderId}:expo"]);
        await AssertNothingPendingAsync(world, location);
    }

    [Fact]
    public async Task AnUndecodableMessageGoesToTheDeadLettersAndTheRestKeepFlowing()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.Orders.PlaceOrderAsync(Order(location, Line("house-lager")));

        await world.Db.StreamAddAsync(RedisKeys.OrderQueue(location), "garbage", "\u0001\u0002");
        var after = Order(location, Line("margarita"));
        await world.PlaceInKitchenAsync(after);
        var dead = await Eventually.WaitForAsync(
            () => world.Db.StreamRangeAsync(RedisKeys.DeadLetters(location)), d => d.Length == 1, TimeSpan.FromSeconds(10), "a dead letter");
        Assert.Contains("no valid order id", dead[0]["reason"].ToString());
        await AssertNothingPendingAsync(world, location);
    }

    [Fact]
    public async Task AMessageThatKeepsFailingIsDeadLetteredAfterAFewTries()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var ghost = Guid.NewGuid().ToString();

        await world.Db.StreamAddAsync(RedisKeys.OrderQueue(location), "order", ghost);
        var after = Order(location, Line("lemonade"));
        await world.PlaceInKitchenAsync(after);
        var dead = await Eventually.WaitForAsync(
            () => world.Db.StreamRangeAsync(RedisKeys.DeadLetters(location)), d => d.Length == 1, TimeSpan.FromSeconds(15), "a dead letter");
        Assert.Equal(ghost, dead[0]["order"].ToString());
        Assert.True((long)dead[0]["deliveries"] > 3, $"dead-lettered after {dead[0]["deliveries"]} deliveries");
        await AssertNothingPendingAsync(world, location);
    }

    private static async Task AssertNothingPendingAsync(TestWorld world, string location)
    {
        await Eventually.WaitForAsync(
            async () => (await world.Db.StreamPendingAsync(RedisKeys.OrderQueue(location), RedisKeys.WorkerGroup)).PendingMessageCount,
            count => count == 0,
            TimeSpan.FromSeconds(10),
            "no message left pending");
    }
}
