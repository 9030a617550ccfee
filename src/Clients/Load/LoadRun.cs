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
    /// <summary>The tickets (not the screens' copies) the step's orders put on screens.</summary>
    public int Tickets { get; init; }

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

/// <summary>
/// An order sent: its step, when it was due (a Stopwatch timestamp: the offered load is open loop, so
/// latency counts from the schedule, not from when the client got round to it), the screens it must
/// reach (<see cref="Site.ViewsOf"/>), and what came of it.
/// </summary>
internal sealed class Tracked(Site site, Phase phase, long sentAt, string[] expected)
{
    public Site Site { get; } = site;

    public Phase Phase { get; } = phase;

    public long SentAt { get; } = sentAt;

    public string[] Expected { get; } = expected;

    public ConcurrentDictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);

    public int ReadyFlag;

    public int CompletedFlag;

    /// <summary>A bit for each POS terminal of the site that heard the order completed.</summary>
    public int HeardCompleted;
}

/// <summary>One step: the orders offered at one rate and what became of them.</summary>
internal sealed class Phase(double rate, bool hold)
{
    public int TicketsSeen;

    public int Completed;

    /// <summary>Orders every POS terminal of their location heard completed.</summary>
    public int HeardByAll;

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
        static bool Behind(string view, Tracked order) =>
            !order.Site.LatestShown.TryGetValue(view, out var latest) || Stopwatch.GetElapsedTime(order.SentAt, latest) < TimeSpan.FromSeconds(1);
        foreach (var (orderId, order) in Acknowledged)
        {
            var expo = order.Site.Expo;
            var unseen = order.Expected.Where(s => !order.Seen.ContainsKey(s)).ToList();
            if (unseen.Count == 0 && (order.CompletedFlag == 1 || HoldOpen))
            {
                continue;
            }

            var station = order.Site.StationOfView;
            if (order.CompletedFlag == 1 && unseen.All(s => station[s] == expo))
            {
                // Completing the order bumped expo's ticket: it exists.
                foreach (var view in unseen.Where(v => Behind(v, order)))
                {
                    _late.Add((orderId, view));
                }

                continue;
            }

            // A routed order has expo's ticket; its receipts list its station tickets.
            var now = (await connection.Orders.GetOrderAsync(new GetOrderRequest { LocationId = order.Site.Location, OrderId = orderId }, cancellationToken: cancellationToken)).Order;
            var routed = now.Status is not OrderStatus.Accepted and not OrderStatus.Cancelled;
            var receipts = now.Receipts.Select(r => r.StationId).ToHashSet(StringComparer.Ordinal);
            foreach (var view in unseen.Where(s => (station[s] == expo ? routed : receipts.Contains(station[s])) && Behind(s, order)))
            {
                _late.Add((orderId, view));
            }

            if (order.CompletedFlag == 0 && now.Status is not OrderStatus.Cancelled)
            {
                // Stored and on its way (queued, cooking or ready): the kitchen is behind, not wrong.
                _lateOrders.Add(orderId);
            }
        }

        Late = _late.Count + _lateOrders.Count;
    }

    /// <summary>Every acknowledged order has reached every screen it needs and (unless held) completed, and every POS terminal heard so.</summary>
    public bool Settled()
    {
        var expected = Acknowledged.Values.Sum(o => o.Expected.Length);
        return Volatile.Read(ref TicketsSeen) >= expected && (HoldOpen || Volatile.Read(ref HeardByAll) >= Acknowledged.Count);
    }

    public StepResult Result(LoadSettings settings)
    {
        var orders = Acknowledged.Values.ToList();
        var missing = Acknowledged.Sum(o => o.Value.Expected.Count(s => !o.Value.Seen.ContainsKey(s) && !_late.Contains((o.Key, s))));
        var doubled = orders.Sum(o => o.Seen.Count(s => s.Value > 1));
        var stray = orders.Sum(o => o.Seen.Keys.Count(s => !o.Expected.Contains(s)));
        var incomplete = HoldOpen ? 0 : Acknowledged.Count(o => o.Value.CompletedFlag == 0 && !_lateOrders.Contains(o.Key));
        var unheard = HoldOpen ? 0 : orders.Count(o => o.CompletedFlag == 1 && o.HeardCompleted != o.Site.AllTerminals);
        var invariantsOk = missing == 0 && doubled == 0 && stray == 0 && incomplete == 0 && unheard == 0;
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
            $"missing tickets {missing}, doubled {doubled}, stray {stray}, not completed {incomplete}, completed but not heard by every POS terminal {unheard}",
            why.Length == 0,
            why,
            Answer.Percentiles(),
            Latency.Of(all),
            byStation,
            ToReady.Percentiles(),
            ToCompleted.Percentiles(),
            Late)
        {
            Tickets = orders.Sum(o => o.Expected.Select(v => o.Site.StationOfView[v]).Distinct().Count()),
        };
    }
}

