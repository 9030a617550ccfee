using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using HdrHistogram;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
namespace Restaurant.Clients.Load;

/// <summary>Shared by the parts of a load run.</summary>
internal static class LoadRun
{
    /// <summary>Microseconds since a <see cref="Stopwatch"/> timestamp.</summary>
    public static long Micros(long since) => (long)Stopwatch.GetElapsedTime(since).TotalMicroseconds;
}

/// <summary>Latency percentiles in milliseconds (NaN where nothing was recorded).</summary>
internal sealed record Percentiles(long Count, double P50, double P90, double P99, double P999, double Max);

internal sealed record StepResult(
    double Rate,
    int Offered,
    int Acknowledged,
    int CompletedCount,
    double AchievedRate,
    Dictionary<StatusCode, int> Errors,
    bool InvariantsOk,
    string Broken,
    bool Held,
    string Why,
    Percentiles Answer,
    Percentiles Screen,
    IReadOnlyList<(string Station, Percentiles Latency)> ByStation,
    Percentiles Ready,
    Percentiles Completed,
    int Late)
{
    public bool Ok => InvariantsOk && Errors.Count == 0;

    /// <summary>When the step began offering and when it was judged (ms since the epoch), so a benchmark can line its own samples up with it.</summary>
    public long StartedMs { get; init; }

    public long EndedMs { get; init; }

    /// <summary>The load generator's own CPU over the step, so it is counted apart from the service's.</summary>
    public double ClientCpuSeconds { get; init; }
}

/// <summary>
/// A histogram recorded from many threads. HdrHistogram's concurrent histogram can report a total
/// that its buckets do not hold yet while writers are busy, so recording takes a lock instead.
/// </summary>
internal sealed class Latency
{
    private const long MaxMicros = 120_000_000;
    private readonly LongHistogram _histogram = new(1, MaxMicros, 3);

    public void Record(long micros)
    {
        lock (_histogram)
        {
            _histogram.RecordValue(Math.Clamp(micros, 1, MaxMicros));
        }
    }

    public void AddTo(LongHistogram into)
    {
        lock (_histogram)
        {
            into.Add(_histogram);
        }
    }

    public Percentiles Percentiles()
    {
        var copy = new LongHistogram(1, MaxMicros, 3);
        AddTo(copy);
        return Of(copy);
    }

    public static Percentiles Of(HistogramBase h) => h.TotalCount == 0
        ? new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
        : new(
            h.TotalCount,
            h.GetValueAtPercentile(50) / 1000.0,
            h.GetValueAtPercentile(90) / 1000.0,
            h.GetValueAtPercentile(99) / 1000.0,
            h.GetValueAtPercentile(99.9) / 1000.0,
            h.GetMaxValue() / 1000.0);
}

/// <summary>An order sent: its step, when, the stations it must reach, and what came of it.</summary>
internal sealed class Tracked(Site site, Phase phase, long sentAt, string[] expected)
{
    public Site Site { get; } = site;

    public Phase Phase { get; } = phase;

    public long SentAt { get; } = sentAt;

    public string[] Expected { get; } = expected;

    public ConcurrentDictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);

    public int ReadyFlag;

    public int CompletedFlag;
}

/// <summary>One step: the orders offered at one rate and what became of them.</summary>
internal sealed class Phase(double rate, bool hold)
{
    public int TicketsSeen;

    public int Completed;

    public double Rate { get; } = rate;

    public int Offered { get; set; }

    public TimeSpan OfferedFor { get; set; }

    public bool HoldOpen { get; } = hold;

