using System.Text.Json;
using Restaurant.Domain;
using Restaurant.Domain.Locations;

namespace Restaurant.Domain.Kitchen;

/// <summary>What an amendment does to one ticket.</summary>
public enum TicketAmendmentKind
{
    /// <summary>A ticket the order did not have: a round at a new station or in a new course.</summary>
    New,

    /// <summary>Every item on it is voided now: the ticket is voided.</summary>
    Void,

    /// <summary>Its items changed (a line voided, a round added to it).</summary>
    Update,
}

/// <summary>
/// One ticket an amendment writes: its new body, what happens to it, and whether the round added
/// items to it (its screens sound and it goes back to waiting for a look).
/// </summary>
public sealed record TicketAmendment(TicketBody Body, TicketAmendmentKind Kind, bool Grew);

/// <summary>
/// An amendment of an order decided before anything is written: the order's new lines, how each
/// counted item's count moves (positive: taken; negative: given back), and once the order is routed,
/// its ticket ids (expo's last), its cooking tickets' suffixes and the tickets that change. A ticket
/// the change does not touch is left out, so its screens hear nothing.
/// </summary>
public sealed record AmendmentPlan(
    IReadOnlyList<OrderLineData> Lines,
    IReadOnlyList<(string Item, int Delta)> CountDeltas,
    IReadOnlyList<string> TicketIds,
    IReadOnlyList<string> CookingSuffixes,
    IReadOnlyList<TicketAmendment> Tickets)
{
    /// <summary>An order holds at most this many lines, over all its rounds.</summary>
    public const int MaxLinesInAll = 200;

    /// <summary>The lines of an order with a round of <paramref name="added"/> lines after them.</summary>
    public static IReadOnlyList<OrderLineData> AddRound(OrderData order, IReadOnlyList<OrderLineData> added)
    {
        var current = order.Lines;
        if (current.Count + added.Count > MaxLinesInAll)
        {
            throw RestaurantException.Invalid($"lines: order {order.OrderId} has {current.Count} lines; with {added.Count} more it would pass {MaxLinesInAll}");
        }

        var round = current.Count == 0 ? 1 : current.Max(l => l.Round) + 1;
        return [.. current, .. added.Select(l => l with { Round = round, Voided = false })];
    }

    /// <summary>The lines of an order with those at <paramref name="lineIndexes"/> voided; a voided line stays voided.</summary>
    public static IReadOnlyList<OrderLineData> Void(OrderData order, IReadOnlyList<int> lineIndexes)
    {
        var current = order.Lines;
        foreach (var index in lineIndexes.Where(i => i < 0 || i >= current.Count))
        {
            throw RestaurantException.Invalid($"line_indexes: order {order.OrderId} has no line {index} (it has {current.Count})");
        }

        return [.. current.Select((l, i) => lineIndexes.Contains(i) ? l with { Voided = true } : l)];
    }

    /// <summary>
    /// Plans the change of <paramref name="order"/> to <paramref name="lines"/>. The lines past the
    /// order's are checked against the menu. For a routed order, <paramref name="bodies"/> are its
    /// tickets' stored bodies: a ticket keeps what routing gave it (its creation, placing time and
    /// trace); a ticket a round makes has no placing time, since place → screen is the order's.
    /// </summary>
    public static AmendmentPlan For(
        OrderData order, IReadOnlyList<OrderLineData> lines, LocationDefinition location, bool routed,
        IReadOnlyDictionary<string, TicketBody> bodies, long nowMs, bool isRound)
    {
        MenuValidator.Check([.. lines.Skip(order.Lines.Count)], location);
        var deltas = DeltasOf(order.Lines, lines);
        if (!routed)
        {
            return new AmendmentPlan(lines, deltas, order.TicketIds, [], []);
        }

        var tickets = KitchenRouter.Route(order.OrderId, lines, location, nowMs);
        var expo = tickets[^1];
        var existing = order.TicketIds.ToHashSet(StringComparer.Ordinal);

        // A voided ticket that never reached the kitchen is not made at all.
        var kept = tickets.Where(t => ReferenceEquals(t, expo) || existing.Contains(t.TicketId) || !KitchenRouter.IsVoided(t)).ToList();
        var round = lines.Count == 0 ? 0 : lines.Max(l => l.Round);
        var ids = order.TicketIds.Concat(kept.Select(t => t.TicketId)).Distinct().Where(id => id != expo.TicketId).Append(expo.TicketId).ToList();
        var changes = new List<TicketAmendment>();
        foreach (var ticket in kept)
        {
            var body = bodies.TryGetValue(ticket.TicketId, out var old)
                ? ticket with { CreatedAtMs = old.CreatedAtMs, PlacedAtMs = old.PlacedAtMs, Trace = old.Trace, OrderNumber = order.Number, Source = old.Source, GuestName = old.GuestName }
                : ticket with { OrderNumber = order.Number, Source = OrderOrigin.Stored(order.Source), GuestName = OrderOrigin.Stored(order.GuestName) };
            if (old is not null && !ReferenceEquals(ticket, expo) && Json(body) == Json(old))
            {
                continue;
            }

            var kind = !existing.Contains(ticket.TicketId) ? TicketAmendmentKind.New
                : KitchenRouter.IsVoided(ticket) && !ReferenceEquals(ticket, expo) ? TicketAmendmentKind.Void
                : TicketAmendmentKind.Update;
            var grew = isRound && ticket.Items.Any(i => !i.Voided && lines[i.LineIndex].Round == round);
            changes.Add(new TicketAmendment(body, kind, grew));
        }

        return new AmendmentPlan(lines, deltas, ids, [.. ids.Take(ids.Count - 1).Select(id => Domain.TicketIds.Suffix(id, order.OrderId))], changes);
    }

    /// <summary>How each item's taken quantity moves from <paramref name="before"/> to <paramref name="after"/> (voided lines take nothing).</summary>
    private static IReadOnlyList<(string Item, int Delta)> DeltasOf(IReadOnlyList<OrderLineData> before, IReadOnlyList<OrderLineData> after)
    {
        var deltas = OrderRules.Taken(after).ToDictionary(t => t.Item, t => t.Quantity, StringComparer.Ordinal);
        foreach (var (item, quantity) in OrderRules.Taken(before))
        {
            deltas[item] = deltas.GetValueOrDefault(item) - quantity;
        }

        return [.. deltas.Where(d => d.Value != 0).Select(d => (d.Key, d.Value))];
    }

    private static string Json(TicketBody body) => JsonSerializer.Serialize(body, DomainJson.Default.TicketBody);
}
