namespace Restaurant.KitchenWorker.Webhooks;

/// <summary>Who hears the orders' status changes: each subscriber by name.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Restaurant:Webhooks";

    public Dictionary<string, WebhookSubscriber> Subscribers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The first retry of a failed delivery waits this long; each next one twice as long.</summary>
    public TimeSpan RetryFirst { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A retry never waits longer than this; the order events are kept 24 h, so it retries for hours.</summary>
    public TimeSpan RetryMost { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An event another worker took and has not finished for this long (it died) is taken over.</summary>
    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a subscriber may take to answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>One subscriber: where it listens, the secret it checks the signature with, what it hears.</summary>
public sealed class WebhookSubscriber
{
    public string Url { get; set; } = "";

    /// <summary>Each delivery carries the HMAC-SHA256 of its body with this secret (X-Restaurant-Signature: sha256=…).</summary>
    public string Secret { get; set; } = "";

    /// <summary>The statuses it hears (ACCEPTED, IN_KITCHEN, READY, COMPLETED, CANCELLED); empty: all.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>The locations it hears; empty: all.</summary>
    public List<string> Locations { get; set; } = [];
}
