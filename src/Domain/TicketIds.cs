namespace Restaurant.Domain;

/// <summary>
/// The one place that knows a ticket id's shape: <c>{order}:{station}</c> for the first course,
/// <c>{order}:{station}:{course}</c> for later ones. Derived from the order, so a redelivered order
/// finds the tickets it made before. The part after the order (the "suffix", <c>{station}[:{course}]</c>)
/// names a ticket within its order: the order's fields and expo's progress are keyed by it, and the
/// scripts are handed suffixes rather than cutting them out of ids themselves.
/// </summary>
public static class TicketIds
{
    /// <summary>The id of an order's ticket at a station in a course.</summary>
    public static string Of(string orderId, string stationId, int course = 1) => orderId + ":" + SuffixOf(stationId, course);

    /// <summary>The suffix of a station's ticket in a course.</summary>
    private static string SuffixOf(string stationId, int course = 1) => course == 1 ? stationId : $"{stationId}:{course}";

    /// <summary>A ticket id from its order and its suffix.</summary>
    public static string FromSuffix(string orderId, string suffix) => orderId + ":" + suffix;

    /// <summary>The suffix of a ticket id of <paramref name="orderId"/>.</summary>
    public static string Suffix(string ticketId, string orderId) => ticketId[(orderId.Length + 1)..];

    /// <summary>The order, station and course a ticket id names; null for an id of another shape.</summary>
    public static (string OrderId, string StationId, int Course)? Parse(string ticketId)
    {
        var parts = ticketId.Split(':');
        return parts.Length switch
        {
            2 when parts[0].Length > 0 && parts[1].Length > 0 => (parts[0], parts[1], 1),
            3 when parts[0].Length > 0 && parts[1].Length > 0 && int.TryParse(parts[2], out var course) && course > 1 => (parts[0], parts[1], course),
            _ => null,
        };
    }

    /// <summary>The station of a ticket id, or "" for an id of another shape.</summary>
    public static string StationOf(string ticketId) => Parse(ticketId)?.StationId ?? "";
}
