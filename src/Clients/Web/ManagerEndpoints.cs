using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Restaurant.Web;

/// <summary>
/// The manager's live view: the page, and one server-sent event stream carrying the incidents as they
/// open, change and resolve (each with its resume token as its id, so the browser resumes exactly),
/// each station's health every 2 s, today's speed of service every 15 s and the menu's 86 list; and the
/// acknowledge and 86 / back the page sends, all as the paired manager.
/// </summary>
public static class ManagerEndpoints
{
    private static readonly JsonFormatter Formatter = JsonFormatter.Default;
    private static readonly TimeSpan HealthEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SpeedEvery = TimeSpan.FromSeconds(15);

    public static void MapManagerPage(this WebApplication app)
    {
        app.MapGet("/manager/{location}", PageAsync);
        app.MapGet("/manager/{location}/events", EventsAsync);
        app.MapPost("/manager/{location}/acknowledge", (HttpContext http, string location, IncidentAction body, DeviceCookie cookie, ServiceClients service) =>
            KdsEndpoints.ForwardAsync(http, cookie, service, async c => await c.Reports.AcknowledgeIncidentAsync(
                new Contracts.V1.AcknowledgeIncidentRequest { LocationId = location, IncidentId = body.IncidentId }, cancellationToken: http.RequestAborted)));
        app.MapPost("/manager/{location}/availability", (HttpContext http, string location, AvailabilityAction body, DeviceCookie cookie, ServiceClients service) =>
            KdsEndpoints.ForwardAsync(http, cookie, service, async c => await c.Menu.SetItemAvailabilityAsync(
                new Contracts.V1.SetItemAvailabilityRequest { LocationId = location, MenuItemId = body.MenuItemId, Available = body.Available }, cancellationToken: http.RequestAborted)));
    }

    private static async Task<IResult> PageAsync(HttpContext http, string location, DeviceCookie cookie, ServiceClients service)
    {
        if (cookie.Token(http) is not { } token)
        {
            return Results.Redirect($"/pair?next={Uri.EscapeDataString(http.Request.Path)}");
        }

        var clients = service.As(token);
        try
        {
            var menu = await clients.Menu.GetMenuAsync(new Contracts.V1.GetMenuRequest { LocationId = location }, cancellationToken: http.RequestAborted);

            // Only a manager may read the kitchen's health: asked before anything is shown.
            await clients.Reports.GetKitchenHealthAsync(new Contracts.V1.GetKitchenHealthRequest { LocationId = location }, cancellationToken: http.RequestAborted);
            return Pages.Manager(location, menu.LocationName);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
        {
            return Results.Redirect($"/pair?next={Uri.EscapeDataString(http.Request.Path)}");
        }
        catch (RpcException ex)
        {
            var title = ex.StatusCode switch
            {
                StatusCode.PermissionDenied => "Not a manager's device",
                StatusCode.NotFound => "Not found",
                _ => "The service is not answering",
            };
            return Pages.Problem(title, ex.Status.Detail, Refusals.HttpStatus(ex.StatusCode));
        }
    }

    private static async Task EventsAsync(HttpContext http, string location, DeviceCookie cookie, ServiceClients service, TimeProvider clock)
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
        Task SendAsync(string name, string json, string? id) => sse.SendAsync(name, json, id, stop.Token);
        var pumps = Task.WhenAll(PumpHealthAsync(clients, location, SendAsync, clock, stop.Token), PumpMenuAsync(clients, location, SendAsync, stop.Token));
        try
        {
            await sse.RelayAsync(
                http.Request,
                last => clients.Reports.WatchIncidents(new Contracts.V1.WatchIncidentsRequest { LocationId = location, ResumeToken = last }, cancellationToken: cancellationToken),
                change => change.ResumeToken,
                "incident",
                cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await pumps;
        }
    }

    /// <summary>Each station's health every 2 s, and the speed of service since the business day began every 15 s.</summary>
    private static async Task PumpHealthAsync(Clients clients, string location, Func<string, string, string?, Task> send, TimeProvider clock, CancellationToken cancellationToken)
    {
        var speedAt = long.MinValue;
        try
        {
            var menu = await clients.Menu.GetMenuAsync(new Contracts.V1.GetMenuRequest { LocationId = location }, cancellationToken: cancellationToken);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(menu.TimeZone.Length > 0 ? menu.TimeZone : "UTC");
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var health = await clients.Reports.GetKitchenHealthAsync(new Contracts.V1.GetKitchenHealthRequest { LocationId = location }, cancellationToken: cancellationToken);
                    await send("health", Formatter.Format(health), null);
                    if (speedAt == long.MinValue || clock.GetElapsedTime(speedAt) >= SpeedEvery)
                    {
                        speedAt = clock.GetTimestamp();
                        var speed = await clients.Reports.GetSpeedOfServiceAsync(
                            new Contracts.V1.GetSpeedOfServiceRequest { LocationId = location, From = Timestamp.FromDateTimeOffset(DayStart(clock.GetUtcNow(), zone, menu.DayStartsHour)) },
                            cancellationToken: cancellationToken);
                        await send("speed", Formatter.Format(speed), null);
                    }
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    // The incident stream decides the page's connection state.
                }

                await Task.Delay(HealthEvery, clock, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>When the location's business day began: its local day-start hour today, or yesterday's before that hour.</summary>
    internal static DateTimeOffset DayStart(DateTimeOffset now, TimeZoneInfo zone, int dayStartsHour)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var start = new DateTime(local.Year, local.Month, local.Day, dayStartsHour, 0, 0, DateTimeKind.Unspecified);
        if (local.Hour < dayStartsHour)
        {
            start = start.AddDays(-1);
        }

        return new DateTimeOffset(start, zone.GetUtcOffset(start));
    }

    /// <summary>Every item with its availability and count, first all and then after each change.</summary>
    private static async Task PumpMenuAsync(Clients clients, string location, Func<string, string, string?, Task> send, CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, Contracts.V1.MenuItem>(StringComparer.Ordinal);
        try
        {
            using var call = clients.Menu.WatchMenu(new Contracts.V1.WatchMenuRequest { LocationId = location }, cancellationToken: cancellationToken);
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

                var list = new Contracts.V1.GetMenuResponse();
                list.Items.AddRange(items.Values.OrderBy(i => i.Name, StringComparer.Ordinal));
                await send("menu", Formatter.Format(list), null);
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException)
        {
        }
    }
}

public sealed record IncidentAction(string IncidentId);

public sealed record AvailabilityAction(string MenuItemId, bool Available);