/// <summary>
/// One screen of a load run's kitchen: its station, its name in the run (the station's id, or with a
/// second mirrored screen "expo#2", at a balanced station "grill@load-1"), the screen id it watches
/// with (balanced stations only), what it must show (its view: at a mirrored station each screen
/// shows every ticket, at a balanced one the station's screens together show each ticket once), and
/// whether it bumps (one screen of a mirrored station does; each balanced screen bumps its own).
/// Each screen is a device of its own, with its own HTTP/2 connection.
/// </summary>
internal sealed record ScreenSpec(Station Station, string Name, string ScreenId, string View, bool Bumps, Connection Device);

/// <summary>
/// One location under load: its menu, its kitchen as kitchens have it (one screen at a station, two
/// at expo and at a balanced station; <see cref="LoadSettings.Screens"/>), its POS terminals, and
/// what its screens have shown. Every screen and terminal has a connection of its own (<paramref name="connect"/>).
/// </summary>
internal sealed class Site : IDisposable
{
    public Site(string location, GetMenuResponse menu, int screens, int terminals, Func<Connection> connect)
    {
        Location = location;
        Menu = menu;
        StationOf = menu.Items.ToDictionary(i => i.MenuItemId, i => i.StationId);
        Expo = menu.Stations.Single(s => s.IsExpo).StationId;
        foreach (var station in menu.Stations)
        {
            var balanced = station.Screens == "balanced";
            var count = station.IsExpo || balanced ? screens : 1;
            for (var i = 1; i <= count; i++)
            {
                var name = balanced ? $"{station.StationId}@load-{i}" : i == 1 ? station.StationId : $"{station.StationId}#{i}";
                Screens.Add(new ScreenSpec(station, name, balanced ? $"load-{i}" : "", balanced ? station.StationId : name, Bumps: balanced || i == 1, connect()));
            }
        }

        StationOfView = Screens.GroupBy(s => s.View).ToDictionary(g => g.Key, g => g.First().Station.StationId, StringComparer.Ordinal);
        Terminals = [.. Enumerable.Range(0, terminals).Select(_ => connect())];
        WaitingFor = [.. Screens.Select(s => s.Name), .. Enumerable.Range(0, terminals).Select(t => $"orders#{t}")];
    }

    public string Location { get; }

    public GetMenuResponse Menu { get; }

    public Dictionary<string, string> StationOf { get; }

    public string Expo { get; }

    public List<ScreenSpec> Screens { get; } = [];

    /// <summary>Each view's station.</summary>
    public Dictionary<string, string> StationOfView { get; }

    /// <summary>The POS terminals: they place the site's orders in turn, and each watches its orders.</summary>
    public Connection[] Terminals { get; }

    /// <summary>The bits of <see cref="Tracked.HeardCompleted"/> when every terminal heard.</summary>
    public int AllTerminals => (1 << Terminals.Length) - 1;

    /// <summary>Per view, the latest-placed order whose ticket a screen has shown (a Stopwatch timestamp).</summary>
    public ConcurrentDictionary<string, long> LatestShown { get; } = new(StringComparer.Ordinal);

    /// <summary>The streams not yet in place: every screen and every POS terminal's order stream.</summary>
    public HashSet<string> WaitingFor { get; }

    /// <summary>What an order for these stations must reach: each view of each station.</summary>
    public string[] ViewsOf(IEnumerable<string> stations)
    {
        var wanted = stations.ToHashSet(StringComparer.Ordinal);
        return [.. StationOfView.Where(v => wanted.Contains(v.Value)).Select(v => v.Key)];
    }

    public void Dispose()
    {
        foreach (var device in Screens.Select(s => s.Device).Concat(Terminals))
        {
            device.Dispose();
        }
    }
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
