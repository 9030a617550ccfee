using System.Collections.Concurrent;
using System.Diagnostics;
using Restaurant.Contracts.V1;
using Restaurant.Core.Telemetry;
using Restaurant.Testing;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class TelemetryTests
{
    [Fact]
    public async Task AnOrdersTraceRunsFromPlaceOrderThroughTheWorkerToEachScreen()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var finished = new ConcurrentQueue<Activity>();
        var outcomeWhenRouteEnded = new ConcurrentQueue<object?>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RestaurantTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "RouteOrder" && activity.GetTagItem("restaurant.order") is string order && order.Length > 0
                    && Equals(activity.GetTagItem("restaurant.location"), location))
                {
                    // The route span must end once the route script has answered, not when it was sent:
                    // it knows the outcome as it stops.
                    outcomeWhenRouteEnded.Enqueue(activity.GetTagItem("restaurant.route"));
                }

                finished.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var grill = StationWatcher.Start(world.Kitchen, location, "grill");
        await grill.ReadSnapshotAsync();
        var request = Order(location, Line("classic-burger"));

        await world.Orders.PlaceOrderAsync(request);
        await grill.NextAsync();

        bool Tagged(Activity a) => Equals(a.GetTagItem("restaurant.order"), request.OrderId)
            || Equals(a.GetTagItem("restaurant.ticket"), $"{request.OrderId}:grill");
        var spans = await Eventually.WaitForAsync(
            () => Task.FromResult(finished.Where(Tagged).ToList()),
            found => found.Any(a => a.OperationName == "ShowTicket") && found.Any(a => a.OperationName == "RouteOrder"),
            TimeSpan.FromSeconds(10),
            "the grill screen's span of the ticket and the worker's route span");
        var place = Assert.Single(spans, a => a.OperationName == "PlaceOrder");
        var show = Assert.Single(spans, a => a.OperationName == "ShowTicket");

        // A message redelivered under load is routed (and skipped) again: each route continues the order's trace.
        var routes = spans.Where(a => a.OperationName == "RouteOrder").ToList();
        Assert.NotEmpty(routes);
        Assert.All(routes, route => Assert.Equal((place.TraceId, place.SpanId), (route.TraceId, route.ParentSpanId)));

        Assert.Contains("Routed", outcomeWhenRouteEnded);
        Assert.Equal(place.TraceId, show.TraceId);
        Assert.Contains(show.ParentSpanId, routes.Select(r => r.SpanId));
        Assert.Equal("grill", show.GetTagItem("restaurant.station"));
    }
}
