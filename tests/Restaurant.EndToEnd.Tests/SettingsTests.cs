using Restaurant.Testing;

namespace Restaurant.EndToEnd.Tests;

/// <summary>A setting out of range stops a service as it starts, naming the setting, rather than surfacing mid-service.</summary>
public sealed class SettingsTests
{
    private static async Task StopsNamingAsync(ServiceProcess process, string named)
    {
        using (process)
        {
            await Eventually.WaitForAsync(() => Task.FromResult(process.HasExited), TimeSpan.FromSeconds(30), $"{process.Name} to stop at start");
            await Eventually.WaitForAsync(() => Task.FromResult(process.Log.Contains(named, StringComparison.Ordinal)), TimeSpan.FromSeconds(5), $"{process.Name}'s output naming {named}:\n{process.Tail()}");
        }
    }

    [Fact]
    public async Task EachServiceRefusesToStartWithASettingOutOfRangeAndSaysWhich()
    {
        var unused = $"127.0.0.1:{RedisServer.FreePort()}";
        await Task.WhenAll(
            StopsNamingAsync(
                ServiceProcess.StartOrderService(unused, RedisServer.FreePort(), ServiceProcess.RepoFile("data", "locations"), new Dictionary<string, string> { ["Restaurant__Streams__BatchSize"] = "0" }),
                "Restaurant:Streams"),
            StopsNamingAsync(
                ServiceProcess.StartWorker(unused, "worker-a", RedisServer.FreePort(), new Dictionary<string, string> { ["Restaurant__Store__StreamRetention"] = "-01:00:00" }),
                "Restaurant:Store"),
            StopsNamingAsync(
                ServiceProcess.StartWeb("not an address", RedisServer.FreePort()),
                "Restaurant:Web:Server"));
    }
}
