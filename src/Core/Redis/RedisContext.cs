using Microsoft.Extensions.Options;
using Restaurant.Domain;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// What every store shares: the connection, the scripts (sharded or classic pub/sub), the clock, the
/// retention settings and the points where tests play races. Each step that changes state is one Lua
/// script, so a crash or a timeout leaves either all of it or none of it, and every script is safe to
/// run again.
/// </summary>
public sealed class RedisContext(IConnectionMultiplexer connection, IOptions<RedisStoreOptions> options, TimeProvider clock, IOptions<RedisOptions> redisOptions)
{
    private readonly int _waitReplicas = redisOptions.Value.WaitReplicas;
    private readonly TimeSpan _waitTimeout = redisOptions.Value.WaitTimeout;

    internal IDatabase Db => connection.GetDatabase();

    internal RedisStoreOptions Options { get; } = options.Value;

    internal TimeProvider Clock => clock;

    internal bool Sharded { get; } = redisOptions.Value.ShardedPubSub;

    internal Scripts Scripts { get; } = Scripts.For(redisOptions.Value.ShardedPubSub);

    /// <summary>Where tests play a race between a read and its script.</summary>
    internal Interleavings Interleavings { get; } = new();

    internal long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The oldest stream id kept when a stream is appended to.</summary>
    internal string TrimMinId(long nowMs) => $"{nowMs - (long)Options.StreamRetention.TotalMilliseconds}-0";

    /// <summary>Runs a script and decodes its answer (a code, then details).</summary>
    internal async Task<ScriptAnswer> RunAsync(Script script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken) =>
        ScriptAnswer.Of(script.Name, await Db.ScriptEvaluateAsync(script.Source, keys, args).WaitAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Runs a script whose answer is data rather than a code (a count, a snapshot).</summary>
    internal async Task<RedisResult> ReadAsync(Script script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken) =>
        await Db.ScriptEvaluateAsync(script.Source, keys, args).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The four keys every script that touches a ticket takes for it, in the scripts' order.</summary>
    internal static void AddTicketKeys(List<RedisKey> keys, string location, string ticketId, string station)
    {
        keys.Add(RedisKeys.Ticket(location, ticketId));
        keys.Add(RedisKeys.OpenTickets(location, station));
        keys.Add(RedisKeys.StationEvents(location, station));
        keys.Add(RedisKeys.AllDay(location, station));
    }

    internal async Task<string> LatestTokenAsync(RedisKey stream, CancellationToken cancellationToken)
    {
        var last = await Db.StreamRangeAsync(stream, "-", "+", 1, Order.Descending).WaitAsync(cancellationToken).ConfigureAwait(false);
        return last.Length == 0 ? "0-0" : last[0].Id.ToString();
    }

    /// <summary>
    /// With <see cref="RedisOptions.WaitReplicas"/> set: waits until that many replicas of the key's
    /// master hold what was written so far, or answers UNAVAILABLE (the caller may send the same again).
    /// True when it waited (a round trip).
    /// </summary>
    internal async Task<bool> WaitForReplicasAsync(RedisKey key, CancellationToken cancellationToken)
    {
        if (_waitReplicas <= 0)
        {
            return false;
        }

        var timeout = (long)_waitTimeout.TotalMilliseconds;
        var acked = (long)await connection.GetServer(key).ExecuteAsync("WAIT", _waitReplicas, timeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (acked < _waitReplicas)
        {
            throw new RestaurantException(
                ErrorKind.Unavailable,
                $"the order is stored but only {acked} of {_waitReplicas} replicas confirmed it within {timeout} ms; send the same order again");
        }

        return true;
    }
}
