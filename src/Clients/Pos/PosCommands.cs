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

public class PlaceSettings : ServerSettings
{
    [CommandArgument(0, "<ITEM[*QTY][@COURSE]>")]
    [Description("Menu items, each optionally with a quantity and a course: ribeye*2@2")]
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

    [CommandOption("--guest <NAME>")]
    [Description("What the guest is called at the pass (\"Sam K.\"), shown on the screens.")]
    public string? Guest { get; init; }

    [CommandOption("--pickup <TIME>")]
    [Description("Place it for later: a time today (18:30), a date and time, or minutes from now (+45); it fires so that it is ready then.")]
    public string? Pickup { get; init; }

    public override ValidationResult Validate() =>
        Pickup is null || PickupTime.TryParse(Pickup, DateTimeOffset.Now, out _)
            ? base.Validate()
            : ValidationResult.Error($"--pickup '{Pickup}' is not a time: give 18:30, 2026-12-24 18:30 or +45 (minutes from now)");

    /// <summary>The order lines the arguments describe.</summary>
    public IEnumerable<OrderLine> Lines()
    {
        foreach (var item in Items)
        {
            // ITEM[*QTY][@COURSE]: "ribeye*2@2" is two ribeyes in the second course.
            var at = item.LastIndexOf('@');
            var spec = at > 0 ? item[..at] : item;
            var star = spec.LastIndexOf('*');
            var line = new OrderLine { MenuItemId = star > 0 ? spec[..star] : spec, Quantity = star > 0 && int.TryParse(spec[(star + 1)..], out var q) ? q : 1 };
            if (at > 0 && int.TryParse(item[(at + 1)..], out var course))
            {
                line.Course = course;
            }

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
            var request = new PlaceOrderRequest
            {
                LocationId = settings.Location, OrderId = settings.OrderId ?? Guid.NewGuid().ToString(), Rush = settings.Rush, GuestName = settings.Guest ?? "",
            };
            request.Lines.AddRange(settings.Lines());
            if (settings.Pickup is not null && PickupTime.TryParse(settings.Pickup, DateTimeOffset.Now, out var pickup))
            {
                request.PickupAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(pickup);
            }

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

public sealed class PendingCommand : AsyncCommand<ServerSettings>
{
    /// <summary>One line per order, its id whole at the end, so it can be copied into `pos accept` whatever the terminal's width.</summary>
    public override Task<int> ExecuteAsync(CommandContext context, ServerSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var pending = await connection.Orders.ListPendingOrdersAsync(new ListPendingOrdersRequest { LocationId = settings.Location }, cancellationToken: cancellationToken);
            var now = DateTimeOffset.UtcNow;
            AnsiConsole.MarkupLineInterpolated($"[bold]Awaiting acceptance at {settings.Location}:[/] {pending.AwaitingAcceptance.Count}");
            foreach (var order in pending.AwaitingAcceptance)
            {
                var left = order.AcceptBy.ToDateTimeOffset() - now;
                AnsiConsole.MarkupLine(
                    $"  [bold]{Connection.OrderLabel(order.Number, order.OrderId)}[/]  {Markup.Escape(Connection.Origin(order.Source, order.GuestName))}  " +
                    $"{(left > TimeSpan.Zero ? $"[yellow]{left:m\\:ss} left[/]" : "[red]due now[/]")}  {Lines(order)}  {order.OrderId}");
            }

            AnsiConsole.MarkupLineInterpolated($"[bold]Placed for later:[/] {pending.Scheduled.Count}");
            foreach (var order in pending.Scheduled)
            {
                AnsiConsole.MarkupLine(
                    $"  [bold]{Connection.OrderLabel(order.Number, order.OrderId)}[/]  {Markup.Escape(Connection.Origin(order.Source, order.GuestName))}  " +
                    $"pickup {order.PickupAt.ToDateTime().ToLocalTime():HH:mm}, fires {order.FireAt.ToDateTime().ToLocalTime():HH:mm}  {Lines(order)}  {order.OrderId}");
            }

            return 0;
        });

    private static string Lines(Order order) => Markup.Escape(string.Join(", ", order.Lines.Select(l => $"{l.Quantity} × {l.MenuItemId}")));
}

public sealed class AcceptCommand : AsyncCommand<OrderSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, OrderSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var order = (await connection.Orders.AcceptOrderAsync(new AcceptOrderRequest { LocationId = settings.Location, OrderId = settings.OrderId }, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

public sealed class DenySettings : OrderSettings
{
    [CommandOption("-r|--reason <TEXT>")]
    [Description("Why (the platform tells the guest): \"kitchen closing\", \"out of buns\".")]
    public string Reason { get; init; } = "";

    public override ValidationResult Validate() =>
        Reason.Trim().Length > 0 ? base.Validate() : ValidationResult.Error("--reason: say why the order is denied; the platform tells the guest");
}

public sealed class DenyCommand : AsyncCommand<DenySettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, DenySettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var order = (await connection.Orders.DenyOrderAsync(
                new DenyOrderRequest { LocationId = settings.Location, OrderId = settings.OrderId, Reason = settings.Reason }, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

/// <summary>A pickup time as a person types it: "18:30" (today, or tomorrow when that has passed), "2026-12-24 18:30", or "+45" minutes from now.</summary>
public static class PickupTime
{
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset pickup)
    {
        text = text.Trim();
        if (text.StartsWith('+') && int.TryParse(text[1..], out var minutes) && minutes >= 0)
        {
            pickup = now.AddMinutes(minutes);
            return true;
        }

        if (TimeOnly.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var time))
        {
            var today = new DateTimeOffset(DateOnly.FromDateTime(now.DateTime).ToDateTime(time), now.Offset);
            pickup = today > now ? today : today.AddDays(1);
            return true;
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeLocal, out pickup);
    }
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

public sealed class FireSettings : OrderSettings
{
    [CommandArgument(1, "<COURSE>")]
    public int Course { get; init; }
}

public sealed class FireCommand : AsyncCommand<FireSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, FireSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var order = (await connection.Orders.FireCourseAsync(
                new FireCourseRequest { LocationId = settings.Location, OrderId = settings.OrderId, Course = settings.Course }, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

public sealed class AddSettings : PlaceSettings
{
    [CommandOption("--to <ORDER_ID>")]
    [Description("The open order to add the round to.")]
    public string To { get; init; } = "";

    public override ValidationResult Validate() =>
        To.Length == 0 ? ValidationResult.Error("--to <ORDER_ID> is required") : base.Validate();
}

public sealed class AddCommand : AsyncCommand<AddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AddSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var request = new AddItemsRequest { LocationId = settings.Location, OrderId = settings.To, RoundId = Guid.NewGuid().ToString() };
            request.Lines.AddRange(settings.Lines());
            var order = (await connection.Orders.AddItemsAsync(request, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

public sealed class VoidSettings : OrderSettings
{
    [CommandArgument(1, "<LINE>")]
    [Description("Line numbers as `pos get` lists them, from 1.")]
    public int[] Lines { get; init; } = [];
}

public sealed class VoidCommand : AsyncCommand<VoidSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, VoidSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var request = new VoidItemsRequest { LocationId = settings.Location, OrderId = settings.OrderId };
            request.LineIndexes.AddRange(settings.Lines.Select(l => l - 1));
            var order = (await connection.Orders.VoidItemsAsync(request, cancellationToken: cancellationToken)).Order;
            OrderView.Print(order);
            return 0;
        });
}

public sealed class ReportSettings : ServerSettings
{
    [CommandOption("--hours <N>")]
    [Description("How many hours back (default 24).")]
    public int Hours { get; init; } = 24;
}

public sealed class ReportCommand : AsyncCommand<ReportSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ReportSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var now = DateTimeOffset.UtcNow;
            var report = await connection.Reports.GetSpeedOfServiceAsync(
                new GetSpeedOfServiceRequest
                {
                    LocationId = settings.Location,
                    From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now.AddHours(-Math.Clamp(settings.Hours, 1, 744))),
                    To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now),
                },
                cancellationToken: cancellationToken);
            var table = new Table().Title($"Speed of service, last {settings.Hours} h").AddColumns("Station", "Hour", "Tickets", "Mean", "p90", "Late");
            foreach (var row in report.Stations.Concat(report.StationHours))
            {
                table.AddRow(
                    row.StationId, row.Hour is null ? "[bold]all[/]" : row.Hour.ToDateTime().ToLocalTime().ToString("dd HH:00"),
                    $"{row.Tickets.Count}", Minutes(row.Tickets.MeanSeconds), Minutes(row.Tickets.P90Seconds), row.Tickets.Late > 0 ? $"[red]{row.Tickets.Late}[/]" : "0");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated(
                $"Orders placed → ready: {report.PlacedToReady.Count}, mean {Minutes(report.PlacedToReady.MeanSeconds)}, p90 {Minutes(report.PlacedToReady.P90Seconds)}");
            AnsiConsole.MarkupLineInterpolated(
                $"Orders placed → completed: {report.PlacedToCompleted.Count}, mean {Minutes(report.PlacedToCompleted.MeanSeconds)}, p90 {Minutes(report.PlacedToCompleted.P90Seconds)}, late {report.PlacedToCompleted.Late}");
            return 0;
        });

    private static string Minutes(double seconds) => TimeSpan.FromSeconds(seconds).ToString(@"m\:ss");
}
