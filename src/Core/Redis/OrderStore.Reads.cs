using System.Text.Json;
using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;
using StackExchange.Redis;
using static Restaurant.Core.Redis.StoredRecords;

namespace Restaurant.Core.Redis;

/// <summary>Orders read: one order, a batch for routing with its menu, and the order history the POS follows.</summary>
public sealed partial class OrderStore
{
    public async Task<OrderData?> FindOrderAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var entries = await redis.Db.HashGetAllAsync(RedisKeys.Order(location, orderId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.Length == 0 ? null : ReadOrder(location, entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
    }

    /// <summary>
    /// What routing a batch needs, in one round trip: the location's definition (kept while its content
    /// hash is unchanged) and the orders, in the order asked (a missing one is null).
    /// </summary>
    public async Task<(LocationDefinition Location, IReadOnlyList<OrderData?> Orders)> ReadForRoutingAsync(
        string location, IReadOnlyList<string> orderIds, CancellationToken cancellationToken = default)
    {
        var batch = redis.Db.CreateBatch();
        var hashTask = batch.HashGetAsync(RedisKeys.Menu(location), "hash");
        var reads = orderIds.Select(id => batch.HashGetAllAsync(RedisKeys.Order(location, id))).ToArray();
        batch.Execute();
        var hash = await hashTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (hash.IsNull)
        {
            throw Refusals.UnknownLocation(location);
        }

        var definition = await menus.DefinitionAsync(location, hash.ToString(), cancellationToken).ConfigureAwait(false);
        var orders = new OrderData?[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            var entries = await reads[i].WaitAsync(cancellationToken).ConfigureAwait(false);
            orders[i] = entries.Length == 0 ? null : ReadOrder(location, entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
        }

        return (definition, orders);
    }

    public async Task<OrderData> GetOrderAsync(string location, string orderId, CancellationToken cancellationToken = default) =>
        await FindOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false)
        ?? throw Refusals.UnknownOrder(location, orderId);

    /// <summary>The latest position of the location's order history ("0-0" when empty).</summary>
    public Task<string> LatestOrderEventTokenAsync(string location, CancellationToken cancellationToken = default) =>
        redis.LatestTokenAsync(RedisKeys.OrderEvents(location), cancellationToken);

    /// <summary>One order and the position of the order history at that moment, read together.</summary>
    public async Task<(OrderData? Order, string Token)> OrderWithTokenAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var tx = redis.Db.CreateTransaction();
        var orderTask = tx.HashGetAllAsync(RedisKeys.Order(location, orderId));
        var lastTask = tx.StreamRangeAsync(RedisKeys.OrderEvents(location), "-", "+", 1, Order.Descending);
        await tx.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var entries = await orderTask.ConfigureAwait(false);
        var last = await lastTask.ConfigureAwait(false);
        var order = entries.Length == 0 ? null : ReadOrder(location, entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
        return (order, last.Length == 0 ? "0-0" : last[0].Id.ToString());
    }

    /// <summary>Order status changes after <paramref name="afterToken"/>, each with its order's lines and tickets.</summary>
    public async Task<(IReadOnlyList<OrderEventData> Events, bool Full)> ReadOrderEventsAsync(string location, string afterToken, string? orderId, int count, CancellationToken cancellationToken = default)
    {
        var entries = await redis.Db.StreamRangeAsync(RedisKeys.OrderEvents(location), "(" + afterToken, "+", count)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var wanted = entries.Where(e => orderId is null || e["order"] == orderId).ToArray();

        // An order that changed several times in the batch is read once.
        var batch = redis.Db.CreateBatch();
        var reads = new Dictionary<string, Task<HashEntry[]>>(StringComparer.Ordinal);
        foreach (var id in wanted.Select(e => e["order"].ToString()).Distinct(StringComparer.Ordinal))
        {
            reads[id] = batch.HashGetAllAsync(RedisKeys.Order(location, id));
        }

        batch.Execute();
        var orders = new Dictionary<string, OrderData?>(StringComparer.Ordinal);
        foreach (var (id, read) in reads)
        {
            var hash = (await read.WaitAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => e.Value);
            orders[id] = hash.ContainsKey("body") ? ReadOrder(location, hash) : null;
        }

        var events = new List<OrderEventData>(wanted.Length);
        foreach (var entry in wanted)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds((long)entry["at"]);
            var status = StoredStates.ParseOrderState(entry["status"]);
            var order = orders[entry["order"].ToString()] is { } stored
                ? stored with { Status = status, UpdatedAt = at }
                : new OrderData(entry["order"].ToString(), location, status, [], at, at, []);
            events.Add(new OrderEventData(entry.Id.ToString(), order));
        }

        // The last token read counts even when the filter kept nothing, so a watcher moves past it.
        if (entries.Length > 0 && (wanted.Length == 0 || wanted[^1].Id != entries[^1].Id))
        {
            events.Add(new OrderEventData(entries[^1].Id.ToString(), null));
        }

        return (events, entries.Length == count);
    }
}
