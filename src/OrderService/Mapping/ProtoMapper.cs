using Google.Protobuf.WellKnownTypes;
using Restaurant.Contracts.V1;
using Restaurant.Domain;
using Restaurant.Domain.Incidents;
using Restaurant.Domain.Locations;

namespace Restaurant.OrderService.Mapping;

/// <summary>Between the contract's messages and the domain records; proto types stay at this edge.</summary>
public static class ProtoMapper
{
    public static OrderLineData ToDomain(this OrderLine line) =>
        new(line.MenuItemId, line.Quantity, [.. line.Modifiers], line.Note, line.Course == 0 ? 1 : line.Course);

    public static OrderStatus ToProto(this OrderState state) => state switch
    {
        OrderState.Accepted => OrderStatus.Accepted,
        OrderState.InKitchen => OrderStatus.InKitchen,
        OrderState.Ready => OrderStatus.Ready,
        OrderState.Completed => OrderStatus.Completed,
        OrderState.Cancelled => OrderStatus.Cancelled,
        OrderState.AwaitingAcceptance => OrderStatus.AwaitingAcceptance,
        _ => OrderStatus.Unspecified,
    };

    public static TicketStatus ToProto(this TicketState state) => state switch
    {
        TicketState.Open => TicketStatus.Open,
        TicketState.Bumped => TicketStatus.Bumped,
        TicketState.Voided => TicketStatus.Voided,
        TicketState.Held => TicketStatus.Held,
        _ => TicketStatus.Unspecified,
    };

    public static TicketReceipt ToProto(this TicketReceiptData receipt)
    {
        var proto = new TicketReceipt
        {
            TicketId = receipt.TicketId,
            StationId = receipt.StationId,
            Course = receipt.Course,
            State = receipt.State switch
            {
                Restaurant.Domain.ProgressState.Held => Contracts.V1.ProgressState.Held,
                Restaurant.Domain.ProgressState.Waiting => Contracts.V1.ProgressState.Waiting,
                Restaurant.Domain.ProgressState.Cooking => Contracts.V1.ProgressState.Cooking,
                Restaurant.Domain.ProgressState.Bumped => Contracts.V1.ProgressState.Bumped,
                Restaurant.Domain.ProgressState.Voided => Contracts.V1.ProgressState.Voided,
                _ => Contracts.V1.ProgressState.Unspecified,
            },
        };
        if (receipt.QueuedAt is { } queued)
        {
            proto.QueuedAt = Timestamp.FromDateTimeOffset(queued);
        }

        if (receipt.ShownAt is { } shown)
        {
            proto.ShownAt = Timestamp.FromDateTimeOffset(shown);
        }

        if (receipt.BumpedAt is { } bumped)
        {
            proto.BumpedAt = Timestamp.FromDateTimeOffset(bumped);
        }

        if (receipt.PrintedAt is { } printed)
        {
            proto.PrintedAt = Timestamp.FromDateTimeOffset(printed);
        }

        return proto;
    }

