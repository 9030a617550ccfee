using Google.Protobuf.WellKnownTypes;
using Restaurant.Contracts.V1;
using Restaurant.Core.Domain;
using Restaurant.Core.Locations;

namespace Restaurant.OrderService.Mapping;

/// <summary>Between the contract's messages and the domain records; proto types stay at this edge.</summary>
public static class ProtoMapper
{
    public static OrderLineData ToDomain(this OrderLine line) =>
        new(line.MenuItemId, line.Quantity, [.. line.Modifiers], line.Note);

    public static OrderStatus ToProto(this OrderState state) => state switch
    {
        OrderState.Accepted => OrderStatus.Accepted,
        OrderState.InKitchen => OrderStatus.InKitchen,
        OrderState.Ready => OrderStatus.Ready,
        OrderState.Completed => OrderStatus.Completed,
        OrderState.Cancelled => OrderStatus.Cancelled,
        _ => OrderStatus.Unspecified,
    };

    public static TicketStatus ToProto(this TicketState state) => state switch
    {
        TicketState.Open => TicketStatus.Open,
        TicketState.Bumped => TicketStatus.Bumped,
        TicketState.Voided => TicketStatus.Voided,
        _ => TicketStatus.Unspecified,
    };

    public static Order ToProto(this OrderData order)
    {
        var proto = new Order
        {
            OrderId = order.OrderId,
            LocationId = order.LocationId,
            Status = order.Status.ToProto(),
            CreatedAt = Timestamp.FromDateTimeOffset(order.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(order.UpdatedAt),
        };
        foreach (var line in order.Lines)
        {
            var protoLine = new OrderLine { MenuItemId = line.MenuItemId, Quantity = line.Quantity, Note = line.Note };
            protoLine.Modifiers.AddRange(line.Modifiers);
            proto.Lines.Add(protoLine);
        }

        proto.TicketIds.AddRange(order.TicketIds);
        return proto;
    }

    public static Ticket ToProto(this TicketData ticket, string location)
    {
        var proto = new Ticket
        {
            TicketId = ticket.TicketId,
            OrderId = ticket.OrderId,
            StationId = ticket.StationId,
            LocationId = location,
            Status = ticket.Status.ToProto(),
            CreatedAt = Timestamp.FromDateTimeOffset(ticket.CreatedAt),
        };
        if (ticket.BumpedAt is { } bumpedAt)
        {
            proto.BumpedAt = Timestamp.FromDateTimeOffset(bumpedAt);
        }

        foreach (var item in ticket.Items)
        {
            var protoItem = new TicketItem
            {
                MenuItemId = item.MenuItemId,
                Name = item.Name,
                Quantity = item.Quantity,
                Note = item.Note,
                PrepSeconds = item.PrepSeconds,
            };
            protoItem.Modifiers.AddRange(item.Modifiers);
            proto.Items.Add(protoItem);
        }

        return proto;
    }

    public static MenuItem ToProto(this MenuItemDefinition item, bool available) => new()
    {
        MenuItemId = item.Id,
        Name = item.Name,
        StationId = item.Station,
        Available = available,
        PrepSeconds = item.PrepSeconds,
        Category = item.Category,
    };

    public static GetMenuResponse ToProto(this MenuSnapshot menu)
    {
        var response = new GetMenuResponse { LocationId = menu.Location.Id, LocationName = menu.Location.Name };
        response.Stations.AddRange(menu.Location.Stations.Select(s => new Station { StationId = s.Id, Name = s.Name, IsExpo = s.IsExpo }));
        response.Items.AddRange(menu.Location.Items.Select(i => i.ToProto(menu.IsAvailable(i.Id))));
        return response;
    }
}
