using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Core.Telemetry;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

/// <summary>
/// One screen's live station stream: the snapshot (or a resume from a token), then each batch of the
/// station's events with one flush, the receipts of what it showed, a heartbeat when nothing came
/// for a while, and at a balanced station the screen's share kept up to date. What it writes counts as
/// shown unless the client confirms for itself (<see cref="ConfirmShownRequest"/>).
/// </summary>
internal sealed class StationStream(
    StationStore stations, Doorbell bell, ScreenShare screen, IServerStreamWriter<StationEvent> writer, ServerCallContext context,
    StreamOptions options, TimeProvider clock, RestaurantTelemetry telemetry, string location, string station, bool marksShown = true)
{
    private string _token = "";
    private long _lastSent = clock.GetTimestamp();

    /// <summary>Streams until the call ends: from <paramref name="resumeToken"/>, or from a fresh snapshot when it is empty.</summary>
    public async Task RunAsync(string resumeToken, CancellationToken cancellationToken)
    {
        await screen.KeepAsync(cancellationToken);
        _token = resumeToken.Length > 0 ? resumeToken : await SnapshotAsync(cancellationToken);
        var poll = options.PollInterval < options.HeartbeatInterval ? options.PollInterval : options.HeartbeatInterval;
        await Tail.FollowAsync(bell, location, station, poll, StepAsync, cancellationToken);
    }

    /// <summary>Every open ticket this screen shows, their receipts, then the snapshot's end with its token.</summary>
    private async Task<string> SnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = await stations.SnapshotAsync(location, station, cancellationToken);
        var mine = snapshot.Tickets.Where(screen.Shows).ToList();
        foreach (var ticket in mine)
        {
            await WriteAsync(new StationEvent { TicketAdded = ticket.ToProto(location) }, cancellationToken);
        }

        if (marksShown)
        {
            await stations.MarkShownAsync(location, [.. mine.Select(t => t.TicketId)], cancellationToken);
        }

        await WriteAsync(
            new StationEvent
            {
                ResumeToken = snapshot.Token,
                SnapshotComplete = new SnapshotComplete { TicketCount = mine.Count, AllDay = snapshot.AllDay.ToProto() },
            },
            cancellationToken);
        return snapshot.Token;
    }

    /// <summary>One batch of events; true when the batch was full or the screen's share moved (read again at once).</summary>
    private async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        var events = await stations.ReadStationEventsAsync(location, station, _token, options.BatchSize, cancellationToken);
        var batch = new List<(StationEvent Message, StationEventData Change)>(events.Count);
        var unassigned = false;
        foreach (var change in events)
        {
            _token = change.Token;
            unassigned |= screen.WaitsForScreen(change);
            if (screen.Present(change, location) is { } message)
            {
                message.ResumeToken = change.Token;
                batch.Add((message, change));
            }
        }

        var shown = new List<string>();
        for (var i = 0; i < batch.Count; i++)
        {
            // One flush per batch: every message but the last is buffered.
            var (message, change) = batch[i];
            await WriteChangeAsync(message, change, more: i < batch.Count - 1, cancellationToken);
            if (message.EventCase == StationEvent.EventOneofCase.TicketAdded)
            {
                shown.Add(message.TicketAdded.TicketId);
            }
        }

        // Written to the screen's stream: the POS's receipt says a screen has shown them (unless the
        // client confirms for itself what reached its screen).
        if (marksShown)
        {
            await stations.MarkShownAsync(location, shown, cancellationToken);
        }

        if (events.Count == options.BatchSize)
        {
            return true;
        }

        if (clock.GetElapsedTime(_lastSent) >= options.HeartbeatInterval)
        {
            await WriteAsync(new StationEvent { ResumeToken = _token, Heartbeat = new Heartbeat { ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) } }, cancellationToken);
        }

        return await screen.KeepAsync(cancellationToken, unassigned);
    }

    /// <summary>A change written; a ticket added is the last step of its order's trace, and of place → screen.</summary>
    private async Task WriteChangeAsync(StationEvent message, StationEventData change, bool more, CancellationToken cancellationToken)
    {
        if (message.EventCase != StationEvent.EventOneofCase.TicketAdded)
        {
            await WriteAsync(message, cancellationToken, more);
            return;
        }

        using var activity = change.Ticket!.Trace is { } trace
            ? RestaurantTelemetry.Source.StartActivity("ShowTicket", ActivityKind.Consumer, trace)
            : null;
        activity?.SetTag("restaurant.station", station);
        activity?.SetTag("restaurant.ticket", change.Ticket.TicketId);
        await WriteAsync(message, cancellationToken, more);
        // A balanced station's ticket reaches its screen when it is given to one (first given: from no screen).
        var arrived = change.Kind == StationEventKind.Added || (change.Kind == StationEventKind.Assigned && change.From.Length == 0);
        if (arrived && change.Ticket.PlacedAtMs > 0)
        {
            telemetry.TicketShown(station, clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(change.Ticket.PlacedAtMs));
        }
    }

    private async Task WriteAsync(StationEvent message, CancellationToken cancellationToken, bool more = false)
    {
        await writer.WriteWithinAsync(message, options.WriteTimeout, context, cancellationToken, more);
        if (!more)
        {
            _lastSent = clock.GetTimestamp();
        }
    }
}
