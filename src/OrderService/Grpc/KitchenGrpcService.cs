using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;
using Restaurant.Core.Domain;
using Restaurant.Core.Kitchen;
using Restaurant.Core.Redis;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

public sealed class KitchenGrpcService(RedisStore store, Doorbell bell, IOptions<StreamOptions> streamOptions, TimeProvider clock) : Kitchen.KitchenBase
{
    private const int MaxTicketIdLength = 200;
    private readonly StreamOptions _streams = streamOptions.Value;

    public override async Task WatchStation(WatchStationRequest request, IServerStreamWriter<StationEvent> responseStream, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        OrderValidator.RequireId(request.StationId, "station_id");
        var location = request.LocationId;
        var station = request.StationId;
        var cancellationToken = context.CancellationToken;
        await RequireStationAsync(location, station, cancellationToken);

        string token;
        if (request.ResumeToken.Length == 0)
        {
            var snapshot = await store.SnapshotAsync(location, station, cancellationToken);
            foreach (var ticket in snapshot.Tickets)
            {
                await responseStream.WriteAsync(new StationEvent { TicketAdded = ticket.ToProto(location) }, cancellationToken);
            }

            await store.MarkShownAsync(location, [.. snapshot.Tickets.Select(t => t.TicketId)], cancellationToken);

            token = snapshot.Token;
            await responseStream.WriteAsync(
                new StationEvent
                {
                    ResumeToken = token,
                    SnapshotComplete = new SnapshotComplete { TicketCount = snapshot.Tickets.Count, AllDay = snapshot.AllDay.ToProto() },
                },
                cancellationToken);
        }
        else
        {
            await store.ValidateResumeTokenAsync(location, station, request.ResumeToken, cancellationToken);
            token = request.ResumeToken;
        }

        var lastSent = clock.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            var wake = bell.Next(location, station);
            var events = await store.ReadStationEventsAsync(location, station, token, _streams.BatchSize, cancellationToken);
            var shown = new List<string>();
            foreach (var change in events)
            {
                var message = new StationEvent { ResumeToken = change.Token };
                switch (change.Kind)
                {
                    case StationEventKind.AllDay:
                        message.AllDay = change.AllDay!.ToProto();
                        break;
                    case StationEventKind.Added:
                        message.TicketAdded = change.Ticket!.ToProto(location);
                        shown.Add(change.Ticket!.TicketId);
                        break;
                    case StationEventKind.Removed:
                        message.TicketRemoved = change.Ticket!.ToProto(location);
                        break;
                    default:
                        message.TicketUpdated = change.Ticket!.ToProto(location);
                        break;
                }

                await responseStream.WriteAsync(message, cancellationToken);
                token = change.Token;
                lastSent = clock.GetTimestamp();
            }

            // Written to the screen's stream: the POS's receipt says a screen has shown them.
            await store.MarkShownAsync(location, shown, cancellationToken);
            if (events.Count == _streams.BatchSize)
            {
                continue;
            }

            if (clock.GetElapsedTime(lastSent) >= _streams.HeartbeatInterval)
            {
                await responseStream.WriteAsync(
                    new StationEvent { ResumeToken = token, Heartbeat = new Heartbeat { ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) } },
                    cancellationToken);
                lastSent = clock.GetTimestamp();
            }

            var poll = _streams.PollInterval < _streams.HeartbeatInterval ? _streams.PollInterval : _streams.HeartbeatInterval;
            await Doorbell.WaitAsync(wake, poll, cancellationToken);
        }
    }

    public override async Task<BumpTicketResponse> BumpTicket(BumpTicketRequest request, ServerCallContext context)
    {
        ValidateTicketRef(request.LocationId, request.StationId, request.TicketId);
        var change = await store.BumpTicketAsync(request.LocationId, request.StationId, request.TicketId, context.CancellationToken);
        return new BumpTicketResponse { Ticket = change.Ticket.ToProto(request.LocationId), OrderStatus = change.OrderStatus.ToProto() };
    }

    public override async Task<RecallTicketResponse> RecallTicket(RecallTicketRequest request, ServerCallContext context)
    {
        ValidateTicketRef(request.LocationId, request.StationId, request.TicketId);
        var change = await store.RecallTicketAsync(request.LocationId, request.StationId, request.TicketId, context.CancellationToken);
        return new RecallTicketResponse { Ticket = change.Ticket.ToProto(request.LocationId), OrderStatus = change.OrderStatus.ToProto() };
    }

    public override async Task<ExplainRoutingResponse> ExplainRouting(ExplainRoutingRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var lines = request.Lines.Select(l => l.ToDomain()).ToList();
        OrderValidator.ValidateLines(lines);
        var menu = await store.GetMenuAsync(request.LocationId, context.CancellationToken);
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
        var counts = await store.GetAllDayAsync(request.LocationId, request.StationId, context.CancellationToken);
        return new GetAllDayResponse { AllDay = counts.ToProto() };
    }

    private async Task RequireStationAsync(string location, string station, CancellationToken cancellationToken)
    {
        var menu = await store.GetMenuAsync(location, cancellationToken);
        if (menu.Location.FindStation(station) is null)
        {
            throw RestaurantException.NotFound($"station '{station}' is not known at '{location}'");
        }
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
