using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Restaurant.Core.Locations;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Locations;
using Restaurant.Testing;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// The order queue keeps what no worker has acknowledged, however long the kitchen's workers are
/// away. A Redis of its own with no worker at all, and a store whose clock the test moves.
/// </summary>
public class QueueRetentionTests
{
    [Fact]
    public async Task AnOrderQueuedWhileNoWorkerRunsForMoreThanADayIsStillThereAndOnlyAcknowledgedEntriesAreTrimmed()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var mux = await redis.ConnectAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var context = new RedisContext(mux, Options.Create(new RedisStoreOptions()), clock, Options.Create(new RedisOptions()));
        var menus = new MenuStore(context);
        var store = new OrderStore(context, menus);
        var demo = LocationLoader.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "locations", "demo.json")), "demo.json");
        await menus.LoadLocationAsync(demo);
        var key = RedisKeys.OrderQueue(demo.Id);
        var db = mux.GetDatabase();

        var first = Guid.NewGuid().ToString();
        await store.PlaceOrderAsync(demo.Id, first, [new OrderLineData("classic-burger", 1, [], "")]);
        clock.Advance(TimeSpan.FromHours(25));
        var second = Guid.NewGuid().ToString();
        await store.PlaceOrderAsync(demo.Id, second, [new OrderLineData("french-fries", 1, [], "")]);

        string[] Orders(StackExchange.Redis.StreamEntry[] entries) => [.. entries.Select(e => e["order"].ToString())];
        Assert.Equal([first, second], Orders(await db.StreamRangeAsync(key)));

        // A worker arrives: it trims by what it acknowledged, never what is undelivered or pending.
        var queue = new OrderQueue(mux);
        var olderThan = $"{(clock.GetUtcNow() - TimeSpan.FromHours(24)).ToUnixTimeMilliseconds()}-0";
        await queue.EnsureGroupAsync(demo.Id);
        await queue.MeasureAndTrimAsync(demo.Id, olderThan);
        Assert.Equal([first, second], Orders(await db.StreamRangeAsync(key)));

        var read = await queue.ReadNewAsync(demo.Id, "worker-a", 10);
        Assert.Equal([first, second], read.Select(m => m.OrderId ?? "").ToArray());
        await queue.MeasureAndTrimAsync(demo.Id, olderThan);
        Assert.Equal([first, second], Orders(await db.StreamRangeAsync(key)));

        await queue.AcknowledgeAsync(demo.Id, read[0].MessageId);
        var (lag, pending) = await queue.MeasureAndTrimAsync(demo.Id, olderThan);
        Assert.Equal([second], Orders(await db.StreamRangeAsync(key)));
        Assert.Equal((0, 1), (lag, pending));
    }

    [Fact]
    public async Task ClosingALocationTrimsItsMenuChangesByAgeLikeEveryOtherAppend()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var mux = await redis.ConnectAsync();
        var store = new MenuStore(new RedisContext(mux, Options.Create(new RedisStoreOptions()), TimeProvider.System, Options.Create(new RedisOptions())));
        var demo = LocationLoader.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "locations", "demo.json")), "demo.json");

        // A change from two days ago (stream ids are Redis's clock, so the old entry is written by id).
        var key = RedisKeys.MenuEvents(demo.Id);
        var old = $"{DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds()}-0";
        await mux.GetDatabase().StreamAddAsync(key, "item", "ribeye", old);
        await store.LoadLocationAsync(demo);
        await store.SetItemAvailabilityAsync(demo.Id, "ribeye", available: false);

        Assert.True(await store.CloseLocationAsync(demo.Id));

        var kept = await mux.GetDatabase().StreamRangeAsync(key);
        Assert.DoesNotContain(kept, e => e.Id == old);
        Assert.Equal("*", kept[^1]["item"].ToString());
    }
}
