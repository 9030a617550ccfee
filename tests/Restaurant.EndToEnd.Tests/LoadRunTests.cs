using Restaurant.Testing;
using Xunit.Abstractions;

namespace Restaurant.EndToEnd.Tests;

/// <summary>A small run of the load generator: not about speed, about the end state it checks.</summary>
public class LoadRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AFewHundredOrdersOfTheLoadGeneratorAllCompleteWithOneTicketPerStation()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync();
        deployment.StartWorker("worker-a");
        deployment.StartWorker("worker-b");
        using var loadgen = ServiceProcess.StartClient(
            "loadgen", ["loadgen", "--rate", "75", "--duration", "4", "--server", $"http://127.0.0.1:{deployment.Port}", "--token", TestDevices.Manager]);

        var exit = await loadgen.ExitCodeAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(loadgen.Log);
        Assert.Equal(0, exit);
        Assert.Contains("acknowledged 300, completed 300", loadgen.Log);
        Assert.Contains("invariants: ok", loadgen.Log);
    }
}
