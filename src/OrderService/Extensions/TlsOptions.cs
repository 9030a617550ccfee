namespace Restaurant.OrderService.Extensions;

/// <summary>TLS beyond Kestrel's own endpoint settings.</summary>
public sealed class TlsOptions
{
    public const string Section = "Restaurant:Tls";

    /// <summary>
    /// TLS asks each client for a certificate, so a device may present its certificate (its SHA-256 in
    /// the devices list) instead of a bearer token.
    /// </summary>
    public bool ClientCertificates { get; set; }
}
