namespace Restaurant.KitchenWorker.Incidents;

/// <summary>When the incident watch looks, and the thresholds past which something is an incident.</summary>
public sealed class IncidentOptions
{
    public const string Section = "Restaurant:Incidents";

    /// <summary>How often each held location is looked at.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A screen not seen for this long is gone (an incident), and a station with no other screen is unwatched.</summary>
    public TimeSpan ScreenGone { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A screen not seen for this long is forgotten (taken down on purpose): its incident resolves.</summary>
    public TimeSpan ScreenForget { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A delivery order this close to its accept deadline is an incident.</summary>
    public TimeSpan AcceptWarning { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A counted item with this many or fewer left is nearly out.</summary>
    public int LowCount { get; set; } = 3;

    /// <summary>How long a worker's claim on a backup print lasts: a worker that dies while printing lets go after this.</summary>
    public TimeSpan PrintClaim { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a kitchen printer has to connect, answer its status and take a ticket.</summary>
    public TimeSpan PrinterTimeout { get; set; } = TimeSpan.FromSeconds(4);
}
