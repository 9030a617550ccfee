namespace Restaurant.Core.Redis;

/// <summary>How the service talks to Redis, beyond the connection string.</summary>
public sealed class RedisOptions
{
    public const string Section = "Restaurant:Redis";

    /// <summary>
    /// Ring the locations' bells with sharded pub/sub (SPUBLISH and SSUBSCRIBE, Redis 7.0 and later):
    /// in a cluster a message then stays on the shard that holds its location instead of going to
    /// every node. Set false for an older Redis. Every process of a deployment must agree.
    /// </summary>
    public bool ShardedPubSub { get; set; } = true;

    /// <summary>
    /// Replicas that must hold a new order before PlaceOrder answers (Redis WAIT); 0 answers as soon as
    /// the master has it. Redis replicates asynchronously: when a master dies, what it had not yet sent
    /// to its replica is lost. With 1 here, an acknowledged order is on two machines; a POS whose call
    /// times out (UNAVAILABLE) sends the same order again, which is safe.
    /// </summary>
    public int WaitReplicas { get; set; }

    /// <summary>How long PlaceOrder waits for the replicas before it answers UNAVAILABLE.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>PEM file of the CA that signed Redis's TLS certificate, when it is a private one.</summary>
    public string? TrustIssuer { get; set; }
}
