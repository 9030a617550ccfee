namespace Restaurant.OrderService.Grpc;

/// <summary>Pacing of the server streams (WatchStation, WatchOrders).</summary>
public sealed class StreamOptions
{
    public const string Section = "Restaurant:Streams";

    /// <summary>How often an idle stream sends a heartbeat, so a screen can tell it is live.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a stream waits for the doorbell before it reads anyway; only matters when a pub/sub
    /// message was lost (for example while the connection to Redis was down).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A screen that has not taken a message for this long, with its stream's buffer full, has
    /// stopped reading: its stream ends (RESOURCE_EXHAUSTED) and nobody else waits for it.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The least time between two reads of a POS terminal's order watch (WatchOrders): under load one
    /// read carries every change since the last (each still sent, in order, with its own status, and
    /// an order that changed several times read once), so a busy location costs each terminal at most
    /// one read per gap, not one per change. A change after a quiet spell is read at once.
    /// </summary>
    public TimeSpan OrderWatchGap { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>At most this many events are read from Redis at a time.</summary>
    public int BatchSize { get; set; } = 256;
}
