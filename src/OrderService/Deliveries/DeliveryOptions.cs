namespace Restaurant.OrderService.Deliveries;

/// <summary>The delivery platforms whose signed orders the service takes, by name ("ubereats").</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Restaurant:Delivery";

    public Dictionary<string, DeliveryPlatformOptions> Platforms { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>How one platform signs its orders.</summary>
public sealed class DeliveryPlatformOptions
{
    /// <summary>The secret the platform signs with: the HMAC-SHA256 of the raw body, hex, in <see cref="SignatureHeader"/>.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The header the signature comes in; "sha256=" before the hex is allowed.</summary>
    public string SignatureHeader { get; set; } = "X-Signature";
}