    public ConcurrentDictionary<string, Tracked> Acknowledged { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<StatusCode, int> Errors { get; } = new();

    public ConcurrentDictionary<string, Latency> Screen { get; } = new(StringComparer.Ordinal);

    public Latency Answer { get; } = new();

    public Latency ToReady { get; } = new();

    public Latency ToCompleted { get; } = new();

    /// <summary>Tickets no screen had shown when the step was judged, but that exist: a screen fell behind, nothing was lost.</summary>
    public int Late { get; private set; }

    private readonly HashSet<(string OrderId, string Station)> _late = [];
    private readonly HashSet<string> _lateOrders = new(StringComparer.Ordinal);

    /// <summary>
    /// Asks the service about each ticket no screen has shown yet. One that exists (expo's, of an order
    /// that completed, since completing bumps it; or one in the order's receipts) is late, not missing,
    /// unless its screen has already shown tickets of orders placed a second or more after it: a
    /// station's stream is in order, so such a ticket was skipped, and that is missing.
    /// </summary>
    public async Task ClassifyUnseenAsync(Connection connection, CancellationToken cancellationToken)
    {
        static bool Behind(string station, Tracked order) =>
            !order.Site.LatestShown.TryGetValue(station, out var latest) || Stopwatch.GetElapsedTime(order.SentAt, latest) < TimeSpan.FromSeconds(1);
        foreach (var (orderId, order) in Acknowledged)
        {
            var expo = order.Site.Expo;
            var unseen = order.Expected.Where(s => !order.Seen.ContainsKey(s)).ToList();
            if (unseen.Count == 0 && (order.CompletedFlag == 1 || HoldOpen))
            {
                continue;
            }

            if (order.CompletedFlag == 1 && unseen.All(s => s == expo))
            {
                // Completing the order bumped expo's ticket: it exists.
                if (Behind(expo, order))
                {
                    _late.Add((orderId, expo));
                }

                continue;
            }

            // A routed order has expo's ticket; its receipts list its station tickets.
            var now = (await connection.Orders.GetOrderAsync(new GetOrderRequest { LocationId = order.Site.Location, OrderId = orderId }, cancellationToken: cancellationToken)).Order;
            var routed = now.Status is not OrderStatus.Accepted and not OrderStatus.Cancelled;
            var receipts = now.Receipts.Select(r => r.StationId).ToHashSet(StringComparer.Ordinal);
            foreach (var station in unseen.Where(s => (s == expo ? routed : receipts.Contains(s)) && Behind(s, order)))
            {
                _late.Add((orderId, station));
            }

            if (order.CompletedFlag == 0 && now.Status is not OrderStatus.Cancelled)
            {
                // Stored and on its way (queued, cooking or ready): the kitchen is behind, not wrong.
                _lateOrders.Add(orderId);
            }
        }

        Late = _late.Count + _lateOrders.Count;
    }

    /// <summary>Every acknowledged order has reached every station it needs and (unless held) completed.</summary>
    public bool Settled()
    {
        var expected = Acknowledged.Values.Sum(o => o.Expected.Length);
        return Volatile.Read(ref TicketsSeen) >= expected && (HoldOpen || Volatile.Read(ref Completed) >= Acknowledged.Count);
    }

    public StepResult Result(LoadSettings settings)
    {
        var orders = Acknowledged.Values.ToList();
        var missing = Acknowledged.Sum(o => o.Value.Expected.Count(s => !o.Value.Seen.ContainsKey(s) && !_late.Contains((o.Key, s))));
        var doubled = orders.Sum(o => o.Seen.Count(s => s.Value > 1));
        var stray = orders.Sum(o => o.Seen.Keys.Count(s => !o.Expected.Contains(s)));
        var incomplete = HoldOpen ? 0 : Acknowledged.Count(o => o.Value.CompletedFlag == 0 && !_lateOrders.Contains(o.Key));
        var invariantsOk = missing == 0 && doubled == 0 && stray == 0 && incomplete == 0;
        var all = new LongHistogram(1, 120_000_000, 3);
        foreach (var latency in Screen.Values)
        {
            latency.AddTo(all);
        }

        var byStation = Screen.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.Percentiles())).ToList();
        var worst = byStation.Select(s => s.Item2.P99).DefaultIfEmpty(double.NaN).Max();
        var errors = Errors.ToDictionary(e => e.Key, e => e.Value);
        var why = !invariantsOk ? "invariants broken"
            : errors.Count > 0 ? $"{errors.Values.Sum()} errors"
            : !(worst <= settings.ObjectiveMs) ? $"place → screen p99 {worst:0.0} ms > {settings.ObjectiveMs:0.#} ms"
            : "";
        return new StepResult(
            Rate,
            Offered,
            orders.Count,
            Volatile.Read(ref Completed),
            Offered / Math.Max(OfferedFor.TotalSeconds, 0.001),
            errors,
            invariantsOk,
            $"missing tickets {missing}, doubled {doubled}, stray {stray}, not completed {incomplete}",
            why.Length == 0,
            why,
            Answer.Percentiles(),
            Latency.Of(all),
            byStation,
            ToReady.Percentiles(),
            ToCompleted.Percentiles(),
            Late);
    }
}

/// <summary>One location under load: its menu, and what its screens have shown.</summary>
internal sealed class Site(string location, GetMenuResponse menu)
{
    public string Location { get; } = location;

    public GetMenuResponse Menu { get; } = menu;

    public Dictionary<string, string> StationOf { get; } = menu.Items.ToDictionary(i => i.MenuItemId, i => i.StationId);

    public string Expo { get; } = menu.Stations.Single(s => s.IsExpo).StationId;

    /// <summary>Per station, the latest-placed order whose ticket a screen has shown (a Stopwatch timestamp).</summary>
    public ConcurrentDictionary<string, long> LatestShown { get; } = new(StringComparer.Ordinal);

    /// <summary>The streams not yet in place: every station's screen and the POS's order stream.</summary>
    public HashSet<string> WaitingFor { get; } = [.. menu.Stations.Select(s => s.StationId), "orders"];
}

internal sealed class Run(List<Site> sites, bool hold)
{
    private int _sitesWaiting = sites.Count;

    public List<Site> Sites { get; } = sites;

    public bool Hold { get; } = hold;

    public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentDictionary<string, Tracked> Orders { get; } = new(StringComparer.Ordinal);

    public int Reconnects;

    public void Watching(Site site, string what)
    {
        lock (site.WaitingFor)
        {
            if (site.WaitingFor.Remove(what) && site.WaitingFor.Count == 0 && Interlocked.Decrement(ref _sitesWaiting) == 0)
            {
                Ready.TrySetResult();
            }
        }
    }
}
