using Restaurant.Contracts.V1;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// What no worker can report, because none is there to: the only kitchen worker frozen (SIGSTOP), the
/// OrderService raises "no worker alive" and "orders waiting", and both resolve once it thaws and
/// routes what waited.
/// </summary>
public sealed class FrozenWorkerIncidentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AFrozenWorkerIsAnIncidentOfNoWorkerAndOfOrdersWaitingAndBothResolveWhenItThaws()
    {
        await using var deployment = await Deployment.StartAsync();
        await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string>
        {
            ["Restaurant__Incidents__WorkerCheckInterval"] = "00:00:00.300",
            ["Restaurant__Incidents__WorkerGone"] = "00:00:02",
            ["Restaurant__Incidents__QueueLag"] = "00:00:01",
        });
        var worker = deployment.StartWorker("worker-a");
        var reports = new Reports.ReportsClient(deployment.Invoker);
        async Task<IReadOnlyList<Incident>> IncidentsAsync() => (await reports.ListIncidentsAsync(new ListIncidentsRequest { LocationId = "demo" })).Incidents;
        Task<Incident> IncidentAsync(Func<Incident, bool> wanted, string what) =>
            Eventually.WaitForAsync(async () => (await IncidentsAsync()).FirstOrDefault(wanted), i => i is not null, Patience, what)!;

        var first = Order("demo", Line("house-lager"));
        await deployment.Orders.PlaceOrderAsync(first);
        await Eventually.WaitForAsync(
            async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = first.OrderId })).Order.Status == OrderStatus.InKitchen,
            Patience, "the worker to route the first order");

        worker.Signal("STOP");
        try
        {
            var waiting = Order("demo", Line("house-lager"));
            await deployment.Orders.PlaceOrderAsync(waiting);
            var noWorker = await IncidentAsync(i => i.Kind == IncidentKind.NoWorker, "no worker alive");
            Assert.Equal(IncidentSeverity.Critical, noWorker.Severity);
            Assert.Contains("Start a KitchenWorker", noWorker.Message);
            var lag = await IncidentAsync(i => i.Kind == IncidentKind.QueueLag, "orders waiting");
            Assert.Contains("the oldest has waited", lag.Message);

            worker.Signal("CONT");
            await IncidentAsync(i => i.IncidentId == noWorker.IncidentId && i.ResolvedAt is not null, "no worker resolved");
            await IncidentAsync(i => i.IncidentId == lag.IncidentId && i.ResolvedAt is not null, "orders waiting resolved");
            // The lag resolves once the worker has taken the order off the queue; routing it follows.
            await Eventually.WaitForAsync(
                async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = waiting.OrderId })).Order.Status == OrderStatus.InKitchen,
                Patience, "the waiting order routed once the worker thawed");

            // Raised once each for their cause.
            Assert.Single(await IncidentsAsync(), i => i.Kind == IncidentKind.NoWorker);
        }
        finally
        {
            worker.Signal("CONT");
        }
    }
}
