using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// Every key name in one place. A location's keys carry the location as a Redis Cluster hash tag
/// (<c>rst:{demo}:…</c>), so they share a slot and one script may touch them together.
/// </summary>
public static class RedisKeys
{
    /// <summary>The set of known location ids (the only key without a location).</summary>
    public static readonly RedisKey Locations = "rst:locations";

    /// <summary>Sorted set of the live kitchen workers: consumer name → when it was last seen (ms).</summary>
    public static readonly RedisKey Workers = "rst:workers";

    /// <summary>The consumer group of the kitchen workers on every order stream.</summary>
    public const string WorkerGroup = "kitchen";

    public static string Tag(string location) => "rst:{" + location + "}:";

    /// <summary>Hash: "def" (the location's JSON), "hash" (its content hash), "item:{id}" (station).</summary>
    public static RedisKey Menu(string location) => Tag(location) + "menu";

    /// <summary>Set of the menu item ids that are 86'd.</summary>
    public static RedisKey EightySixed(string location) => Tag(location) + "86";

    /// <summary>Hash of counted items: item id → how many are left.</summary>
    public static RedisKey Counts(string location) => Tag(location) + "counts";

    /// <summary>Stream of menu changes (availability, counts), for WatchMenu; an entry names the item.</summary>
    public static RedisKey MenuEvents(string location) => Tag(location) + "menu-events";

    public static RedisKey Order(string location, string orderId) => Tag(location) + "order:" + orderId;

    /// <summary>String: the kitchen worker that serves the location's queue now (with an expiry: a lease).</summary>
    /// <summary>Hash: per order, the last status a webhook subscriber was sent (a repeat of a status is not sent again).</summary>
    public static RedisKey WebhookSent(string location, string subscriber) => Tag(location) + "webhook-sent:" + subscriber;

    /// <summary>Stream: every webhook delivery attempt (subscriber, event, status, answer), the newest few thousand.</summary>
    public static RedisKey WebhookLog(string location) => Tag(location) + "webhook-log";

    /// <summary>The consumer group of a webhook subscriber on the location's order events: its outbox.</summary>
    public static string WebhookGroup(string subscriber) => "webhook:" + subscriber;

    public static RedisKey Lease(string location) => Tag(location) + "lease";

    /// <summary>Stream with the workers' consumer group: orders waiting to be routed.</summary>
    public static RedisKey OrderQueue(string location) => Tag(location) + "orders";

    /// <summary>Orders awaiting a POS's or manager's acceptance, by when they are denied by themselves (ms).</summary>
    public static RedisKey AwaitingAcceptance(string location) => Tag(location) + "awaiting";

    /// <summary>Open incidents by cause: cause → the incident as JSON.</summary>
    public static RedisKey OpenIncidents(string location) => Tag(location) + "incidents";

    /// <summary>Stream of every incident change (opened, acknowledged, resolved), kept 35 days; an entry id is a resume token.</summary>
    public static RedisKey IncidentHistory(string location) => Tag(location) + "incident-events";

    /// <summary>Hash of the screens watching a station: watcher → when it was last seen (ms).</summary>
    public static RedisKey Watchers(string location, string stationId) => Tag(location) + "watching:" + stationId;

    /// <summary>Hash of the stations whose kitchen printer is failing: station → since when, why, how many times (JSON).</summary>
    public static RedisKey FailingPrinters(string location) => Tag(location) + "printers";

    public const string IncidentsTopic = "incidents";

    /// <summary>Orders placed for later, by when they go to the kitchen (ms).</summary>
    public static RedisKey Scheduled(string location) => Tag(location) + "scheduled";

    public static RedisKey Ticket(string location, string ticketId) => Tag(location) + "ticket:" + ticketId;

    /// <summary>Sorted set of a station's open ticket ids, scored by creation time.</summary>
    public static RedisKey OpenTickets(string location, string stationId) => Tag(location) + "open:" + stationId;

    /// <summary>Stream of every event of a station; an entry's id is the screen's resume token.</summary>
    public static RedisKey StationEvents(string location, string stationId) => Tag(location) + "events:" + stationId;

    /// <summary>Hash of a balanced station's screens: screen id → when it was last seen (ms).</summary>
    public static RedisKey Screens(string location, string stationId) => Tag(location) + "screens:" + stationId;

    /// <summary>Hash of a station's all-day counts: item name → quantity across its open tickets.</summary>
    public static RedisKey AllDay(string location, string stationId) => Tag(location) + "allday:" + stationId;

    /// <summary>Per item, how far the station's all-day count would have gone below zero (the scripts name it after the all-day key).</summary>
    public static RedisKey AllDayUndercounts(string location, string stationId) => Tag(location) + "allday:" + stationId + ":undercounts";

    /// <summary>Counter of a location's order numbers for one business day (yyyyMMdd); it expires after three days.</summary>
    public static RedisKey OrderNumbers(string location, string day) => Tag(location) + "numbers:" + day;

    /// <summary>Stream of order status changes, for WatchOrders.</summary>
    public static RedisKey OrderEvents(string location) => Tag(location) + "order-events";

    /// <summary>Stream of speed-of-service samples: ticket times per station, order times to ready and completed.</summary>
    public static RedisKey SpeedOfService(string location) => Tag(location) + "sos";

    /// <summary>Stream of order messages that kept failing.</summary>
    public static RedisKey DeadLetters(string location) => Tag(location) + "dead";

    /// <summary>The "something changed" channel; a message names the topics (stations, "orders").</summary>
    public static RedisChannel Bell(string location) => RedisChannel.Literal(Tag(location) + "bell");

    /// <summary>The bell as a subscriber names it: a sharded channel (on the location's shard) or an ordinary one.</summary>
    public static RedisChannel Bell(string location, bool sharded) =>
        sharded ? RedisChannel.Sharded(Tag(location) + "bell") : Bell(location);

    public const string OrdersTopic = "orders";
    public const string OrderEventsTopic = "order-events";
    public const string MenuTopic = "menu";
}
