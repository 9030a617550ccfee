namespace Restaurant.Web;

/// <summary>How the web host reaches the service and keeps its paired screens.</summary>
public sealed class WebOptions
{
    public const string Section = "Restaurant:Web";

    /// <summary>The OrderService address a POS would use ($RESTAURANT_SERVER when unset).</summary>
    public string Server { get; set; } = Environment.GetEnvironmentVariable("RESTAURANT_SERVER") ?? "http://127.0.0.1:5080";

    /// <summary>Where the Data Protection keys that sign the pairing cookies are kept (a folder); none: in memory.</summary>
    public string? KeysPath { get; set; }

    /// <summary>
    /// A page shows STALE, and a banner across the screen, when no event or heartbeat came for this
    /// long: two of the service's heartbeat intervals (5 s by default).
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The guest boards: per location, the token of a device with the board role at expo.</summary>
    public Dictionary<string, string> Boards { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a completed order stays in the board's Ready column.</summary>
    public TimeSpan BoardLinger { get; set; } = TimeSpan.FromMinutes(3);
}
