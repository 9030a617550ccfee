using Restaurant.Core.Domain;
using Restaurant.Core.Locations;

namespace Restaurant.Core.Kitchen;

/// <summary>
/// Turns an order into its tickets: one per cooking station that has items in it, plus one for expo
/// holding the whole order. Pure, so the same order and menu always give the same tickets, and a
/// redelivered order finds the ticket ids it made before.
/// </summary>
public static class KitchenRouter
{
    public static string TicketId(string orderId, string stationId) => $"{orderId}:{stationId}";

    public static IReadOnlyList<TicketBody> Route(string orderId, IReadOnlyList<OrderLineData> lines, LocationDefinition location, long nowMs)
    {
        var byStation = new Dictionary<string, List<TicketItemData>>();
        var all = new List<TicketItemData>(lines.Count);
        foreach (var line in lines)
        {
            var item = location.FindItem(line.MenuItemId)
                ?? throw new UnroutableOrderException($"order {orderId}: menu item '{line.MenuItemId}' is not on the menu of '{location.Id}'");
            var ticketItem = new TicketItemData(item.Id, item.Name, line.Quantity, line.Modifiers, line.Note, item.PrepSeconds);
            if (!byStation.TryGetValue(item.Station, out var items))
            {
                items = [];
                byStation[item.Station] = items;
            }

            items.Add(ticketItem);
            all.Add(ticketItem);
        }

        var tickets = new List<TicketBody>(byStation.Count + 1);
        foreach (var station in location.Stations)
        {
            if (!station.IsExpo && byStation.TryGetValue(station.Id, out var items))
            {
                tickets.Add(new TicketBody(TicketId(orderId, station.Id), orderId, station.Id, items, nowMs));
            }
        }

        var expo = location.Expo;
        tickets.Add(new TicketBody(TicketId(orderId, expo.Id), orderId, expo.Id, all, nowMs));
        return tickets;
    }
}

/// <summary>An order that cannot be routed with the menu as it stands (an item left the menu).</summary>
public sealed class UnroutableOrderException(string message) : Exception(message);
