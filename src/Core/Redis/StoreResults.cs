using Restaurant.Domain;

namespace Restaurant.Core.Redis;

/// <summary>The round trips to Redis one call waited for, counted as they happen (the benchmark reports them per order).</summary>
public sealed class RoundTrips
{
    public int Count { get; private set; }

    public void Add(int n = 1) => Count += n;
}

/// <summary>The answer to PlaceOrder: the order as it stands, and whether this call created it.</summary>
public sealed record PlaceResult(OrderData Order, bool Created)
{
    /// <summary>The round trips to Redis the call waited for (counted as they happen, for the benchmark's reckoning).</summary>
    public int RoundTrips { get; init; }
}

/// <summary>
/// A ticket after a bump or recall (a repeat answers the same), with its order's status; Changed is
/// false for the repeat.
/// </summary>
public sealed record TicketChange(TicketData Ticket, OrderState OrderStatus, bool Changed = true);

/// <summary>A station's open tickets (rush first, then oldest first), its all-day counts, and the token of that moment.</summary>
public sealed record StationSnapshot(IReadOnlyList<TicketData> Tickets, IReadOnlyDictionary<string, int> AllDay, string Token);

public enum StationEventKind
{
    Added,
    Updated,
    Removed,
    AllDay,

    /// <summary>At a balanced station: the ticket went to a screen (<see cref="StationEventData.From"/> is the one it left).</summary>
    Assigned,

    /// <summary>An entry of a ticket no longer kept: only its token counts (a screen moves past it).</summary>
    Skipped,
}

/// <summary>
/// One entry of a station's history; its token is where a screen resumes after it. A ticket change
/// carries the ticket; an all-day change the station's counts as they then stood.
/// </summary>
public sealed record StationEventData(string Token, StationEventKind Kind, TicketData? Ticket, IReadOnlyDictionary<string, int>? AllDay = null, string From = "");

/// <summary>One order status change, with the order as it stands; Order is null for an entry a filter skipped.</summary>
public sealed record OrderEventData(string Token, OrderData? Order);

/// <summary>What the worker makes of one queued order.</summary>
public enum RouteOutcome
{
    Routed,
    Skipped,
    Missing,

    /// <summary>The order changed while its tickets were being made: read it again.</summary>
    Stale,

    /// <summary>The menu can no longer route the order: it went to the dead letters with its reason.</summary>
    DeadLettered,
}

/// <summary>One location's orders due now: those to deny (their accept-by time passed) and those to fire.</summary>
public sealed record DueOrders(string Location, IReadOnlyList<string> Expired, IReadOnlyList<string> Firing);

/// <summary>A location's orders not yet in the kitchen.</summary>
public sealed record PendingOrders(IReadOnlyList<OrderData> Awaiting, IReadOnlyList<OrderData> Scheduled);
