namespace Restaurant.OrderService.Auth;

/// <summary>A provisioned device: a POS terminal, a kitchen screen or a manager's device.</summary>
public sealed class DeviceDefinition
{
    public string Id { get; set; } = "";

    /// <summary>pos, kitchen or manager.</summary>
    public string Role { get; set; } = "";

    /// <summary>The location it belongs to; "*" for a chain-wide device (a chain's manager).</summary>
    public string Location { get; set; } = "";

    /// <summary>The SHA-256 (hex) of its bearer token; the token itself is never stored.</summary>
    public string TokenSha256 { get; set; } = "";

    /// <summary>
    /// Where TLS client certificates are configured: the SHA-256 (hex) of the device's certificate, so
    /// a device may present its certificate instead of a token.
    /// </summary>
    public string CertificateSha256 { get; set; } = "";

    /// <summary>For a kitchen screen: the stations it may watch and bump.</summary>
    public List<string> Stations { get; set; } = [];

    /// <summary>A revoked device is refused as if unknown.</summary>
    public bool Revoked { get; set; }

    /// <summary>This device's own limits (0: the location-wide defaults of <see cref="LimitOptions"/>).</summary>
    public int RequestsPerSecond { get; set; }

    public int Burst { get; set; }

    public int MaxStreams { get; set; }
}

/// <summary>The provisioned devices, from configuration (appsettings, environment, or the devices file, reloaded on change).</summary>
public sealed class DeviceOptions
{
    public const string Section = "Restaurant";

    public List<DeviceDefinition> Devices { get; set; } = [];
}

/// <summary>Per-device limits, so one misbehaving terminal cannot slow the kitchen.</summary>
public sealed class LimitOptions
{
    public const string Section = "Restaurant:Limits";

    /// <summary>Calls per second a device may make on average.</summary>
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>Calls a device may make in a burst.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>Streams (WatchStation, WatchOrders, WatchMenu) a device may hold open at once.</summary>
    public int MaxStreamsPerDevice { get; set; } = 8;
}
