using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

public class SlowScreenTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AScreenThatStopsReadingLosesItsStreamAndSlowsNobodyElse()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string> { ["Restaurant__Streams__WriteTimeout"] = "00:00:02" });
        deployment.StartWorker("worker-a");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{deployment.Port}");
        var sameDevice = new Kitchen.KitchenClient(channel.CreateCallInvoker().As(TestDevices.OneStream));

        // A real kitchen screen (restaurant kds), as a device allowed one stream, frozen once it is watching.
        using var screen = ServiceProcess.StartClient("kds", ["kds", "--station", "pizza", "--plain", "--server", $"http://127.0.0.1:{deployment.Port}", "--token", TestDevices.OneStream]);
        try
        {
            await Eventually.WaitForAsync(() => StreamRefusedAsync(sameDevice), refused => refused, TimeSpan.FromSeconds(30), "the screen's stream to be open");
            screen.Signal("STOP");

            await using var healthy = StationWatcher.Start(deployment.Kitchen, "demo", "pizza");
            await healthy.ReadSnapshotAsync();
            var note = new string('x', 200);
            var orders = Enumerable.Range(0, 400)
                .Select(_ => Order("demo", Enumerable.Range(0, 60).Select(i => Line("margherita", 1 + i % 9, note, "extra cheese")).ToArray()))
                .ToList();
            foreach (var order in orders)
            {
                await deployment.Orders.PlaceOrderAsync(order);
            }

            for (var i = 0; i < orders.Count; i++)
            {
                Assert.Equal(orders[i].OrderId, (await healthy.NextAsync(TimeSpan.FromSeconds(30))).TicketAdded.OrderId);
            }

            // Frozen, its buffers full for longer than the write timeout: its stream is reset and forgotten,
            // so the device may open a stream again.
            await Eventually.WaitForAsync(
                async () => !await StreamRefusedAsync(sameDevice), free => free, TimeSpan.FromSeconds(30), "the frozen screen's stream to be ended");
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
        finally
        {
            screen.Signal("CONT");
        }
    }

    /// <summary>True when the device's WatchStation is refused for having too many streams open.</summary>
    private static async Task<bool> StreamRefusedAsync(Kitchen.KitchenClient client)
    {
        await using var probe = StationWatcher.Start(client, "demo", "bar");
        try
        {
            await probe.ReadSnapshotAsync();
            return false;
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            return (await probe.FailureAsync()).StatusCode == StatusCode.ResourceExhausted;
        }
    }
}
