using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>A message of a location's order queue: which order to route, and how often it was delivered.</summary>
public sealed record QueuedOrder(string MessageId, string? OrderId, long Deliveries);

/// <summary>
/// The order queue as the kitchen workers see it: one Redis stream per location with one consumer
/// group, so each message goes to one worker, stays pending until acknowledged, and is claimed by a
/// live worker when the one that read it dies.
/// </summary>
public sealed class OrderQueue(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Creates the group if it is missing, reading from the start so no queued order is skipped.</summary>
    public async Task EnsureGroupAsync(string location, CancellationToken cancellationToken = default)
    {
        try
        {
            await Db.StreamCreateConsumerGroupAsync(RedisKeys.OrderQueue(location), RedisKeys.WorkerGroup, "0", createStream: true)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another worker made it first.
        }
    }

    /// <summary>New messages for this consumer; they stay pending until the route script acknowledges them.</summary>
    public async Task<IReadOnlyList<QueuedOrder>> ReadNewAsync(string location, string consumer, int count, CancellationToken cancellationToken = default)
    {
        var entries = await Db.StreamReadGroupAsync(RedisKeys.OrderQueue(location), RedisKeys.WorkerGroup, consumer, StreamPosition.NewMessages, count)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => new QueuedOrder(e.Id.ToString(), OrderIdOf(e), 1))];
    }

    /// <summary>
    /// Takes over messages that another consumer (or this one, after a failure) left pending for at
    /// least <paramref name="minIdle"/>, with how often each has now been delivered.
    /// </summary>
    public async Task<(IReadOnlyList<QueuedOrder> Claimed, int Lost)> ClaimStaleAsync(string location, string consumer, TimeSpan minIdle, int count, CancellationToken cancellationToken = default)
    {
        var key = RedisKeys.OrderQueue(location);
        var result = await Db.StreamAutoClaimAsync(key, RedisKeys.WorkerGroup, consumer, (long)minIdle.TotalMilliseconds, "0-0", count)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.ClaimedEntries.Length == 0)
        {
            return ([], result.DeletedIds.Length);
        }

        var pending = await Db.StreamPendingMessagesAsync(
                key, RedisKeys.WorkerGroup, result.ClaimedEntries.Length, consumer, result.ClaimedEntries[0].Id, result.ClaimedEntries[^1].Id)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var deliveries = pending.ToDictionary(p => p.MessageId.ToString(), p => (long)p.DeliveryCount);
        var claimed = result.ClaimedEntries
            .Select(e => new QueuedOrder(e.Id.ToString(), OrderIdOf(e), deliveries.GetValueOrDefault(e.Id.ToString(), 1)))
            .ToList();
        return (claimed, result.DeletedIds.Length);
    }

    /// <summary>
    /// The workers' group on a location's queue: orders no worker has read yet (lag), and read but not
    /// acknowledged. With <paramref name="olderThan"/> (a stream id), then trims the entries older than
    /// it that the workers have acknowledged: an entry still pending, or not yet delivered to the group,
    /// is never trimmed however old it is, so a worker outage of any length loses no order.
    /// </summary>
    public async Task<(long Lag, long Pending)> MeasureAndTrimAsync(string location, string? olderThan, CancellationToken cancellationToken = default)
    {
        var key = RedisKeys.OrderQueue(location);
        var groups = await Db.StreamGroupInfoAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
        var group = groups.FirstOrDefault(g => g.Name == RedisKeys.WorkerGroup);
        if (group.Name is null || olderThan is null)
        {
            return (group.Lag ?? 0, group.PendingMessageCount);
        }

        // Everything before the group's last delivered entry was delivered; of that, what is still
        // pending starts at the lowest pending id. Ids only grow, so a bound read now stays safe.
        var bound = group.LastDeliveredId ?? "0-0";
        if (group.PendingMessageCount > 0)
        {
            var pending = await Db.StreamPendingAsync(key, RedisKeys.WorkerGroup).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (pending.PendingMessageCount > 0)
            {
                bound = pending.LowestPendingMessageId.ToString();
            }
        }

        var minId = StreamIds.Compare(bound, olderThan) < 0 ? bound : olderThan;
        if (StreamIds.Compare(minId, "0-1") > 0)
        {
            await Db.ExecuteAsync("XTRIM", key, "MINID", minId).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return (group.Lag ?? 0, group.PendingMessageCount);
    }

    /// <summary>Acknowledges a message without routing it (its order is cancelled or already routed).</summary>
    public async Task AcknowledgeAsync(string location, string messageId, CancellationToken cancellationToken = default) =>
        await Db.StreamAcknowledgeAsync(RedisKeys.OrderQueue(location), RedisKeys.WorkerGroup, messageId).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Moves a message that keeps failing to the location's dead letters and acknowledges it, in one transaction.</summary>
    public async Task DeadLetterAsync(string location, QueuedOrder message, string reason, CancellationToken cancellationToken = default)
    {
        var tx = Db.CreateTransaction();
        _ = tx.StreamAddAsync(RedisKeys.DeadLetters(location), [
            new NameValueEntry("message", message.MessageId),
            new NameValueEntry("order", message.OrderId ?? ""),
            new NameValueEntry("deliveries", message.Deliveries),
            new NameValueEntry("reason", reason),
        ]);
        _ = tx.StreamAcknowledgeAsync(RedisKeys.OrderQueue(location), RedisKeys.WorkerGroup, message.MessageId);
        await tx.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string? OrderIdOf(StreamEntry entry)
    {
        var value = entry["order"];
        return value.IsNullOrEmpty ? null : value.ToString();
    }
}
