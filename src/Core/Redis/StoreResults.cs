using Restaurant.Core.Domain;

namespace Restaurant.Core.Redis;

/// <summary>The answer to PlaceOrder: the order as it stands, and whether this call created it.</summary>
public sealed record PlaceResult(OrderData Order, bool Created);

/// <summary>A ticket after a bump or recall, with its order's status; Changed is false for a repeat.</summary>
public sealed record TicketChange(TicketData Ticket, OrderState OrderStatus, bool Changed);

/// <summary>A station's open tickets, oldest first, and the token of the moment they show.</summary>
public sealed record StationSnapshot(IReadOnlyList<TicketData> Tickets, string Token);

public enum StationEventKind
{
    Added,
    Updated,
    Removed,
}

/// <summary>One entry of a station's history; its token is where a screen resumes after it.</summary>
public sealed record StationEventData(string Token, StationEventKind Kind, TicketData Ticket);

/// <summary>One order status change, with the order as it stands; Order is null for an entry a filter skipped.</summary>
public sealed record OrderEventData(string Token, OrderData? Order);

/// <summary>What the worker makes of one queued order.</summary>
public enum RouteOutcome
{
    Routed,
    Skipped,
    Missing,
}
