using Restaurant.Domain;
using Restaurant.Domain.Locations;

namespace Restaurant.Domain.Kitchen;

/// <summary>
/// What routing an order writes, decided before anything is written: the tickets (the cooking
/// stations' that have something left to make, then expo's whole order), the cooking tickets'
/// suffixes (the order keeps their progress under them), the courses the kitchen sees and, of those,
/// the later ones, held until they are fired.
/// </summary>
public sealed record RoutePlan(IReadOnlyList<TicketBody> Tickets, IReadOnlyList<string> CookingSuffixes, IReadOnlyList<int> Courses, IReadOnlyList<int> HeldCourses)
{
    /// <summary>Expo's ticket, always the last.</summary>
    public TicketBody Expo => Tickets[^1];

    /// <summary>The tickets a screen will show: every one with something left to make.</summary>
    public int ActiveTickets => Tickets.Count(t => !KitchenRouter.IsVoided(t));

    /// <summary>
    /// Plans the route of a stored order with the menu as it stands. Every ticket carries the order's
    /// placing time (place → screen counts from it), its number, where it came from and the guest's
    /// name, and <paramref name="trace"/>. Throws
    /// <see cref="UnroutableOrderException"/> when an item has left the menu.
    /// </summary>
    public static RoutePlan For(OrderData order, LocationDefinition location, long nowMs, string? trace)
    {
        var placedAt = order.CreatedAt.ToUnixTimeMilliseconds();
        var routed = KitchenRouter.Route(order.OrderId, order.Lines, location, nowMs);
        TicketBody Stamp(TicketBody ticket) => ticket with
        {
            PlacedAtMs = placedAt, Trace = trace, OrderNumber = order.Number, Source = OrderOrigin.Stored(order.Source), GuestName = OrderOrigin.Stored(order.GuestName),
        };
        var expo = Stamp(routed[^1]);
        var cooking = routed.Take(routed.Count - 1)
            .Where(t => !KitchenRouter.IsVoided(t))
            .Select(Stamp)
            .ToList();
        var courses = cooking.Select(t => t.Course).Distinct().Order().ToList();
        return new RoutePlan(
            [.. cooking, expo],
            [.. cooking.Select(t => TicketIds.Suffix(t.TicketId, order.OrderId))],
            courses,
            [.. courses.Where(c => c > 1)]);
    }
}
