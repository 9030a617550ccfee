using Restaurant.Core.Redis;
using Restaurant.Testing;
using StackExchange.Redis;

namespace Restaurant.OrderService.Tests;

/// <summary>Whether the kitchen workers have routed everything a location's queue holds.</summary>
public static class Routing
{
    /// <summary>
    /// True when every queued message was delivered to the workers and acknowledged (routed, skipped
    /// or dead-lettered), read in one transaction. Three separate reads are not enough: a worker's
    /// read of the last batch can land between them, and the wait passes with that batch read but
    /// not routed.
    /// </summary>
    public static async Task<bool> AllRoutedAsync(IDatabase db, string location)
    {
        var key = RedisKeys.OrderQueue(location);
        var tx = db.CreateTransaction();
        var pending = tx.StreamPendingAsync(key, RedisKeys.WorkerGroup);
        var stream = tx.StreamInfoAsync(key);
        var groups = tx.StreamGroupInfoAsync(key);
        await tx.ExecuteAsync();
        var group = (await groups).Single(g => g.Name == RedisKeys.WorkerGroup);
        return (await pending).PendingMessageCount == 0 && (await stream).LastGeneratedId == group.LastDeliveredId;
    }

    public static Task WaitAsync(IDatabase db, string location, TimeSpan timeout, string because = "every order routed") =>
        Eventually.WaitForAsync(() => AllRoutedAsync(db, location), timeout, because);
}
