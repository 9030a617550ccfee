namespace Restaurant.KitchenWorker;

public sealed class KitchenWorkerOptions
{
    public const string Section = "Restaurant:Worker";

    /// <summary>This worker's name in the consumer group; unique per process when empty.</summary>
    public string? ConsumerName { get; set; }

    /// <summary>How many orders one read takes.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>How long a message may stay pending with a worker before another one claims it.</summary>
    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the worker looks for stale pending messages, measures the queues and trims them.</summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Acknowledged queue entries are kept this long, then trimmed. An entry not yet acknowledged is
    /// never trimmed.
    /// </summary>
    public TimeSpan QueueRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A message delivered this many times without success goes to the dead letters.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How long the worker waits for the doorbell before it reads anyway.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the worker rereads the list of locations, says it is alive and renews its leases.</summary>
    public TimeSpan LocationRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Workers divide the locations among themselves (rendezvous hashing over the live workers, a lease
    /// per location). False: every worker serves every location (the consumer group still gives each
    /// order to one of them).
    /// </summary>
    public bool ShareLocations { get; set; } = true;

    /// <summary>A location's lease lasts this long unless renewed: how long a dead worker's locations wait.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A worker not seen for this long is taken for gone, and its share goes to the others.</summary>
    public TimeSpan WorkerTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How often the worker looks for orders placed for later that are due, and orders not accepted in time.</summary>
    public TimeSpan OrderClockInterval { get; set; } = TimeSpan.FromSeconds(1);
}
