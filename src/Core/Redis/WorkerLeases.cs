using System.IO.Hashing;
using System.Text;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// How kitchen workers divide a chain's locations: each is seen alive in a sorted set, each location
/// belongs to the live worker that rendezvous hashing picks, and a worker serves a location only while
/// it holds the location's lease, so two workers never route one location's queue at once and its
/// orders keep their order.
/// </summary>
public sealed class WorkerLeases(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Says this worker is alive, forgets long-gone ones, and answers the live workers (seen within <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<string>> HeartbeatAsync(string worker, DateTimeOffset now, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var ms = now.ToUnixTimeMilliseconds();
        var batch = Db.CreateBatch();
        _ = batch.SortedSetAddAsync(RedisKeys.Workers, worker, ms);
        _ = batch.SortedSetRemoveRangeByScoreAsync(RedisKeys.Workers, double.NegativeInfinity, ms - (long)timeout.TotalMilliseconds * 60);
        var live = batch.SortedSetRangeByScoreAsync(RedisKeys.Workers, ms - (long)timeout.TotalMilliseconds, double.PositiveInfinity);
        batch.Execute();
        return [.. (await live.WaitAsync(cancellationToken).ConfigureAwait(false)).Select(v => v.ToString())];
    }

    /// <summary>
    /// Takes or renews the leases of <paramref name="take"/>, and only renews those of <paramref name="keep"/>
    /// (ones this worker is handing over: a lease it let go of meanwhile stays free). One round trip;
    /// answers the leases this worker now holds.
    /// </summary>
    public async Task<IReadOnlySet<string>> HoldAsync(
        string worker, IEnumerable<string> take, IEnumerable<string> keep, TimeSpan leaseTime, CancellationToken cancellationToken = default)
    {
        var ms = (long)leaseTime.TotalMilliseconds;
        var batch = Db.CreateBatch();
        var calls = take.Select(l => (Location: l, Call: batch.ScriptEvaluateAsync(Scripts.LeaseAcquire.Source, [RedisKeys.Lease(l)], [worker, ms])))
            .Concat(keep.Select(l => (Location: l, Call: batch.ScriptEvaluateAsync(Scripts.LeaseRenew.Source, [RedisKeys.Lease(l)], [worker, ms]))))
            .ToList();
        batch.Execute();
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (location, call) in calls)
        {
            if ((long)await call.WaitAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                held.Add(location);
            }
        }

        return held;
    }

    public async Task ReleaseAsync(string worker, string location, CancellationToken cancellationToken = default) =>
        await Db.ScriptEvaluateAsync(Scripts.LeaseRelease.Source, [RedisKeys.Lease(location)], [worker]).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Leaves the roster at once, so the others take this worker's locations without waiting for it to be missed.</summary>
    public async Task LeaveAsync(string worker, CancellationToken cancellationToken = default) =>
        await Db.SortedSetRemoveAsync(RedisKeys.Workers, worker).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The location's worker by rendezvous hashing: the highest hash of (worker, location) wins, so a worker joining or leaving moves only its share.</summary>
    public static string OwnerOf(string location, IReadOnlyList<string> workers)
    {
        string? best = null;
        ulong bestScore = 0;
        foreach (var worker in workers)
        {
            var score = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(worker + "\n" + location));
            if (best is null || score > bestScore || (score == bestScore && string.CompareOrdinal(worker, best) > 0))
            {
                best = worker;
                bestScore = score;
            }
        }

        return best ?? "";
    }
}
