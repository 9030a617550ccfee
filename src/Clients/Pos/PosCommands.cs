using System.ComponentModel;
using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Pos;

public sealed class MenuCommand : AsyncCommand<ServerSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ServerSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var menu = await connection.Menu.GetMenuAsync(new GetMenuRequest { LocationId = settings.Location }, cancellationToken: cancellationToken);
            var table = new Table().Title($"{menu.LocationName} ({menu.LocationId})")
                .AddColumns("Item", "Name", "Station", "Prep", "Available", "Modifiers");
            foreach (var item in menu.Items.OrderBy(i => i.Category).ThenBy(i => i.Name))
            {
                table.AddRow(
                    Markup.Escape(item.MenuItemId), Markup.Escape(item.Name), item.StationId,
                    TimeSpan.FromSeconds(item.PrepSeconds).ToString(@"m\:ss"),
                    !item.Available ? "[red bold]86[/]" : item.HasRemaining ? $"[yellow]{item.Remaining} left[/]" : "[green]yes[/]",
                    Markup.Escape(string.Join(", ", item.Modifiers)));
            }

            AnsiConsole.Write(table);
            return 0;
        });
}

public sealed class PlaceSettings : ServerSettings
{
    [CommandArgument(0, "<ITEM[*QTY]>")]
    [Description("Menu items, each optionally with a quantity: ribeye*2")]
    public string[] Items { get; init; } = [];

    [CommandOption("-m|--modifier <ITEM=TEXT>")]
    [Description("A modifier for an item of the order: classic-burger=no onion (repeatable)")]
    public string[] Modifiers { get; init; } = [];

    [CommandOption("-n|--note <ITEM=TEXT>")]
    [Description("A note for an item of the order: ribeye=medium rare")]
    public string[] Notes { get; init; } = [];

    [CommandOption("--order-id <UUID>")]
    [Description("The order id (default: a new UUID); sending the same id again is safe.")]
    public string? OrderId { get; init; }

    [CommandOption("-w|--watch")]
    [Description("Follow the order until it is completed or cancelled.")]
    public bool Watch { get; init; }

    [CommandOption("--rush")]
    [Description("A rush order: its tickets sort first on every screen.")]
    public bool Rush { get; init; }

    /// <summary>The order lines the arguments describe.</summary>
    public IEnumerable<OrderLine> Lines()
    {
        foreach (var spec in Items)
        {
            var star = spec.LastIndexOf('*');
            var line = new OrderLine { MenuItemId = star > 0 ? spec[..star] : spec, Quantity = star > 0 && int.TryParse(spec[(star + 1)..], out var q) ? q : 1 };
            line.Modifiers.AddRange(ValuesFor(Modifiers, line.MenuItemId));
            line.Note = string.Join("; ", ValuesFor(Notes, line.MenuItemId));
            yield return line;
        }
    }

    private static IEnumerable<string> ValuesFor(string[] pairs, string item) =>
        pairs.Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0] == item).Select(p => p[1]);
}

public sealed class PlaceCommand : AsyncCommand<PlaceSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, PlaceSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            var request = new PlaceOrderRequest { LocationId = settings.Location, OrderId = settings.OrderId ?? Guid.NewGuid().ToString(), Rush = settings.Rush };
            request.Lines.AddRange(settings.Lines());

            using var connection = new Connection(settings);
            var order = (await connection.Orders.PlaceOrderAsync(request, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return settings.Watch ? await OrderView.FollowAsync(connection, order.OrderId, cancellationToken) : 0;
        });
}

public sealed class ExplainCommand : AsyncCommand<PlaceSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, PlaceSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var request = new ExplainRoutingRequest { LocationId = settings.Location };
            request.Lines.AddRange(settings.Lines());
            var answer = await connection.Kitchen.ExplainRoutingAsync(request, cancellationToken: cancellationToken);
            var table = new Table().AddColumns("Line", "Item", "Modifier", "Station", "Why");
            foreach (var decision in answer.Decisions)
            {
                table.AddRow($"{decision.LineIndex + 1}", Markup.Escape(decision.MenuItemId), Markup.Escape(decision.Modifier), $"[bold]{decision.StationId}[/]", Markup.Escape(decision.Rule));
            }

            AnsiConsole.Write(table);
            return 0;
        });
}

public sealed class RushSettings : OrderSettings
{
    [CommandOption("--off")]
    [Description("Take the rush off instead.")]
    public bool Off { get; init; }
}

