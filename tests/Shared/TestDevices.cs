using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Restaurant.Testing;

/// <summary>The devices the tests provision: a chain-wide manager, and a POS, kitchen screens and a guest board of location "demo".</summary>
public static class TestDevices
{
    public const string Manager = "test-manager-token";
    public const string DemoPos = "test-demo-pos-token";
    public const string DemoGrill = "test-demo-grill-token";
    public const string DemoExpo = "test-demo-expo-token";
    public const string DemoBoard = "test-demo-board-token";
    public const string Throttled = "test-throttled-token";
    public const string OneStream = "test-one-stream-token";

    private static readonly (string Id, string Role, string Location, string Token, string[] Stations, int Limit)[] Devices =
    [
        ("manager", "manager", "*", Manager, [], 1_000_000),
        ("demo-pos", "pos", "demo", DemoPos, [], 0),
        ("demo-grill", "kitchen", "demo", DemoGrill, ["grill"], 0),
        ("demo-expo", "kitchen", "demo", DemoExpo, ["expo"], 0),
        ("demo-board", "board", "demo", DemoBoard, ["expo"], 0),
        ("throttled", "manager", "*", Throttled, [], 2),
        ("one-stream", "manager", "*", OneStream, [], -1),
    ];

    /// <summary>Configuration keys provisioning the devices; <paramref name="separator"/> is ":" for settings, "__" for the environment.</summary>
    public static Dictionary<string, string?> Settings(string separator = ":")
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < Devices.Length; i++)
        {
            var (id, role, location, token, stations, limit) = Devices[i];
            var prefix = $"Restaurant{separator}Devices{separator}{i}{separator}";
            settings[prefix + "Id"] = id;
            settings[prefix + "Role"] = role;
            settings[prefix + "Location"] = location;
            settings[prefix + "TokenSha256"] = Hash(token);
            if (limit > 0)
            {
                settings[prefix + "RequestsPerSecond"] = limit.ToString();
                settings[prefix + "Burst"] = limit.ToString();
                settings[prefix + "MaxStreams"] = "10000";
            }
            else if (limit < 0)
            {
                settings[prefix + "MaxStreams"] = (-limit).ToString();
            }

            for (var s = 0; s < stations.Length; s++)
            {
                settings[$"{prefix}Stations{separator}{s}"] = stations[s];
            }
        }

        return settings;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A call invoker that sends the device's token with every call.</summary>
    public static CallInvoker As(this CallInvoker invoker, string token) =>
        invoker.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return metadata;
        });
}
