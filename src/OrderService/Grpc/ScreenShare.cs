using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

/// <summary>
/// What one screen of a station is shown. At a mirrored station, or for a watcher without a screen
/// id, every ticket. At a balanced station, the tickets given to this screen: it keeps the screen
/// marked live and balances the station's tickets over its live screens, and turns an 'assigned'
/// event into an added ticket (given to this screen) or a removed one (taken from it).
/// (Each screen's presence, so that a station with no screen becomes an incident, is said by
/// <see cref="Incidents.ScreenPresence"/> for all the process's screens at once.)
/// </summary>
internal sealed class ScreenShare(
    StationStore stations, string location, string station, string screenId, TimeSpan timeout, TimeProvider clock)
{
    // Marked live well within the timeout, so a screen that is there is never taken for gone.
    private readonly TimeSpan _interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));
    private long _lastKept = long.MinValue;

    public bool Balanced => screenId.Length > 0;

    public bool Shows(TicketData ticket) => !Balanced || ticket.Screen == screenId;

    /// <summary>A ticket at a balanced station that no screen has yet: it is given to one at once, not at the next pass.</summary>
    public bool WaitsForScreen(StationEventData change) =>
        Balanced && change.Kind == StationEventKind.Added && change.Ticket!.Screen.Length == 0;

    /// <summary>
    /// Every so often (a quarter of the timeout, at most a second), and at once when <paramref name="unassigned"/>
    /// (a new ticket waits for a screen): marks the screen live and balances the station. True when tickets moved,
    /// so the caller reads again at once.
    /// </summary>
    public async Task<bool> KeepAsync(CancellationToken cancellationToken, bool unassigned = false)
    {
        var due = _lastKept == long.MinValue || clock.GetElapsedTime(_lastKept) >= _interval;
        if (!Balanced || !(due || unassigned))
        {
            return false;
        }

        if (due)
        {
            _lastKept = clock.GetTimestamp();
            await stations.TouchScreenAsync(location, station, screenId, cancellationToken);
        }

        return await stations.BalanceStationAsync(location, station, timeout, cancellationToken) > 0;
    }

    /// <summary>The event as this screen should see it, or null when it is not this screen's.</summary>
    public StationEvent? Present(StationEventData change, string locationId)
    {
        switch (change.Kind)
        {
            case StationEventKind.Skipped:
                return null;
            case StationEventKind.AllDay:
                return new StationEvent { AllDay = change.AllDay!.ToProto() };
            case StationEventKind.Assigned when !Balanced:
                return null;
            case StationEventKind.Assigned when change.Ticket!.Screen == screenId:
                return new StationEvent { TicketAdded = change.Ticket.ToProto(locationId) };
            case StationEventKind.Assigned when change.From == screenId:
                return new StationEvent { TicketRemoved = change.Ticket!.ToProto(locationId) };
            case StationEventKind.Assigned:
                return null;
            case var _ when !Shows(change.Ticket!):
                return null;
            case StationEventKind.Added:
                return new StationEvent { TicketAdded = change.Ticket!.ToProto(locationId) };
            case StationEventKind.Removed:
                return new StationEvent { TicketRemoved = change.Ticket!.ToProto(locationId) };
            default:
                return new StationEvent { TicketUpdated = change.Ticket!.ToProto(locationId) };
        }
    }
}
