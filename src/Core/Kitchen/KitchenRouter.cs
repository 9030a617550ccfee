using Restaurant.Core.Domain;
using Restaurant.Core.Locations;

namespace Restaurant.Core.Kitchen;

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
    public static string TicketId(string orderId, string stationId) => $"{orderId}:{stationId}";

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
        var byStation = new Dictionary<string, List<TicketItemData>>();
        var whole = new List<TicketItemData>(lines.Count);
        foreach (var decision in decisions.Where(d => d.StationId != expo.Id && (d.Modifier is null || d.OwnItem)))
        {
            var line = lines[decision.LineIndex];
            var item = location.FindItem(line.MenuItemId)!;
            var allergies = line.Modifiers.Select(location.FindModifier).Where(m => m is { Allergy: true }).Select(m => m!.Name).ToList();
            TicketItemData ticketItem;
            if (decision.Modifier is null)
            {
                ticketItem = new TicketItemData(item.Id, item.Name, line.Quantity, line.Modifiers, line.Note, item.PrepSeconds, allergies);
                whole.Add(ticketItem);
            }
            else
            {
                var modifier = location.FindModifier(decision.Modifier)!;
                ticketItem = new TicketItemData(item.Id, modifier.Name, line.Quantity, [], "", modifier.PrepSeconds, allergies, item.Name);
            }

            if (!byStation.TryGetValue(decision.StationId, out var items))
            {
                items = [];
                byStation[decision.StationId] = items;
            }

            items.Add(ticketItem);
        }

        var tickets = new List<TicketBody>(byStation.Count + 1);
        foreach (var station in location.Stations)
        {
            if (!station.IsExpo && byStation.TryGetValue(station.Id, out var items))
            {
                tickets.Add(Ticket(orderId, station, items, nowMs));
            }
        }

        tickets.Add(Ticket(orderId, expo, whole, nowMs));
        return tickets;
    }

    private static TicketBody Ticket(string orderId, StationDefinition station, IReadOnlyList<TicketItemData> items, long nowMs) =>
        new(TicketId(orderId, station.Id), orderId, station.Id, items, nowMs, nowMs + station.WarnSeconds * 1000L, nowMs + station.LateSeconds * 1000L);
}

/// <summary>An order that cannot be routed with the menu as it stands (an item left the menu).</summary>
public sealed class UnroutableOrderException(string message) : Exception(message);
