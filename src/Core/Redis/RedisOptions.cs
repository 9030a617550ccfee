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

    /// <summary>PEM file of the CA that signed Redis's TLS certificate, when it is a private one.</summary>
    public string? TrustIssuer { get; set; }
}
