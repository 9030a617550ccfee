using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Restaurant.OrderService.Auth;

/// <summary>Finds the device a bearer token belongs to; follows changes to the provisioned devices.</summary>
public sealed class DeviceDirectory
{
    private volatile Dictionary<string, DeviceDefinition> _byHash;

    public DeviceDirectory(IOptionsMonitor<DeviceOptions> options)
    {
        _byHash = Index(options.CurrentValue);
        options.OnChange(changed => _byHash = Index(changed));
    }

    public int Count => _byHash.Count;

    public DeviceDefinition? Find(string token) =>
        token.Length == 0 ? null : _byHash.GetValueOrDefault(Hash(token));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static Dictionary<string, DeviceDefinition> Index(DeviceOptions options) =>
        options.Devices
            .Where(d => !d.Revoked && d.TokenSha256.Length > 0)
            .GroupBy(d => d.TokenSha256.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
}
