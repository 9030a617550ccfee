using Restaurant.Domain;
using StackExchange.Redis;
using static Restaurant.Core.Redis.StoredRecords;

namespace Restaurant.Core.Redis;

/// <summary>
/// Orders not yet in the kitchen's queue: those awaiting a POS's or manager's acceptance, and those
/// placed for later. Each waits in a sorted set by the moment something must happen to it (denied by
/// itself, or fired), which the worker holding the location's lease looks at every second.
/// </summary>
public sealed partial class OrderStore
{
    /// <summary>The most of each kind handled per location per look, so one location cannot hold up the rest.</summary>
    private const int DuePerLook = 64;

    /// <summary>What is due now at each location: orders past their accept-by time, and orders whose time to fire has come.</summary>
    public async Task<IReadOnlyList<DueOrders>> DueAsync(IReadOnlyCollection<string> locations, CancellationToken cancellationToken = default)
    {
        var now = redis.NowMs;
        var batch = redis.Db.CreateBatch();
        var reads = locations.Select(location => (
            location,
            Expired: batch.SortedSetRangeByScoreAsync(RedisKeys.AwaitingAcceptance(location), double.NegativeInfinity, now, take: DuePerLook),
            Firing: batch.SortedSetRangeByScoreAsync(RedisKeys.Scheduled(location), double.NegativeInfinity, now, take: DuePerLook))).ToList();
        batch.Execute();
        var due = new List<DueOrders>();
        foreach (var (location, expired, firing) in reads)
        {
            var e = await expired.WaitAsync(cancellationToken).ConfigureAwait(false);
            var f = await firing.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (e.Length > 0 || f.Length > 0)
            {
                due.Add(new DueOrders(location, [.. e.Select(v => v.ToString())], [.. f.Select(v => v.ToString())]));
            }
        }

        return due;
    }

    /// <summary>Queues orders placed for later whose time has come; each is queued once, whoever else tries.</summary>
    public async Task<int> ReleaseScheduledAsync(string location, IReadOnlyList<string> orderIds, CancellationToken cancellationToken = default)
    {
        if (orderIds.Count == 0)
        {
            return 0;
        }

        var keys = new List<RedisKey>(orderIds.Count + 2) { RedisKeys.Scheduled(location), RedisKeys.OrderQueue(location) };
        var args = new List<RedisValue>(orderIds.Count + 2) { redis.NowMs, RedisKeys.Bell(location).ToString() };
        foreach (var id in orderIds)
        {
            keys.Add(RedisKeys.Order(location, id));
            args.Add(id);
        }

        var answer = await redis.RunAsync(redis.Scripts.ReleaseScheduled, [.. keys], [.. args], cancellationToken).ConfigureAwait(false);
        return (int)answer.Values[1];
    }

    /// <summary>The orders not yet in the kitchen: awaiting acceptance (soonest deadline first) and placed for later (soonest first).</summary>
    public async Task<PendingOrders> ListPendingAsync(string location, int most, CancellationToken cancellationToken = default)
    {
        await menus.GetMenuAsync(location, cancellationToken).ConfigureAwait(false);
        var batch = redis.Db.CreateBatch();
        var awaitingIds = batch.SortedSetRangeByRankAsync(RedisKeys.AwaitingAcceptance(location), 0, most - 1);
        var scheduledIds = batch.SortedSetRangeByRankAsync(RedisKeys.Scheduled(location), 0, most - 1);
        batch.Execute();
        var awaiting = await ReadManyAsync(location, await awaitingIds.WaitAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var scheduled = await ReadManyAsync(location, await scheduledIds.WaitAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new PendingOrders(awaiting, scheduled);
    }

    private async Task<IReadOnlyList<OrderData>> ReadManyAsync(string location, RedisValue[] ids, CancellationToken cancellationToken)
    {
        var batch = redis.Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAllAsync(RedisKeys.Order(location, id.ToString()))).ToArray();
        batch.Execute();
        var orders = new List<OrderData>(reads.Length);
        foreach (var read in reads)
        {
            var hash = (await read.WaitAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => e.Value);
            if (hash.ContainsKey("body"))
            {
                orders.Add(ReadOrder(location, hash));
            }
        }

        return orders;
    }
}