public sealed class RushCommand : AsyncCommand<RushSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, RushSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var order = (await connection.Orders.SetRushAsync(
                new SetRushRequest { LocationId = settings.Location, OrderId = settings.OrderId, Rush = !settings.Off }, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

public sealed class InteractiveCommand : AsyncCommand<ServerSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ServerSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var menu = await connection.Menu.GetMenuAsync(new GetMenuRequest { LocationId = settings.Location }, cancellationToken: cancellationToken);
            var request = new PlaceOrderRequest { LocationId = settings.Location, OrderId = Guid.NewGuid().ToString() };
            var prompt = new MultiSelectionPrompt<MenuItem>()
                .Title($"[bold]{Markup.Escape(menu.LocationName)}[/]: choose items ([grey]space[/] to pick, [grey]enter[/] to finish)")
                .PageSize(15)
                .UseConverter(i => i.MenuItemId.Length == 0 ? $"[bold]{Markup.Escape(i.Name)}[/]" : $"{Markup.Escape(i.Name)} [grey]({i.StationId})[/]");
            foreach (var group in menu.Items.GroupBy(i => i.Category))
            {
                prompt.AddChoiceGroup(new MenuItem { Name = group.Key, MenuItemId = "" }, group.Where(i => i.Available));
            }

            var chosen = await prompt.ShowAsync(AnsiConsole.Console, cancellationToken);
            foreach (var item in chosen.Where(i => i.MenuItemId.Length > 0))
            {
                var line = new OrderLine
                {
                    MenuItemId = item.MenuItemId,
                    Quantity = await new TextPrompt<int>($"How many [bold]{Markup.Escape(item.Name)}[/]?").DefaultValue(1).ShowAsync(AnsiConsole.Console, cancellationToken),
                };
                var modifiers = await new TextPrompt<string>("Modifiers (comma separated, e.g. no onion, NUT ALLERGY)?").AllowEmpty().ShowAsync(AnsiConsole.Console, cancellationToken);
                line.Modifiers.AddRange(modifiers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                line.Note = await new TextPrompt<string>("Note?").AllowEmpty().ShowAsync(AnsiConsole.Console, cancellationToken);
                request.Lines.Add(line);
            }

            if (request.Lines.Count == 0)
            {
                AnsiConsole.MarkupLine("[grey]Nothing chosen; no order placed.[/]");
                return 0;
            }

            var order = (await connection.Orders.PlaceOrderAsync(request, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return await OrderView.FollowAsync(connection, order.OrderId, cancellationToken);
        });
}

public class OrderSettings : ServerSettings
{
    [CommandArgument(0, "<ORDER_ID>")]
    public string OrderId { get; init; } = "";
}

public sealed class GetCommand : AsyncCommand<OrderSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, OrderSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var order = (await connection.Orders.GetOrderAsync(new GetOrderRequest { LocationId = settings.Location, OrderId = settings.OrderId }, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

public sealed class CancelCommand : AsyncCommand<OrderSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, OrderSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var order = (await connection.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = settings.Location, OrderId = settings.OrderId }, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

public sealed class WatchSettings : ServerSettings
{
    [CommandArgument(0, "[ORDER_ID]")]
    [Description("One order to follow; without it, every order of the location from now on.")]
    public string OrderId { get; init; } = "";
}

public sealed class WatchCommand : AsyncCommand<WatchSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, WatchSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            if (settings.OrderId.Length > 0)
            {
                return await OrderView.FollowAsync(connection, settings.OrderId, cancellationToken);
            }

            AnsiConsole.MarkupLineInterpolated($"[grey]Watching every order of {settings.Location}; Ctrl-C to stop.[/]");
            using var call = connection.Orders.WatchOrders(new WatchOrdersRequest { LocationId = settings.Location }, cancellationToken: cancellationToken);
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                OrderView.PrintChange(change.Order);
            }

            return 0;
        });
}

public sealed class AvailabilitySettings : ServerSettings
{
    [CommandArgument(0, "<ITEM>")]
    public string Item { get; init; } = "";

    [CommandOption("--back")]
    [Description("Bring the item back instead of 86ing it.")]
    public bool Back { get; init; }

    [CommandOption("--count <N>")]
    [Description("Count the item: N left, each order takes its quantity, 86'd at zero (\"12 specials left\").")]
    public int? Count { get; init; }

    [CommandOption("--uncount")]
    [Description("Stop counting the item.")]
    public bool Uncount { get; init; }
}

public sealed class AvailabilityCommand : AsyncCommand<AvailabilitySettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AvailabilitySettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var request = new SetItemAvailabilityRequest
            {
                LocationId = settings.Location, MenuItemId = settings.Item, Available = settings.Back || settings.Count > 0 || settings.Uncount,
            };
            if (settings.Uncount)
            {
                request.Remaining = -1;
            }
            else if (settings.Count is { } count)
            {
                request.Remaining = count;
            }

            var item = (await connection.Menu.SetItemAvailabilityAsync(request, cancellationToken: cancellationToken)).Item;
            var counted = item.HasRemaining ? $", {item.Remaining} left" : "";
            AnsiConsole.MarkupLineInterpolated($"{item.Name}: {(item.Available ? "available" : "86'd")}{counted}");
            return 0;
        });
}

internal static class OrderView
{
    public static void Print(Order order)
    {
        AnsiConsole.MarkupLineInterpolated($"Order [bold]{order.OrderId}[/] at {order.LocationId}: [bold]{Connection.StatusName(order.Status)}[/]{(order.Rush ? " RUSH" : "")}");
        foreach (var line in order.Lines)
        {
            var extras = string.Join(", ", line.Modifiers.Append(line.Note).Where(s => s.Length > 0));
            AnsiConsole.MarkupLineInterpolated($"  {line.Quantity} × {line.MenuItemId}{(extras.Length > 0 ? $"  ({extras})" : "")}");
        }
    }

    public static void PrintChange(Order order) =>
        AnsiConsole.MarkupLineInterpolated($"{DateTime.Now:HH:mm:ss}  {Connection.Short(order.OrderId)}  [bold]{Connection.StatusName(order.Status)}[/]  ({order.Lines.Count} lines)");

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
