using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Restaurant.OrderService.Auth;

/// <summary>Finds the device a bearer token belongs to; follows changes to the provisioned devices.</summary>
public sealed class DeviceDirectory
{
    private volatile Dictionary<string, DeviceDefinition> _byHash;
    private volatile Dictionary<string, DeviceDefinition> _byCertificate;

    public DeviceDirectory(IOptionsMonitor<DeviceOptions> options)
    {
        (_byHash, _byCertificate) = (Index(options.CurrentValue), IndexCertificates(options.CurrentValue));
        options.OnChange(changed => (_byHash, _byCertificate) = (Index(changed), IndexCertificates(changed)));
    }

    public int Count => _byHash.Count;

    public DeviceDefinition? Find(string token) =>
        token.Length == 0 ? null : _byHash.GetValueOrDefault(Hash(token));

    /// <summary>The device whose TLS client certificate has this SHA-256, if it is provisioned.</summary>
    public DeviceDefinition? FindByCertificate(string sha256) =>
        sha256.Length == 0 ? null : _byCertificate.GetValueOrDefault(sha256.ToLowerInvariant());

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static Dictionary<string, DeviceDefinition> Index(DeviceOptions options) =>
        options.Devices
            .Where(d => !d.Revoked && d.TokenSha256.Length > 0)
            .GroupBy(d => d.TokenSha256.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private static Dictionary<string, DeviceDefinition> IndexCertificates(DeviceOptions options) =>
        options.Devices
            .Where(d => !d.Revoked && d.CertificateSha256.Length > 0)
            .GroupBy(d => d.CertificateSha256.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
}
