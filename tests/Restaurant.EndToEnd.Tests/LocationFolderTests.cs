using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>A chain's folder of location files, watched: stores open, change and close at run time.</summary>
public class LocationFolderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AStoreOpensWhenItsFileArrivesClosesWhenItGoesAndABadFileStopsNothing()
    {
        var data = Directory.CreateTempSubdirectory("restaurant-folder-").FullName;
        File.Copy(ServiceProcess.RepoFile("data", "locations", "demo.json"), Path.Combine(data, "demo.json"));
        var spare = Directory.CreateTempSubdirectory("restaurant-spare-").FullName;
        await using var deployment = await Deployment.StartAsync();
        try
        {
            await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string>
            {
                ["Restaurant__Locations__DataPath"] = data,
                ["Restaurant__Locations__RescanInterval"] = "00:00:00.200",
            });
            deployment.StartWorker("worker");
            using (var chain = ServiceProcess.StartClient("chain", ["chain", "--count", "1", "--out", spare, "--from", Path.Combine(data, "demo.json")]))
            {
                Assert.Equal(0, await chain.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            }

            // A bad file beside the good ones is refused on its own.
            await File.WriteAllTextAsync(Path.Combine(data, "broken.json"), "{ \"id\": \"broken\", ");
            File.Copy(Path.Combine(spare, "store-001.json"), Path.Combine(data, "store-001.json"));
            var menu = await Eventually.WaitForAsync(() => MenuOrNullAsync(deployment, "store-001"), m => m is not null, TimeSpan.FromSeconds(30), "store-001 to open");
            Assert.Equal("Demo Bistro #1", menu!.LocationName);
            var first = Order("store-001", Line("classic-burger"));
            await deployment.Orders.PlaceOrderAsync(first);
            await WaitForStatusAsync(deployment, first, OrderStatus.InKitchen);

            File.Delete(Path.Combine(data, "store-001.json"));
            var refused = await Eventually.WaitForAsync(
                async () =>
                {
                    try
                    {
                        await deployment.Orders.PlaceOrderAsync(Order("store-001", Line("classic-burger")));
                        return null;
                    }
                    catch (RpcException ex)
                    {
                        return ex;
                    }
                },
                ex => ex is not null,
                TimeSpan.FromSeconds(30),
                "store-001 to close");
            Assert.Equal(StatusCode.FailedPrecondition, refused!.StatusCode);
            Assert.Contains("store-001", refused.Status.Detail);
            Assert.Contains("closed", refused.Status.Detail);

            // Closed to new orders, its kitchen still finishes what it has.
            var bumped = await deployment.Kitchen.BumpTicketAsync(new BumpTicketRequest { LocationId = "store-001", StationId = "grill", TicketId = $"{first.OrderId}:grill" });
            Assert.Equal(OrderStatus.Ready, bumped.OrderStatus);
            Assert.NotNull(await MenuOrNullAsync(deployment, "demo"));

            File.Copy(Path.Combine(spare, "store-001.json"), Path.Combine(data, "store-001.json"));
            var again = Order("store-001", Line("house-lager"));
            await Eventually.WaitForAsync(
                async () =>
                {
                    try
                    {
                        await deployment.Orders.PlaceOrderAsync(again);
                        return true;
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                "store-001 to open again");
            await WaitForStatusAsync(deployment, again, OrderStatus.InKitchen);
            Assert.Contains("broken.json", deployment.OrderService!.Log);
        }
        catch
        {
            output.WriteLine(deployment.Logs);
            throw;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(spare, recursive: true);
        }
    }

    private static async Task<GetMenuResponse?> MenuOrNullAsync(Deployment deployment, string location)
    {
        try
        {
            return await deployment.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private static Task WaitForStatusAsync(Deployment deployment, PlaceOrderRequest order, OrderStatus status) =>
        Eventually.WaitForAsync(
            async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = order.LocationId, OrderId = order.OrderId })).Order.Status == status,
            TimeSpan.FromSeconds(30),
            $"order {order.OrderId} to be {status}");
}
