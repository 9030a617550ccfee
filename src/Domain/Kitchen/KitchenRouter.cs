using Restaurant.Domain;
using Restaurant.Domain.Locations;

namespace Restaurant.Domain.Kitchen;

/// <summary>
/// Where one line, or one modifier of it, is made, and the rule that sent it there. A modifier with
/// a station of its own is made there as an item of its own (<paramref name="OwnItem"/>).
/// </summary>
public sealed record RoutingDecision(int LineIndex, string MenuItemId, string? Modifier, string StationId, string Rule, bool OwnItem = false);

/// <summary>
/// Turns an order into its tickets: one per cooking station that has items in it, plus one for expo
/// holding the whole order. Pure, so the same order and menu always give the same tickets, and a
/// redelivered order finds the ticket ids it made before. <see cref="Explain"/> and
/// <see cref="Route"/> share one set of decisions, so an explanation is never out of step.
/// </summary>
public static class KitchenRouter
{
    /// <summary>Which station makes each line and each modifier that has a station of its own, and why.</summary>
    public static IReadOnlyList<RoutingDecision> Explain(IReadOnlyList<OrderLineData> lines, LocationDefinition location)
    {
        var decisions = new List<RoutingDecision>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var item = location.FindItem(line.MenuItemId)
                ?? throw new UnroutableOrderException($"menu item '{line.MenuItemId}' is not on the menu of '{location.Id}'");
            decisions.Add(new RoutingDecision(i, item.Id, null, item.Station, $"menu item '{item.Id}' is made at '{item.Station}' (menu)"));
            foreach (var name in line.Modifiers)
            {
                var modifier = location.FindModifier(name);
                if (modifier?.Station is { } station && station != item.Station)
                {
                    decisions.Add(new RoutingDecision(i, item.Id, modifier.Name, station, $"modifier '{modifier.Name}' is made at '{station}' (modifier rule)", OwnItem: true));
                }
                else
                {
                    decisions.Add(new RoutingDecision(i, item.Id, modifier?.Name ?? name, item.Station, $"modifier '{modifier?.Name ?? name}' goes with its dish to '{item.Station}'"));
                }
            }
        }

        foreach (var line in lines.Select((_, i) => i))
        {
            decisions.Add(new RoutingDecision(line, lines[line].MenuItemId, null, location.Expo.Id, $"expo '{location.Expo.Id}' sees every order whole"));
        }

        return decisions;
    }

    /// <summary>
    /// The tickets of an order: one per cooking station and course, then expo's, which holds the whole
    /// order. With fire by prep time, each item of a course waits so that the course finishes together
    /// (the 12-minute steak starts now, the 4-minute salad in 8 minutes). Voided lines stay on their
    /// tickets as voided items, so screens strike them through rather than lose them; a ticket whose
    /// items are all voided is itself voided (<see cref="IsVoided"/>).
    /// </summary>
    public static IReadOnlyList<TicketBody> Route(string orderId, IReadOnlyList<OrderLineData> lines, LocationDefinition location, long nowMs)
    {
        List<RoutingDecision> decisions;
        try
        {
            decisions = [.. Explain(lines, location)];
        }
        catch (UnroutableOrderException ex)
        {
            throw new UnroutableOrderException($"order {orderId}: {ex.Message}");
        }

        var expo = location.Expo;
        var byTicket = new Dictionary<(string Station, int Course), List<TicketItemData>>();
        var whole = new List<TicketItemData>(lines.Count);
        foreach (var decision in decisions.Where(d => d.StationId != expo.Id && (d.Modifier is null || d.OwnItem)))
        {
            var line = lines[decision.LineIndex];
            var item = location.FindItem(line.MenuItemId)!;
            var allergies = line.Modifiers.Select(location.FindModifier).Where(m => m is { Allergy: true }).Select(m => m!.Name).ToList();
            TicketItemData ticketItem;
            if (decision.Modifier is null)
            {
                ticketItem = new TicketItemData(
                    item.Id, item.Name, line.Quantity, line.Modifiers, line.Note, item.PrepSeconds, allergies, "", line.Course, 0, decision.LineIndex, line.Voided);
                whole.Add(ticketItem);
            }
            else
            {
                var modifier = location.FindModifier(decision.Modifier)!;
                ticketItem = new TicketItemData(
                    item.Id, modifier.Name, line.Quantity, [], "", modifier.PrepSeconds, allergies, item.Name, line.Course, 0, decision.LineIndex, line.Voided);
            }

            if (!byTicket.TryGetValue((decision.StationId, line.Course), out var items))
            {
                items = [];
                byTicket[(decision.StationId, line.Course)] = items;
            }

            items.Add(ticketItem);
        }

        if (location.Options.FireByPrepTime)
        {
            foreach (var course in byTicket.GroupBy(t => t.Key.Course))
            {
                var longest = course.SelectMany(t => t.Value).Where(i => !i.Voided).Select(i => i.PrepSeconds).DefaultIfEmpty(0).Max();
                foreach (var ticket in course)
                {
                    for (var i = 0; i < ticket.Value.Count; i++)
                    {
                        ticket.Value[i] = ticket.Value[i] with { StartDelaySeconds = Math.Max(0, longest - ticket.Value[i].PrepSeconds) };
                    }
                }
            }
        }

        var tickets = new List<TicketBody>(byTicket.Count + 1);
        foreach (var course in byTicket.Keys.Select(k => k.Course).Distinct().Order())
        {
            foreach (var station in location.Stations)
            {
                if (!station.IsExpo && byTicket.TryGetValue((station.Id, course), out var items))
                {
                    tickets.Add(Ticket(orderId, station, course, items, nowMs));
                }
            }
        }

        tickets.Add(Ticket(orderId, expo, 1, whole, nowMs));
        return tickets;
    }

    /// <summary>A ticket with nothing left to make.</summary>
    public static bool IsVoided(TicketBody ticket) => ticket.Items.All(i => i.Voided);

    private static TicketBody Ticket(string orderId, StationDefinition station, int course, IReadOnlyList<TicketItemData> items, long nowMs) =>
        new(TicketIds.Of(orderId, station.Id, course), orderId, station.Id, items, nowMs, station.WarnSeconds, station.LateSeconds, course);
}

/// <summary>An order that cannot be routed with the menu as it stands (an item left the menu).</summary>
public sealed class UnroutableOrderException(string message) : Exception(message);
