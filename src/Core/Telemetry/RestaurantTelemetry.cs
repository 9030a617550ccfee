using System.Diagnostics;
using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Restaurant.Core.Telemetry;

/// <summary>
/// The numbers an operator watches, as OpenTelemetry instruments of the "Restaurant" meter, and the
/// activity source whose traces follow an order from PlaceOrder through the worker to the screen.
/// </summary>
public sealed class RestaurantTelemetry
{
    public const string Name = "Restaurant";

    public static readonly ActivitySource Source = new(Name);

    // From a millisecond (a ticket on a screen at once) to ten seconds (a kitchen in trouble).
    private static readonly double[] LatencyBuckets = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _placed;
    private readonly Counter<long> _routed;
    private readonly Counter<long> _bumped;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _roundTrips;
    private readonly Histogram<double> _placeToScreen;

    public RestaurantTelemetry(IMeterFactory meters, IConnectionMultiplexer redis)
    {
        _meter = meters.Create(Name);
        _meter.CreateObservableCounter("restaurant.redis.operations", () => redis.OperationCount, "{operation}", "Redis commands this process has sent (a script call is one)");
        _batches = _meter.CreateCounter<long>("restaurant.worker.batches", "{batch}", "Batches of queued orders a kitchen worker has routed: each is read in one round trip to Redis and routed in two more");
        _roundTrips = _meter.CreateCounter<long>(
            "restaurant.redis.round_trips", "{round trip}", "Round trips to Redis waited for on an order's path: PlaceOrder's (path=place), the kitchen worker's loop (path=route; requests sent together count one)");
        _placed = _meter.CreateCounter<long>("restaurant.orders.placed", "{order}", "Orders stored and queued (an order sent again is counted once)");
        _routed = _meter.CreateCounter<long>("restaurant.tickets.routed", "{ticket}", "Station tickets written by the kitchen workers, expo's included");
        _bumped = _meter.CreateCounter<long>("restaurant.tickets.bumped", "{ticket}", "Tickets bumped (a repeated bump is not counted)");
        _deadLetters = _meter.CreateCounter<long>("restaurant.queue.dead_letters", "{order}", "Queue messages moved to the dead letters");
        _placeToScreen = _meter.CreateHistogram(
            "restaurant.ticket.place_to_screen",
            "s",
            "From the order being placed to its ticket being written to a station's screen",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    public void OrderPlaced(string location) => _placed.Add(1, new KeyValuePair<string, object?>("location", location));

    public void TicketsRouted(string location, int tickets) => _routed.Add(tickets, new KeyValuePair<string, object?>("location", location));

    public void TicketBumped(string location, string station) =>
        _bumped.Add(1, new KeyValuePair<string, object?>("location", location), new KeyValuePair<string, object?>("station", station));

    public void RoundTrips(string path, int count) => _roundTrips.Add(count, new KeyValuePair<string, object?>("path", path));

    public void BatchRouted(string location) => _batches.Add(1, new KeyValuePair<string, object?>("location", location));

    public void DeadLettered(string location) => _deadLetters.Add(1, new KeyValuePair<string, object?>("location", location));

    public void TicketShown(string station, TimeSpan sincePlaced) =>
        _placeToScreen.Record(Math.Max(sincePlaced.TotalSeconds, 0), new KeyValuePair<string, object?>("station", station));

    /// <summary>How many locations this worker serves now.</summary>
    public void ObserveLocations(Func<int> count) =>
        _meter.CreateObservableGauge("restaurant.worker.locations", count, "{location}", "Locations this kitchen worker serves now (holds the lease of)");

    /// <summary>Reports each location's queue as it was last read: orders not yet read by a worker, and read but not routed.</summary>
    public void ObserveQueues(Func<IEnumerable<(string Location, long Lag, long Pending)>> queues)
    {
        _meter.CreateObservableGauge(
            "restaurant.queue.lag",
            () => queues().Select(q => new Measurement<long>(q.Lag, new KeyValuePair<string, object?>("location", q.Location))),
            "{order}",
            "Orders queued that no kitchen worker has read yet");
        _meter.CreateObservableGauge(
            "restaurant.queue.pending",
            () => queues().Select(q => new Measurement<long>(q.Pending, new KeyValuePair<string, object?>("location", q.Location))),
            "{order}",
            "Orders a kitchen worker has read and not yet routed");
    }
}
