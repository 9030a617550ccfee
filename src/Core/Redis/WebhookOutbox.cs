using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>One order status change waiting for a subscriber: its stream id (the event's id), order, status and time.</summary>
public sealed record WebhookEvent(string Id, string OrderId, string Status, long AtMs);

/// <summary>
/// The webhooks' outbox is the location's order-event stream itself, written atomically with every
/// status change: each subscriber reads it through a consumer group of its own, and an event stays
/// pending until the subscriber has answered 2xx, so a restart or a dead worker loses nothing.
/// </summary>
public sealed class WebhookOutbox(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Starts the subscriber's outbox at the location from now on (a new subscriber hears no history).</summary>
    public async Task EnsureAsync(string location, string subscriber, CancellationToken cancellationToken = default)
    {
        try
        {
            await Db.StreamCreateConsumerGroupAsync(RedisKeys.OrderEvents(location), RedisKeys.WebhookGroup(subscriber), "$", createStream: true)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    /// <summary>
    /// The next events for this worker, oldest first: those it was sent and has not finished, then
    /// those a worker gone quiet for <paramref name="claimIdle"/> left pending, then new ones.
    /// </summary>
    public async Task<IReadOnlyList<WebhookEvent>> NextAsync(string location, string subscriber, string consumer, int count, TimeSpan claimIdle, CancellationToken cancellationToken = default)
    {
        var key = RedisKeys.OrderEvents(location);
        var group = RedisKeys.WebhookGroup(subscriber);
        var mine = await Db.StreamReadGroupAsync(key, group, consumer, "0", count).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (mine.Length == 0)
        {
            var claimed = await Db.StreamAutoClaimAsync(key, group, consumer, (long)claimIdle.TotalMilliseconds, "0-0", count).WaitAsync(cancellationToken).ConfigureAwait(false);
            mine = claimed.ClaimedEntries;
        }

        if (mine.Length == 0)
        {
            mine = await Db.StreamReadGroupAsync(key, group, consumer, ">", count).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. mine.Where(e => !e.IsNull).Select(e => new WebhookEvent(e.Id.ToString(), e["order"].ToString(), e["status"].ToString(), (long)e["at"]))];
    }

    /// <summary>The event needs nothing more: sent and answered, or not one this subscriber hears.</summary>
    public async Task DoneAsync(string location, string subscriber, WebhookEvent done, bool sent, CancellationToken cancellationToken = default)
    {
        var batch = Db.CreateBatch();
        var ack = batch.StreamAcknowledgeAsync(RedisKeys.OrderEvents(location), RedisKeys.WebhookGroup(subscriber), done.Id);
        Task? mark = null;
        if (sent)
        {
            var key = RedisKeys.WebhookSent(location, subscriber);
            mark = Task.WhenAll(batch.HashSetAsync(key, done.OrderId, done.Status), batch.KeyExpireAsync(key, TimeSpan.FromHours(48)));
        }

        batch.Execute();
        await ack.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (mark is not null)
        {
            await mark.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The status this subscriber was last sent for an order ("" when none).</summary>
    public async Task<string> LastSentAsync(string location, string subscriber, string orderId, CancellationToken cancellationToken = default) =>
        (await Db.HashGetAsync(RedisKeys.WebhookSent(location, subscriber), orderId).WaitAsync(cancellationToken).ConfigureAwait(false)).ToString() ?? "";

    /// <summary>The order's number and why it was denied or cancelled, for the payload (0 and "" when it is gone).</summary>
    public async Task<(int Number, string Reason)> FactsOfAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var facts = await Db.HashGetAsync(RedisKeys.Order(location, orderId), ["number", "reason"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (facts[0].TryParse(out int n) ? n : 0, facts[1].IsNull ? "" : facts[1].ToString());
    }

    /// <summary>Notes a delivery attempt in the location's delivery log (the newest few thousand are kept).</summary>
    public async Task LogAsync(string location, string subscriber, WebhookEvent sent, int attempt, string outcome, CancellationToken cancellationToken = default) =>
        await Db.StreamAddAsync(
            RedisKeys.WebhookLog(location),
            [new("subscriber", subscriber), new("event", sent.Id), new("order", sent.OrderId), new("status", sent.Status), new("attempt", attempt), new("outcome", outcome)],
            maxLength: 5000,
            useApproximateMaxLength: true).WaitAsync(cancellationToken).ConfigureAwait(false);
}
