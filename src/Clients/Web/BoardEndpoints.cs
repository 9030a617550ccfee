using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;

namespace Restaurant.Web;

/// <summary>
/// The guest board: public and read-only. The host watches the location's expo station as its board
/// device and tells the page only order numbers, in "Preparing" and "Ready".
/// </summary>
public static class BoardEndpoints
{
    public static void MapGuestBoard(this WebApplication app)
    {
        app.MapGet("/board/{location}", PageAsync);
        app.MapGet("/board/{location}/events", EventsAsync);
    }

    private static async Task<IResult> PageAsync(HttpContext http, string location, ServiceClients service, IOptions<WebOptions> options)
    {
        if (!options.Value.Boards.TryGetValue(location, out var token))
        {
            return Pages.Problem("No guest board here", $"No guest board is set up for '{location}'.", StatusCodes.Status404NotFound);
        }

        try
        {
            var menu = await service.As(token).Menu.GetMenuAsync(new GetMenuRequest { LocationId = location }, cancellationToken: http.RequestAborted);
            return Pages.Board(location, menu.LocationName);
        }
        catch (RpcException ex)
        {
            return Pages.Problem("The board cannot be shown", ex.Status.Detail, Refusals.HttpStatus(ex.StatusCode));
        }
    }

    private static async Task EventsAsync(HttpContext http, string location, ServiceClients service, IOptions<WebOptions> options, TimeProvider clock)
    {
        if (!options.Value.Boards.TryGetValue(location, out var token))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var cancellationToken = http.RequestAborted;
        var clients = service.As(token);
        var sse = await Sse.StartAsync(http.Response, cancellationToken);
        try
        {
            var expo = (await clients.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location }, cancellationToken: cancellationToken)).Stations.First(s => s.IsExpo).StationId;
            var board = new BoardState(options.Value.BoardLinger);
            using var call = clients.Kitchen.WatchStation(new WatchStationRequest { LocationId = location, StationId = expo }, cancellationToken: cancellationToken);
            var sent = "";
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                board.Apply(change, clock.GetUtcNow());

                // Heartbeats also let completed orders leave once their time on the board is up.
                var json = JsonSerializer.Serialize(board.View(clock.GetUtcNow()), WebJson.Default.BoardView);
                if (json != sent || change.EventCase == StationEvent.EventOneofCase.Heartbeat)
                {
                    await sse.SendAsync("board", json, null, cancellationToken);
                    sent = json;
                }
            }
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            // The service is away: the browser comes back in a second and the board starts afresh.
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException or IOException)
        {
            // The board went away.
        }
    }
}

/// <summary>The board's two columns, by order number.</summary>
public sealed record BoardView(IReadOnlyList<int> Preparing, IReadOnlyList<int> Ready);

/// <summary>
/// Which orders are preparing and which are ready, from expo's tickets: an open expo ticket is an
/// order in the kitchen, ready once every station ticket is bumped (or voided); expo's bump completes
/// it, and it stays under Ready a while for the guest to see; a voided one leaves at once.
/// </summary>
public sealed class BoardState(TimeSpan linger)
{
    private readonly Dictionary<string, (int Number, bool Ready, DateTimeOffset? CompletedAt)> _orders = new(StringComparer.Ordinal);

    public void Apply(StationEvent change, DateTimeOffset now)
    {
        switch (change.EventCase)
        {
            case StationEvent.EventOneofCase.TicketAdded:
                Open(change.TicketAdded);
                break;
            case StationEvent.EventOneofCase.TicketUpdated when change.TicketUpdated.Status == TicketStatus.Voided:
                _orders.Remove(change.TicketUpdated.OrderId);
                break;
            case StationEvent.EventOneofCase.TicketUpdated:
                Open(change.TicketUpdated);
                break;
            case StationEvent.EventOneofCase.TicketRemoved:
                var removed = change.TicketRemoved;
                _orders[removed.OrderId] = (removed.OrderNumber, true, now);
                break;
        }
    }

    private void Open(Ticket ticket)
    {
        var ready = ticket.Progress.Count > 0 && ticket.Progress.All(p => p.State is ProgressState.Bumped or ProgressState.Voided);
        _orders[ticket.OrderId] = (ticket.OrderNumber, ready, null);
    }

    public BoardView View(DateTimeOffset now)
    {
        foreach (var gone in _orders.Where(o => o.Value.CompletedAt is { } at && now - at >= linger).Select(o => o.Key).ToList())
        {
            _orders.Remove(gone);
        }

        var shown = _orders.Values.Where(o => o.Number > 0).ToList();
        return new BoardView(
            [.. shown.Where(o => !o.Ready).Select(o => o.Number).Order()],
            [.. shown.Where(o => o.Ready).Select(o => o.Number).Order()]);
    }
}
