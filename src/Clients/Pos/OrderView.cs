using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;

namespace Restaurant.Clients.Pos;

/// <summary>How `restaurant pos` prints an order: its status, lines, tickets and each station's progress.</summary>
internal static class OrderView
{
    public static void Print(Order order)
    {
        var origin = Connection.Origin(order.Source, order.GuestName);
        AnsiConsole.MarkupLineInterpolated(
            $"Order [bold]{Connection.OrderLabel(order.Number, order.OrderId)}[/] ({order.OrderId}) at {order.LocationId}: [bold]{Connection.StatusName(order.Status)}[/]{(order.Rush ? " RUSH" : "")}{(origin.Length > 0 ? $" · {origin}" : "")}");
        foreach (var line in order.Lines)
        {
            var extras = string.Join(", ", line.Modifiers.Append(line.Note).Where(s => s.Length > 0));
            var course = line.Course > 1 ? $"  [course {line.Course}]" : "";
            var text = $"{line.Quantity} × {line.MenuItemId}{(extras.Length > 0 ? $"  ({extras})" : "")}{course}";
            AnsiConsole.MarkupLine(line.Voided ? $"  [strikethrough grey]{Markup.Escape(text)}[/] [red]void[/]" : $"  {Markup.Escape(text)}");
        }

        if (order.Status == OrderStatus.AwaitingAcceptance && order.AcceptBy is { } acceptBy)
        {
            AnsiConsole.MarkupLineInterpolated($"  [yellow bold]awaiting acceptance until {acceptBy.ToDateTime().ToLocalTime():HH:mm:ss}: pos accept {order.OrderId}, or pos deny {order.OrderId} --reason …[/]");
        }

        if (order.PickupAt is { } pickupAt)
        {
            AnsiConsole.MarkupLineInterpolated($"  [cyan]pickup {pickupAt.ToDateTime().ToLocalTime():HH:mm}; to the kitchen at {order.FireAt?.ToDateTime().ToLocalTime():HH:mm:ss}[/]");
        }

        if (order.CancelReason.Length > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"  [red]{order.CancelReason}[/]");
        }

        if (order.HeldCourses.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"  [yellow]held courses: {string.Join(", ", order.HeldCourses)}[/]");
        }

        foreach (var receipt in order.Receipts)
        {
            static string At(Google.Protobuf.WellKnownTypes.Timestamp? t) => t is null ? "—" : t.ToDateTime().ToLocalTime().ToString("HH:mm:ss");
            AnsiConsole.MarkupLineInterpolated(
                $"  [grey]{receipt.StationId,-8} course {receipt.Course}  {receipt.State,-8} queued {At(receipt.QueuedAt)}  shown {At(receipt.ShownAt)}  bumped {At(receipt.BumpedAt)}[/]");
        }
    }

    public static void PrintChange(Order order) =>
        AnsiConsole.MarkupLineInterpolated($"{DateTime.Now:HH:mm:ss}  {Connection.OrderLabel(order.Number, order.OrderId)}  [bold]{Connection.StatusName(order.Status)}[/]  ({order.Lines.Count} lines)");

    /// <summary>Follows one order until it is completed or cancelled, reconnecting if the stream drops.</summary>
    public static async Task<int> FollowAsync(Connection connection, string orderId, CancellationToken cancellationToken)
    {
        var last = OrderStatus.Unspecified;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = connection.Orders.WatchOrders(new WatchOrdersRequest { LocationId = connection.Location, OrderId = orderId }, cancellationToken: cancellationToken);
                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (change.Order.Status != last)
                    {
                        last = change.Order.Status;
                        PrintChange(change.Order);
                    }

                    if (last is OrderStatus.Completed or OrderStatus.Cancelled)
                    {
                        return 0;
                    }
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                AnsiConsole.MarkupLine("[yellow]connection lost; reconnecting…[/]");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        return 0;
    }
}