    public static Order ToProto(this OrderData order)
    {
        var proto = new Order
        {
            OrderId = order.OrderId,
            LocationId = order.LocationId,
            Status = order.Status.ToProto(),
            CreatedAt = Timestamp.FromDateTimeOffset(order.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(order.UpdatedAt),
            Rush = order.Rush,
            Number = order.Number,
            Source = order.Source,
            GuestName = order.GuestName,
            CancelReason = order.Reason,
        };
        if (order.AcceptBy is { } acceptBy && order.Status == OrderState.AwaitingAcceptance)
        {
            proto.AcceptBy = Timestamp.FromDateTimeOffset(acceptBy);
        }

        if (order.PickupAt is { } pickupAt)
        {
            proto.PickupAt = Timestamp.FromDateTimeOffset(pickupAt);
        }

        if (order.FireAt is { } fireAt)
        {
            proto.FireAt = Timestamp.FromDateTimeOffset(fireAt);
        }

        foreach (var line in order.Lines)
        {
            var protoLine = new OrderLine
            {
                MenuItemId = line.MenuItemId, Quantity = line.Quantity, Note = line.Note, Course = line.Course, Voided = line.Voided, Round = line.Round,
            };
            protoLine.Modifiers.AddRange(line.Modifiers);
            proto.Lines.Add(protoLine);
        }

        proto.TicketIds.AddRange(order.TicketIds);
        proto.HeldCourses.AddRange(order.HeldCourses ?? []);
        proto.Receipts.AddRange((order.Receipts ?? []).Select(r => r.ToProto()));
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
            Rush = ticket.Rush,
            HasAllergy = ticket.Items.Any(i => i.AllergyList.Count > 0),
            Course = ticket.Course,
            ScreenId = ticket.Screen,
            OrderNumber = ticket.OrderNumber,
            Source = ticket.Source,
            GuestName = ticket.GuestName,
        };
        proto.Progress.AddRange((ticket.Progress ?? []).Select(p => p.ToProto()));
        if (ticket.FiredAt is { } firedAt)
        {
            proto.FiredAt = Timestamp.FromDateTimeOffset(firedAt);
        }

        if (ticket.BumpedAt is { } bumpedAt)
        {
            proto.BumpedAt = Timestamp.FromDateTimeOffset(bumpedAt);
        }

        if (ticket.WarnAt is { } warnAt)
        {
            proto.WarnAt = Timestamp.FromDateTimeOffset(warnAt);
        }

        if (ticket.LateAt is { } lateAt)
        {
            proto.LateAt = Timestamp.FromDateTimeOffset(lateAt);
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
                ForItem = item.ForItem,
                Course = item.Course,
                Held = ticket.HeldCourses?.Contains(item.Course) == true,
                Voided = item.Voided,
                LineIndex = item.LineIndex,
            };
            if (ticket.FiredAt is { } fired && !protoItem.Held)
            {
                protoItem.StartAt = Timestamp.FromDateTimeOffset(fired.AddSeconds(item.StartDelaySeconds));
            }

            protoItem.Modifiers.AddRange(item.Modifiers);
            protoItem.Allergies.AddRange(item.AllergyList);
            proto.Items.Add(protoItem);
        }

