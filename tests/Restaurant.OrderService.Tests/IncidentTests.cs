using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain.Locations;
using Restaurant.Testing;
using static Restaurant.OrderService.Tests.DeliveryTests;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

/// <summary>
/// Incidents, each caused for real against the service and its worker: raised once per cause, told to a
/// watching manager as they open, acknowledged, and resolved by themselves when the cause clears.
/// </summary>
public class IncidentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static async Task<IReadOnlyList<Incident>> ListAsync(TestWorld world, string location) =>
        (await world.Reports.ListIncidentsAsync(new ListIncidentsRequest { LocationId = location })).Incidents;

    private static Task<Incident> WaitForAsync(TestWorld world, string location, Func<Incident, bool> wanted, string what) =>
        Eventually.WaitForAsync(async () => (await ListAsync(world, location)).FirstOrDefault(wanted), i => i is not null, Patience, what)!;

    /// <summary>The next event of a watch that is not a heartbeat.</summary>
    private static async Task<IncidentEvent> NextAsync(IAsyncStreamReader<IncidentEvent> stream)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (await stream.MoveNext(deadline.Token))
        {
            if (stream.Current.EventCase != IncidentEvent.EventOneofCase.Heartbeat)
            {
                return stream.Current;
            }
        }

        throw new InvalidOperationException("the incident watch ended");
    }

    [Fact]
    public async Task An86IsAnIncidentAWatchingManagerHearsAcknowledgesAndSeesResolveWhenTheItemIsBack()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        using var watch = world.Reports.WatchIncidents(new WatchIncidentsRequest { LocationId = location });
        var snapshot = await NextAsync(watch.ResponseStream);
        Assert.Equal((IncidentEvent.EventOneofCase.SnapshotComplete, 0), (snapshot.EventCase, snapshot.SnapshotComplete.OpenCount));

        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = false });
        var opened = await NextAsync(watch.ResponseStream);
        Assert.Equal(IncidentEvent.EventOneofCase.IncidentOpened, opened.EventCase);
        var incident = opened.IncidentOpened;
        Assert.Equal((IncidentKind.Item86, IncidentSeverity.Info), (incident.Kind, incident.Severity));
        Assert.Equal("Ribeye Steak 12oz is 86'd.", incident.Message);

        var acknowledged = (await world.Reports.AcknowledgeIncidentAsync(new AcknowledgeIncidentRequest { LocationId = location, IncidentId = incident.IncidentId })).Incident;
        Assert.Equal("manager", acknowledged.AcknowledgedBy);
        var again = (await world.Reports.AcknowledgeIncidentAsync(new AcknowledgeIncidentRequest { LocationId = location, IncidentId = incident.IncidentId })).Incident;
        Assert.Equal(acknowledged.AcknowledgedAt, again.AcknowledgedAt);
        var updated = await NextAsync(watch.ResponseStream);
        Assert.Equal((IncidentEvent.EventOneofCase.IncidentUpdated, "manager"), (updated.EventCase, updated.IncidentUpdated.AcknowledgedBy));

        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = true });
        var resolved = await NextAsync(watch.ResponseStream);
        Assert.Equal((IncidentEvent.EventOneofCase.IncidentResolved, incident.IncidentId), (resolved.EventCase, resolved.IncidentResolved.IncidentId));
        Assert.NotNull(resolved.IncidentResolved.ResolvedAt);

        // Raised once for its cause: one incident in the list, resolved, and one in the day's summary.
        var list = await world.Reports.ListIncidentsAsync(new ListIncidentsRequest { LocationId = location });
        var listed = Assert.Single(list.Incidents);
        Assert.Equal((incident.IncidentId, "manager"), (listed.IncidentId, listed.AcknowledgedBy));
        Assert.NotNull(listed.ResolvedAt);
        var day = Assert.Single(list.Summary);
        Assert.Equal((IncidentKind.Item86, 1, 1), (day.Kind, day.Count, day.Acknowledged));

        // A manager's screen that reconnects with the token after the opening hears exactly what followed.
        Assert.NotEmpty(opened.ResumeToken);
        using var resumed = world.Reports.WatchIncidents(new WatchIncidentsRequest { LocationId = location, ResumeToken = opened.ResumeToken });
        Assert.Equal((IncidentEvent.EventOneofCase.IncidentUpdated, updated.ResumeToken), ((await NextAsync(resumed.ResponseStream)).EventCase, resumed.ResponseStream.Current.ResumeToken));
        Assert.Equal((IncidentEvent.EventOneofCase.IncidentResolved, resolved.ResumeToken), ((await NextAsync(resumed.ResponseStream)).EventCase, resumed.ResponseStream.Current.ResumeToken));
        var stale = Assert.Throws<RpcException>(() =>
        {
            using var old = world.Reports.WatchIncidents(new WatchIncidentsRequest { LocationId = location, ResumeToken = "99999999999999-0" });
            old.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult();
        });
        Assert.Equal(StatusCode.OutOfRange, stale.StatusCode);
    }

    [Fact]
    public async Task AScreenThatStaysIsNeverTakenForGoneAndOneThatLeavesIs()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        await world.PlaceInKitchenAsync(Order(location, Line("french-fries")));
        var watching = $"rst:{{{location}}}:watching:fryer";

        using var screen = world.Kitchen.WatchStation(new WatchStationRequest { LocationId = location, StationId = "fryer" });
        Assert.True(await screen.ResponseStream.MoveNext(CancellationToken.None));
        var first = await Eventually.WaitForAsync(
            async () => (await world.Db.HashGetAllAsync(watching)).Select(e => (long)e.Value).DefaultIfEmpty(0).Max(), seen => seen > 0, Patience, "the screen said to be watching");

        // The service keeps saying so while the stream lasts: past the time after which a screen counts as gone (3 s here).
        await Eventually.WaitForAsync(
            async () => (await world.Db.HashGetAllAsync(watching)).Select(e => (long)e.Value).DefaultIfEmpty(0).Max(), seen => seen - first >= 4000, Patience,
            "the screen still said to be watching four seconds on");
        // (The station was unwatched before the screen came, with its ticket open: that one is not this.)
        Assert.DoesNotContain(
            await ListAsync(world, location),
            i => i.StationId == "fryer" && (i.Kind == IncidentKind.ScreenGone
                || (i.Kind == IncidentKind.StationUnwatched && i.OpenedAt.ToDateTimeOffset().ToUnixTimeMilliseconds() >= first)));

        screen.Dispose();
        var gone = await WaitForAsync(world, location, i => i.StationId == "fryer" && i.Kind == IncidentKind.ScreenGone, "the screen that left taken for gone");
        Assert.True(gone.OpenedAt.ToDateTimeOffset().ToUnixTimeMilliseconds() > first + 4000);
    }

    [Fact]
    public async Task ATicketNoScreenShowsIsAnIncidentAndBothItAndTheUnwatchedStationResolveWhenAScreenShowsIt()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync(d => d with { Stations = [.. d.Stations.Select(s => s with { ShowWithinSeconds = 1 })] });
        var order = Order(location, Line("classic-burger"));
        await world.PlaceInKitchenAsync(order);
        var grillTicket = $"{order.OrderId}:grill";

        var notShown = await WaitForAsync(world, location, i => i.Kind == IncidentKind.TicketNotShown && i.TicketId == grillTicket, "the grill ticket on no screen");
        Assert.Equal((IncidentSeverity.Critical, "grill", order.OrderId), (notShown.Severity, notShown.StationId, notShown.OrderId));
        Assert.Contains("Grill", notShown.Message);
        var unwatched = await WaitForAsync(world, location, i => i.Kind == IncidentKind.StationUnwatched && i.StationId == "grill", "the grill unwatched");
        Assert.Contains("1 open ticket", unwatched.Message);

        // A screen comes: it shows the ticket, and both causes clear.
        using var screen = world.Kitchen.WatchStation(new WatchStationRequest { LocationId = location, StationId = "grill" });
        Assert.True(await screen.ResponseStream.MoveNext(CancellationToken.None));
        await WaitForAsync(world, location, i => i.IncidentId == notShown.IncidentId && i.ResolvedAt is not null, "the not-shown incident resolved");
        await WaitForAsync(world, location, i => i.IncidentId == unwatched.IncidentId && i.ResolvedAt is not null, "the unwatched incident resolved");
        Assert.Single(await ListAsync(world, location), i => i.Kind == IncidentKind.TicketNotShown && i.TicketId == grillTicket);
    }

    [Fact]
    public async Task ADeadLetterACountNearlyOutAndADeliveryNearItsDeadlineAreIncidents()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync(d => d with
        {
            Deliveries = d.DeliveryPlatforms.ToDictionary(
                p => p.Key, p => p.Key == "ubereats" ? p.Value with { Accept = DeliveryPlatformDefinition.Manual, AcceptWithinSeconds = 60 } : p.Value),
        });
        await world.Db.StreamAddAsync(RedisKeys.OrderQueue(location), "garbage", "\u0001\u0002");
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "lemonade", Available = true, Remaining = 2 });
        var body = Body($"UE-{Guid.NewGuid():N}", """{"id": "ue-burger"}""", guest: "Jo B.");
        var orderId = (string)(await PostAsync(world, location, body, Sign(body))).Body["order_id"]!;

        var dead = await WaitForAsync(world, location, i => i.Kind == IncidentKind.DeadLetter, "the dead letter");
        Assert.Contains("dead letters", dead.Message);
        var low = await WaitForAsync(world, location, i => i.Kind == IncidentKind.ItemLow, "lemonade nearly out");
        Assert.Equal("Fresh Lemonade: only 2 left.", low.Message);
        var deadline = await WaitForAsync(world, location, i => i.Kind == IncidentKind.AcceptDeadline, "the delivery near its deadline");
        Assert.Equal(orderId, deadline.OrderId);
        Assert.Contains("ubereats · Jo B.", deadline.Message);

        await world.Orders.AcceptOrderAsync(new AcceptOrderRequest { LocationId = location, OrderId = orderId });
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "lemonade", Available = true, Remaining = 20 });
        await WaitForAsync(world, location, i => i.IncidentId == deadline.IncidentId && i.ResolvedAt is not null, "the deadline incident resolved");
        await WaitForAsync(world, location, i => i.IncidentId == low.IncidentId && i.ResolvedAt is not null, "the low count resolved");
        Assert.Single(await ListAsync(world, location), i => i.Kind == IncidentKind.DeadLetter);
    }

    [Fact]
    public async Task AWebhookSubscriberThatKeepsFailingIsAnIncidentUntilADeliveryWorks()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        // The delivery log as the sending worker writes it: three refusals in a row for the pager.
        async Task AttemptAsync(int attempt, string outcome) =>
            await world.Db.StreamAddAsync(RedisKeys.WebhookLog(location), [
                new("subscriber", "pager"), new("event", $"{location}:1-0"), new("order", Guid.NewGuid().ToString()), new("status", "READY"),
                new("attempt", attempt), new("outcome", outcome)]);
        await AttemptAsync(1, "delivered");
        for (var i = 1; i <= 3; i++)
        {
            await AttemptAsync(i, "HTTP 503");
        }

        var failing = await WaitForAsync(world, location, i => i.Kind == IncidentKind.WebhookFailing, "the failing subscriber");
        Assert.StartsWith("Status updates to pager keep failing: 3 attempts in a row since", failing.Message);
        Assert.Contains("(last: HTTP 503)", failing.Message);

        await AttemptAsync(4, "delivered");
        await WaitForAsync(world, location, i => i.IncidentId == failing.IncidentId && i.ResolvedAt is not null, "the subscriber incident resolved");
    }
}
