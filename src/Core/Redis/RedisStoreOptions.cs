namespace Restaurant.Core.Redis;

/// <summary>How long what the store writes is kept.</summary>
public sealed class RedisStoreOptions
{
    public const string Section = "Restaurant:Store";

    /// <summary>
    /// Station and order event streams are trimmed to this age; a screen that reconnects with an older
    /// token is told OUT_OF_RANGE and takes a fresh snapshot.
    /// </summary>
    public TimeSpan StreamRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long speed-of-service samples are kept for reports.</summary>
    public TimeSpan ReportRetention { get; set; } = TimeSpan.FromDays(35);

    /// <summary>How long a completed or cancelled order (and its idempotency record) stays readable.</summary>
    public TimeSpan FinishedOrderRetention { get; set; } = TimeSpan.FromHours(48);
}
