using Grpc.Core;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Core.Telemetry;
using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;
using Restaurant.OrderService.Auth;
using Restaurant.OrderService.Incidents;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

public sealed class KitchenGrpcService(
    StreamGuard guard, StationStore stations, IncidentStore incidents, MenuStore menus, Doorbell bell, IOptions<StreamOptions> streamOptions, TimeProvider clock,
    RestaurantTelemetry telemetry, ScreenPresence presence) : Kitchen.KitchenBase
{
    private const int MaxTicketIdLength = 200;
    private readonly StreamOptions _streams = streamOptions.Value;

    public override async Task WatchStation(WatchStationRequest request, IServerStreamWriter<StationEvent> responseStream, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        OrderValidator.RequireId(request.StationId, "station_id");
        if (request.ScreenId.Length > 0)
        {
            OrderValidator.RequireId(request.ScreenId, "screen_id");
        }

        var location = request.LocationId;
        var station = request.StationId;
        using var streamLifetime = guard.Link(context);
        var cancellationToken = streamLifetime.Token;
        var (definition, settings) = await RequireStationAsync(location, station, cancellationToken);
        if (request.ResumeToken.Length > 0)
        {
            // Checked before the screen is marked live, so a refused call changes nothing.
            await stations.ValidateResumeTokenAsync(location, station, request.ResumeToken, cancellationToken);
        }

        // A screen that confirms for itself says it is alive through ConfirmShown, not by its stream.
        var watcher = request.ConfirmShown ? null : WatcherOf(context, request.ScreenId);
        using var watching = watcher is null ? null : await presence.WatchAsync(location, station, watcher, cancellationToken);
        var screen = new ScreenShare(stations, location, station, definition.IsBalanced ? request.ScreenId : "", TimeSpan.FromSeconds(settings.ScreenTimeoutSeconds), clock);
        var stream = new StationStream(stations, bell, screen, responseStream, context, _streams, clock, telemetry, location, station, marksShown: !request.ConfirmShown);
        await stream.RunAsync(request.ResumeToken, cancellationToken);
    }

    /// <summary>
    /// A screen's own word that tickets reached it, and that it is alive: only tickets of this station
    /// count, so a device cannot mark another station's tickets shown.
    /// </summary>
    public override async Task<ConfirmShownResponse> ConfirmShown(ConfirmShownRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        OrderValidator.RequireId(request.StationId, "station_id");
        if (request.ScreenId.Length > 0)
        {
            OrderValidator.RequireId(request.ScreenId, "screen_id");
        }

        if (request.TicketIds.Count > 500)
        {
            throw RestaurantException.Invalid($"ticket_ids: at most 500 at a time, were {request.TicketIds.Count}");
        }

        var bad = request.TicketIds.FirstOrDefault(id => id.Length > MaxTicketIdLength || TicketIds.Parse(id) is null);
        if (bad is not null)
        {
            throw RestaurantException.Invalid($"ticket_ids: '{OrderValidator.Shorten(bad)}' is not a ticket id");
        }

        await RequireStationAsync(request.LocationId, request.StationId, context.CancellationToken);
        var mine = request.TicketIds.Where(id => TicketIds.StationOf(id) == request.StationId).Distinct(StringComparer.Ordinal).ToList();
        await stations.MarkShownAsync(request.LocationId, mine, context.CancellationToken);
        await incidents.TouchWatchersAsync([(request.LocationId, request.StationId, WatcherOf(context, request.ScreenId)!)], context.CancellationToken);
        return new ConfirmShownResponse();
    }

    /// <summary>How a screen is known among a station's watchers: its device, and its screen id; null for a board, which is no screen.</summary>
    private static string? WatcherOf(ServerCallContext context, string screenId)
    {
        var device = context.UserState.TryGetValue(AuthInterceptor.DeviceKey, out var admitted) ? admitted as DeviceDefinition : null;
        return device?.Role == AccessPolicy.Board ? null : (device?.Id ?? "screen") + (screenId.Length > 0 ? ":" + screenId : "");
    }

    public override async Task<BumpTicketResponse> BumpTicket(BumpTicketRequest request, ServerCallContext context)
    {
        ValidateTicketRef(request.LocationId, request.StationId, request.TicketId);
        var change = await stations.BumpTicketAsync(request.LocationId, request.StationId, request.TicketId, context.CancellationToken);
        if (change.Changed)
        {
            telemetry.TicketBumped(request.LocationId, request.StationId);
        }

        return new BumpTicketResponse { Ticket = change.Ticket.ToProto(request.LocationId), OrderStatus = change.OrderStatus.ToProto() };
    }

    public override async Task<RecallTicketResponse> RecallTicket(RecallTicketRequest request, ServerCallContext context)
    {
        ValidateTicketRef(request.LocationId, request.StationId, request.TicketId);
        var change = await stations.RecallTicketAsync(request.LocationId, request.StationId, request.TicketId, context.CancellationToken);
        return new RecallTicketResponse { Ticket = change.Ticket.ToProto(request.LocationId), OrderStatus = change.OrderStatus.ToProto() };
    }

    public override async Task<ExplainRoutingResponse> ExplainRouting(ExplainRoutingRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var lines = request.Lines.Select(l => l.ToDomain()).ToList();
        OrderValidator.ValidateLines(lines);
        var menu = await menus.GetMenuAsync(request.LocationId, context.CancellationToken);
        MenuValidator.Check(lines, menu.Location);
        var response = new ExplainRoutingResponse();
        response.Decisions.AddRange(KitchenRouter.Explain(lines, menu.Location).Select(d => d.ToProto()));
        return response;
    }

    public override async Task<GetAllDayResponse> GetAllDay(GetAllDayRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        OrderValidator.RequireId(request.StationId, "station_id");
        await RequireStationAsync(request.LocationId, request.StationId, context.CancellationToken);
        var counts = await stations.GetAllDayAsync(request.LocationId, request.StationId, context.CancellationToken);
        return new GetAllDayResponse { AllDay = counts.ToProto() };
    }

    private async Task<(StationDefinition Station, LocationSettings Settings)> RequireStationAsync(string location, string station, CancellationToken cancellationToken)
    {
        var menu = await menus.GetMenuAsync(location, cancellationToken);
        var definition = menu.Location.FindStation(station)
            ?? throw Refusals.UnknownStation(location, station);
        return (definition, menu.Location.Options);
    }

    private static void ValidateTicketRef(string location, string station, string ticketId)
    {
        OrderValidator.RequireId(location, "location_id");
        OrderValidator.RequireId(station, "station_id");
        if (string.IsNullOrEmpty(ticketId))
        {
            throw RestaurantException.Invalid("ticket_id is required");
        }

        if (ticketId.Length > MaxTicketIdLength)
        {
            throw RestaurantException.Invalid($"ticket_id is {ticketId.Length} characters, at most {MaxTicketIdLength}");
        }
    }
}
