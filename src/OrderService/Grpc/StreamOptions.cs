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

    /// <summary>At most this many events are read from Redis at a time.</summary>
    public int BatchSize { get; set; } = 256;
}
