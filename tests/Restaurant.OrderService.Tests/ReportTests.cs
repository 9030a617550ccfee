using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restaurant.Contracts.V1;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class ReportTests
{
    [Fact]
    public async Task TheSpeedOfServiceReportCountsEachTicketOnceAndEachOrderToReadyAndCompleted()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var reports = new Reports.ReportsClient(world.Invoker);
        for (var i = 0; i < 3; i++)
        {
            var order = Order(location, Line("classic-burger"), Line("margarita"));
            await world.PlaceInKitchenAsync(order);
            await world.BumpAsync(location, "grill", order.OrderId);
            if (i == 0)
            {
                // Recalled and bumped again: still one ticket in the report.
                await world.Kitchen.RecallTicketAsync(new RecallTicketRequest { LocationId = location, StationId = "grill", TicketId = $"{order.OrderId}:grill" });
                await world.BumpAsync(location, "grill", order.OrderId);
            }

            await world.BumpAsync(location, "bar", order.OrderId);
            if (i < 2)
            {
                await world.BumpAsync(location, "expo", order.OrderId);
            }
        }

        var report = await reports.GetSpeedOfServiceAsync(new GetSpeedOfServiceRequest { LocationId = location });

        Assert.Equal([("grill", 3), ("bar", 3)], report.Stations.Select(s => (s.StationId, s.Tickets.Count)));
        Assert.All(report.StationHours, h => Assert.NotNull(h.Hour));
        Assert.Equal(6, report.StationHours.Sum(h => h.Tickets.Count));
        Assert.All(report.Stations, s => Assert.True(s.Tickets.P90Seconds >= 0 && s.Tickets.Late == 0));
        Assert.Equal(3, report.PlacedToReady.Count);
        Assert.Equal(2, report.PlacedToCompleted.Count);

        var empty = await reports.GetSpeedOfServiceAsync(new GetSpeedOfServiceRequest
        {
            LocationId = location, From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-3)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-2)),
        });
        Assert.Empty(empty.Stations);
    }

    [Fact]
    public async Task ARangeBackwardsOrTooLongIsInvalidArgument()
    {
        var world = await TestWorld.GetAsync();
        var reports = new Reports.ReportsClient(world.Invoker);
        var now = DateTimeOffset.UtcNow;

        var backwards = await TestWorld.FailsAsync(() => reports.GetSpeedOfServiceAsync(new GetSpeedOfServiceRequest
        {
            LocationId = "demo", From = Timestamp.FromDateTimeOffset(now), To = Timestamp.FromDateTimeOffset(now.AddHours(-1)),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, backwards.StatusCode);
        Assert.Contains("from", backwards.Status.Detail);

        var tooLong = await TestWorld.FailsAsync(() => reports.GetSpeedOfServiceAsync(new GetSpeedOfServiceRequest
        {
            LocationId = "demo", From = Timestamp.FromDateTimeOffset(now.AddDays(-40)), To = Timestamp.FromDateTimeOffset(now),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
    }
}
