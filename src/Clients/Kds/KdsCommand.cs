using System.ComponentModel;
using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Kds;

public sealed class KdsSettings : ServerSettings
{
    [CommandOption("-t|--station <ID>")]
    [Description("The station this screen serves (grill, fryer, …, expo).")]
    public string Station { get; init; } = "expo";

    [CommandOption("--screen <ID>")]
    [Description("This screen's id; at a balanced station each screen gets its own share of the tickets.")]
    public string Screen { get; init; } = "";

    [CommandOption("--plain")]
    [Description("Print events as lines instead of drawing the screen (automatic when output is not a terminal).")]
    public bool Plain { get; init; }

    [CommandOption("--warn-minutes <N>")]
    [Description("A ticket turns yellow at this age (default 8).")]
    public int WarnMinutes { get; init; } = 8;

    [CommandOption("--late-minutes <N>")]
    [Description("A ticket turns red at this age (default 12).")]
    public int LateMinutes { get; init; } = 12;
}

/// <summary>
/// A kitchen display for one station: open tickets oldest first with their age, items, modifiers
/// (allergies in red) and notes; 1–9 bumps a ticket, r recalls the last bumped one, q quits.
/// </summary>
public sealed class KdsCommand : AsyncCommand<KdsSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, KdsSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var menu = await connection.Menu.GetMenuAsync(new GetMenuRequest { LocationId = settings.Location }, cancellationToken: cancellationToken);
            var station = menu.Stations.FirstOrDefault(s => s.StationId == settings.Station);
            if (station is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No station '{settings.Station}' at {settings.Location}.[/] Stations: {string.Join(", ", menu.Stations.Select(s => s.StationId))}");
                return 2;
            }

            var plain = settings.Plain || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive;
            var screen = new TicketBoard(plain);
            var feed = new StationFeed(connection, station.StationId, screen, settings.Screen);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feeding = feed.RunAsync(stop.Token);
            if (plain)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{station.Name}[/] at {menu.LocationName}: printing tickets as they come (Ctrl-C to stop)");
                await feeding;
                return 0;
            }

            var lastMessage = "";
            await AnsiConsole.Live(new Text("")).AutoClear(false).StartAsync(async live =>
            {
                while (!stop.IsCancellationRequested && !feeding.IsCompleted)
                {
                    while (!Console.IsInputRedirected && Console.KeyAvailable)
                    {
                        var key = Console.ReadKey(intercept: true);
                        lastMessage = await HandleKeyAsync(key, connection, station, screen, stop, cancellationToken);
                    }

                    live.UpdateTarget(screen.Render(station, feed, settings, lastMessage));
                    try
                    {
                        await Task.Delay(150, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            });
            await stop.CancelAsync();
            await feeding;
            return 0;
        });

    private static async Task<string> HandleKeyAsync(ConsoleKeyInfo key, Connection connection, Station station, TicketBoard screen, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        try
        {
            if (key.KeyChar is 'q' or 'Q')
            {
                await stop.CancelAsync();
                return "";
            }

            if (key.KeyChar is 'r' or 'R')
            {
                var last = screen.LastBumped;
                if (last is null)
                {
                    return "nothing to recall";
                }

                await connection.Kitchen.RecallTicketAsync(
                    new RecallTicketRequest { LocationId = connection.Location, StationId = station.StationId, TicketId = last }, cancellationToken: cancellationToken);
                return $"recalled {Connection.Short(last)}";
            }

            if (key.KeyChar is 'f' or 'F')
            {
                // Expo fires the next held course of the first ticket that has one.
                var held = screen.FirstWithHeldCourse();
                if (held is null)
                {
                    return "no held course to fire";
                }

                var course = held.Items.Where(i => i.Held).Min(i => i.Course);
                await connection.Orders.FireCourseAsync(
                    new FireCourseRequest { LocationId = connection.Location, OrderId = held.OrderId, Course = course }, cancellationToken: cancellationToken);
                return $"fired course {course} of {Connection.Short(held.OrderId)}";
            }

            if (key.KeyChar is >= '1' and <= '9')
            {
                var ticket = screen.OpenAt(key.KeyChar - '1');
                if (ticket is null)
                {
                    return $"no ticket {key.KeyChar}";
                }

                var bumped = await connection.Kitchen.BumpTicketAsync(
                    new BumpTicketRequest { LocationId = connection.Location, StationId = station.StationId, TicketId = ticket.TicketId }, cancellationToken: cancellationToken);
                return $"bumped {Connection.Short(ticket.OrderId)} (order {Connection.StatusName(bumped.OrderStatus)})";
            }
        }
        catch (RpcException ex)
        {
            return $"{ex.StatusCode}: {ex.Status.Detail}";
        }

        return "";
    }
}