        return proto;
    }

    public static MenuItem ToProto(this MenuItemDefinition item, MenuSnapshot menu)
    {
        var proto = new MenuItem
        {
            MenuItemId = item.Id,
            Name = item.Name,
            StationId = item.Station,
            Available = menu.IsAvailable(item.Id),
            PrepSeconds = item.PrepSeconds,
            Category = item.Category,
        };
        proto.Modifiers.AddRange(item.AllowedModifiers);
        if (menu.RemainingOf(item.Id) is { } remaining)
        {
            proto.Remaining = remaining;
        }

        return proto;
    }

    public static GetMenuResponse ToProto(this MenuSnapshot menu)
    {
        var response = new GetMenuResponse
        {
            LocationId = menu.Location.Id,
            LocationName = menu.Location.Name,
            FireByPrepTime = menu.Location.Options.FireByPrepTime,
            AutoFireNextCourse = menu.Location.Options.AutoFireNextCourse,
            TimeZone = menu.Location.Options.TimeZone,
            DayStartsHour = menu.Location.Options.DayStartsHour,
        };
        response.Stations.AddRange(menu.Location.Stations.Select(s => new Station
        {
            StationId = s.Id, Name = s.Name, IsExpo = s.IsExpo, WarnSeconds = s.WarnSeconds, LateSeconds = s.LateSeconds, Screens = s.Screens,
        }));
        response.Items.AddRange(menu.Location.Items.Select(i => i.ToProto(menu)));
        response.Modifiers.AddRange(menu.Location.ModifierList.Select(m => new Modifier
        {
            Name = m.Name, StationId = m.Station ?? "", PrepSeconds = m.PrepSeconds, Allergy = m.Allergy, AnyItem = m.AnyItem,
        }));
        return response;
    }

    public static AllDay ToProto(this IReadOnlyDictionary<string, int> counts)
    {
        var proto = new AllDay();
        proto.Counts.AddRange(counts.Select(c => new AllDayCount { Name = c.Key, Quantity = c.Value }));
        return proto;
    }

    public static Contracts.V1.RoutingDecision ToProto(this Restaurant.Domain.Kitchen.RoutingDecision decision) => new()
    {
        LineIndex = decision.LineIndex,
        MenuItemId = decision.MenuItemId,
        Modifier = decision.Modifier ?? "",
        StationId = decision.StationId,
        Rule = decision.Rule,
        OwnItem = decision.OwnItem,
    };

    public static Contracts.V1.IncidentKind ToProto(this Domain.Incidents.IncidentKind kind) => kind switch
    {
        Domain.Incidents.IncidentKind.TicketLate => Contracts.V1.IncidentKind.TicketLate,
        Domain.Incidents.IncidentKind.TicketNotShown => Contracts.V1.IncidentKind.TicketNotShown,
        Domain.Incidents.IncidentKind.StationUnwatched => Contracts.V1.IncidentKind.StationUnwatched,
        Domain.Incidents.IncidentKind.ScreenGone => Contracts.V1.IncidentKind.ScreenGone,
        Domain.Incidents.IncidentKind.DeadLetter => Contracts.V1.IncidentKind.DeadLetter,
        Domain.Incidents.IncidentKind.QueueLag => Contracts.V1.IncidentKind.QueueLag,
        Domain.Incidents.IncidentKind.ItemEightySixed => Contracts.V1.IncidentKind.Item86,
        Domain.Incidents.IncidentKind.ItemLow => Contracts.V1.IncidentKind.ItemLow,
        Domain.Incidents.IncidentKind.AcceptDeadline => Contracts.V1.IncidentKind.AcceptDeadline,
        Domain.Incidents.IncidentKind.TicketPrinted => Contracts.V1.IncidentKind.TicketPrinted,
        Domain.Incidents.IncidentKind.PrinterDown => Contracts.V1.IncidentKind.PrinterDown,
        Domain.Incidents.IncidentKind.WebhookFailing => Contracts.V1.IncidentKind.WebhookFailing,
        Domain.Incidents.IncidentKind.NoWorker => Contracts.V1.IncidentKind.NoWorker,
        _ => Contracts.V1.IncidentKind.Unspecified,
    };

    public static Incident ToProto(this IncidentData incident)
    {
        var cause = incident.Cause;
        var proto = new Incident
        {
            IncidentId = incident.IncidentId,
            LocationId = incident.LocationId,
            Kind = cause.Kind.ToProto(),
            Severity = cause.Severity switch
            {
                Domain.Incidents.IncidentSeverity.Info => Contracts.V1.IncidentSeverity.Info,
                Domain.Incidents.IncidentSeverity.Warning => Contracts.V1.IncidentSeverity.Warning,
                _ => Contracts.V1.IncidentSeverity.Critical,
            },
            StationId = cause.StationId,
            TicketId = cause.TicketId,
            OrderId = cause.OrderId,
            ScreenId = cause.ScreenId,
            Message = cause.Message,
            OpenedAt = Timestamp.FromDateTimeOffset(incident.OpenedAt),
            AcknowledgedBy = incident.AcknowledgedBy,
        };
        if (incident.ResolvedAt is { } resolved)
        {
            proto.ResolvedAt = Timestamp.FromDateTimeOffset(resolved);
        }

        if (incident.AcknowledgedAt is { } acknowledged)
        {
            proto.AcknowledgedAt = Timestamp.FromDateTimeOffset(acknowledged);
        }

        return proto;
    }
}
