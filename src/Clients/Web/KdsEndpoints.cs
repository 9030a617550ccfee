using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;

namespace Restaurant.Web;

/// <summary>
/// A station's screen (expo's for the expo station): the page, its live stream of the station's
/// events and the 86 list, and the bump, recall and fire it sends, all as the paired device. The page
/// itself confirms which tickets reached it and that it is alive (<c>/shown</c>), so the service's
/// receipts and incidents follow the screen, not the host's stream.
/// </summary>
public static class KdsEndpoints
{
    private static readonly JsonFormatter Formatter = JsonFormatter.Default;

    public static void MapStationScreens(this WebApplication app)
    {
        app.MapGet("/kds/{location}/{station}", PageAsync);
        app.MapGet("/kds/{location}/{station}/events", EventsAsync);
        app.MapPost("/kds/{location}/{station}/bump", (HttpContext http, string location, string station, TicketAction body, DeviceCookie cookie, ServiceClients service) =>
            ForwardAsync(http, cookie, service, async c => (IMessage)await c.Kitchen.BumpTicketAsync(
                new BumpTicketRequest { LocationId = location, StationId = station, TicketId = body.TicketId }, cancellationToken: http.RequestAborted)));
        app.MapPost("/kds/{location}/{station}/recall", (HttpContext http, string location, string station, TicketAction body, DeviceCookie cookie, ServiceClients service) =>
            ForwardAsync(http, cookie, service, async c => (IMessage)await c.Kitchen.RecallTicketAsync(
                new RecallTicketRequest { LocationId = location, StationId = station, TicketId = body.TicketId }, cancellationToken: http.RequestAborted)));
        app.MapPost("/kds/{location}/{station}/shown", (HttpContext http, string location, string station, ShownAction body, DeviceCookie cookie, ServiceClients service) =>
            ForwardAsync(http, cookie, service, async c =>
            {
                var request = new ConfirmShownRequest { LocationId = location, StationId = station, ScreenId = body.Screen ?? "" };
                request.TicketIds.AddRange(body.TicketIds ?? []);
                return (IMessage)await c.Kitchen.ConfirmShownAsync(request, cancellationToken: http.RequestAborted);
            }));
        app.MapPost("/kds/{location}/{station}/fire", (HttpContext http, string location, CourseAction body, DeviceCookie cookie, ServiceClients service) =>
            ForwardAsync(http, cookie, service, async c => (IMessage)await c.Orders.FireCourseAsync(
                new FireCourseRequest { LocationId = location, OrderId = body.OrderId, Course = body.Course }, cancellationToken: http.RequestAborted)));
    }

    private static async Task<IResult> PageAsync(HttpContext http, string location, string station, string? screen, DeviceCookie cookie, ServiceClients service, IOptions<WebOptions> options)
    {
        if (cookie.Token(http) is not { } token)
        {
            return Results.Redirect($"/pair?next={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");
        }

        var clients = service.As(token);
        try
        {
            var menu = await clients.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location }, cancellationToken: http.RequestAborted);
            var found = menu.Stations.FirstOrDefault(s => s.StationId == station);
            if (found is null)
            {
                return Pages.Problem("No such station", $"'{menu.LocationName}' has no station '{station}'.", StatusCodes.Status404NotFound);
            }

            // Asks the service whether this device may work this station before showing anything.
            await clients.Kitchen.GetAllDayAsync(new GetAllDayRequest { LocationId = location, StationId = station }, cancellationToken: http.RequestAborted);
            return Pages.Station(new StationPage(location, menu.LocationName, station, found.Name, found.IsExpo, screen ?? "", options.Value.StaleAfter));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
        {
            return Results.Redirect($"/pair?next={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");
        }
        catch (RpcException ex)
        {
            var title = ex.StatusCode switch
            {
                StatusCode.PermissionDenied => "Not this screen's station",
                StatusCode.NotFound => "Not found",
                _ => "The service is not answering",
            };
            return Pages.Problem(title, ex.Status.Detail, Refusals.HttpStatus(ex.StatusCode));
        }
    }

    /// <summary>
    /// One server-sent event stream per open page: the station's events, each with its resume token as
    /// its id so the browser's own reconnect (Last-Event-ID) resumes exactly after the last it saw, and
    /// the 86 list. An expired token starts a fresh snapshot ("reset" first, so the page forgets).
    /// </summary>
    private static async Task EventsAsync(HttpContext http, string location, string station, string? screen, DeviceCookie cookie, ServiceClients service)
    {
        if (cookie.Token(http) is not { } token)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var clients = service.As(token);
        var cancellationToken = http.RequestAborted;
        var sse = await Sse.StartAsync(http.Response, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var menu = PumpMenuAsync(clients, location, (name, json, id) => sse.SendAsync(name, json, id, stop.Token), stop.Token);
        try
        {
            await sse.RelayAsync(
                http.Request,
                last => clients.Kitchen.WatchStation(
                    new WatchStationRequest { LocationId = location, StationId = station, ResumeToken = last, ScreenId = screen ?? "", ConfirmShown = true }, cancellationToken: cancellationToken),
                change => change.ResumeToken,
                "station",
                cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await menu;
        }
    }

    /// <summary>The items 86'd or counted, first all of them and then after each change, as one "menu" event.</summary>
    private static async Task PumpMenuAsync(Clients clients, string location, Func<string, string, string?, Task> send, CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, MenuItem>(StringComparer.Ordinal);
        try
        {
            using var call = clients.Menu.WatchMenu(new WatchMenuRequest { LocationId = location }, cancellationToken: cancellationToken);
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (change.Full)
                {
                    items.Clear();
                }

                foreach (var item in change.Items)
                {
                    items[item.MenuItemId] = item;
                }

                var listed = items.Values
                    .Where(i => !i.Available || i.HasRemaining)
                    .OrderBy(i => i.Available).ThenBy(i => i.Name, StringComparer.Ordinal)
                    .Select(i => new MenuCount(i.Name, i.Available, i.HasRemaining ? i.Remaining : null))
                    .ToList();
                await send("menu", JsonSerializer.Serialize(listed, WebJson.Default.ListMenuCount), null);
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException)
        {
            // The station stream decides the page's connection state; the 86 list comes back with it.
        }
    }

    /// <summary>One call as the paired device, its answer as JSON, or the refusal in the service's own words.</summary>
    internal static async Task<IResult> ForwardAsync(HttpContext http, DeviceCookie cookie, ServiceClients service, Func<Clients, Task<IMessage>> call)
    {
        if (cookie.Token(http) is not { } token)
        {
            return Results.Json(new RefusalBody("Unauthenticated", "this screen is not paired: open /pair"), statusCode: StatusCodes.Status401Unauthorized);
        }

        try
        {
            var answer = await call(service.As(token));
            return Results.Content(Formatter.Format(answer), "application/json");
        }
        catch (RpcException ex)
        {
            return Refusals.Json(ex);
        }
    }
}

public sealed record TicketAction(string TicketId);

public sealed record CourseAction(string OrderId, int Course);

/// <summary>What the page says reached its screen (and, empty, that it is alive).</summary>
public sealed record ShownAction(IReadOnlyList<string>? TicketIds, string? Screen);

public sealed record MenuCount(string Name, bool Available, int? Remaining);
