using System.Globalization;
using System.Text.Json;
using Restaurant.Domain;
using Restaurant.Domain.Incidents;
using Restaurant.Domain.Locations;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// A location's incidents in Redis: the open ones by cause, and their history (every change, with the
/// incident's state then) as a stream kept 35 days, whose entry ids are the resume tokens of
/// <c>WatchIncidents</c> and whose opened entries' ids are the incidents' ids. The incident watch
/// reads what a location looks like here too, in one pipelined pass, and screens say here that they
/// are watching.
/// </summary>
public sealed class IncidentStore(RedisContext redis, MenuStore menus)
{
    /// <summary>How long the history is kept: five weeks, for the weekly review and the one before.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(35);

    /// <summary>
    /// Opens the causes found now that are not open, and resolves the open ones of this looker's scope no
    /// longer found: the workers' watch answers for every cause but <see cref="IncidentRules.ServicePrefix"/>'s, the
    /// OrderService for those (<see cref="IncidentRules.FindWithoutWorkers"/>).
    /// </summary>
    public async Task<(int Opened, int Resolved)> SyncAsync(string location, IReadOnlyList<IncidentCause> causes, CancellationToken cancellationToken = default, bool service = false)
    {
        var now = redis.NowMs;
        var args = new List<RedisValue>(6 + causes.Count * 8)
        {
            now, MinId(now), RedisKeys.Bell(location).ToString(), service ? IncidentRules.ServicePrefix : "", service ? "" : IncidentRules.ServicePrefix, causes.Count,
        };
        foreach (var cause in causes)
        {
            args.AddRange([cause.Cause, KindName(cause.Kind), SeverityName(cause.Severity), cause.StationId, cause.TicketId, cause.OrderId, cause.ScreenId, cause.Message]);
        }

        var answer = await redis.RunAsync(redis.Scripts.IncidentSync, [RedisKeys.OpenIncidents(location), RedisKeys.IncidentHistory(location)], [.. args], cancellationToken)
            .ConfigureAwait(false);
        return ((int)answer.Values[1], (int)answer.Values[2]);
    }

    /// <summary>A manager acknowledges an incident; one no longer open answers as it stands. NOT_FOUND for an unknown id.</summary>
    public async Task<IncidentData> AcknowledgeAsync(string location, string incidentId, string who, CancellationToken cancellationToken = default)
    {
        await menus.GetMenuAsync(location, cancellationToken).ConfigureAwait(false);
        var now = redis.NowMs;
        var answer = await redis.RunAsync(
            redis.Scripts.IncidentAck,
            [RedisKeys.OpenIncidents(location), RedisKeys.IncidentHistory(location)],
            [now, MinId(now), RedisKeys.Bell(location).ToString(), incidentId, who],
            cancellationToken).ConfigureAwait(false);
        if (answer.Code is ScriptCode.Ok or ScriptCode.Noop)
        {
            return Parse(location, answer.Values[1].ToString());
        }

        return await FindAsync(location, incidentId, cancellationToken).ConfigureAwait(false)
            ?? throw RestaurantException.NotFound($"incident '{OrderValidator.Shorten(incidentId)}' is not known at '{location}'");
    }

    /// <summary>The open incidents and the position of the history at that moment, read together (for a watch's snapshot).</summary>
    public async Task<(IReadOnlyList<IncidentData> Open, string Token)> OpenWithTokenAsync(string location, CancellationToken cancellationToken = default)
    {
        var tx = redis.Db.CreateTransaction();
        var open = tx.HashValuesAsync(RedisKeys.OpenIncidents(location));
        var last = tx.StreamRangeAsync(RedisKeys.IncidentHistory(location), "-", "+", 1, Order.Descending);
        await tx.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var incidents = (await open.ConfigureAwait(false)).Select(v => Parse(location, v.ToString())).OrderBy(i => i.OpenedAt).ToList();
        var entries = await last.ConfigureAwait(false);
        return (incidents, entries.Length == 0 ? "0-0" : entries[0].Id.ToString());
    }

    /// <summary>Whether a token is one this history can resume from (not trimmed past, not from the future).</summary>
    public async Task<bool> IsResumableAsync(string location, string token, CancellationToken cancellationToken = default)
    {
        if (!StreamIds.TryParse(token, out _))
        {
            return false;
        }

        // A token older than the oldest change kept may have missed changes trimmed since.
        var batch = redis.Db.CreateBatch();
        var firstRead = batch.StreamRangeAsync(RedisKeys.IncidentHistory(location), "-", "+", 1);
        var lastRead = batch.StreamRangeAsync(RedisKeys.IncidentHistory(location), "-", "+", 1, Order.Descending);
        batch.Execute();
        var first = await firstRead.WaitAsync(cancellationToken).ConfigureAwait(false);
        var last = await lastRead.WaitAsync(cancellationToken).ConfigureAwait(false);
        return first.Length == 0
            ? token == "0-0"
            : StreamIds.Compare(token, last[0].Id.ToString()) <= 0 && (token == "0-0" || StreamIds.Compare(token, first[0].Id.ToString()) >= 0);
    }

    /// <summary>The history's changes after <paramref name="afterToken"/>.</summary>
    public async Task<IReadOnlyList<IncidentEventData>> ReadEventsAsync(string location, string afterToken, int count, CancellationToken cancellationToken = default)
    {
        var entries = await redis.Db.StreamRangeAsync(RedisKeys.IncidentHistory(location), "(" + afterToken, "+", count).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => ToEvent(location, e))];
    }

    /// <summary>The incidents opened between <paramref name="from"/> and <paramref name="to"/>, each as it stands now, oldest first.</summary>
    public async Task<IReadOnlyList<IncidentData>> ListAsync(string location, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await menus.GetMenuAsync(location, cancellationToken).ConfigureAwait(false);
        var incidents = new Dictionary<string, IncidentData>(StringComparer.Ordinal);
        var start = $"{from.ToUnixTimeMilliseconds()}-0";
        while (true)
        {
            var entries = await redis.Db.StreamRangeAsync(RedisKeys.IncidentHistory(location), start, "+", 1000).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                var change = ToEvent(location, entry);
                if (change.Change == IncidentChange.Opened ? change.Incident.OpenedAt <= to : incidents.ContainsKey(change.Incident.IncidentId))
                {
                    incidents[change.Incident.IncidentId] = change.Incident;
                }
            }

            if (entries.Length < 1000)
            {
                break;
            }

            start = "(" + entries[^1].Id;
        }

        return [.. incidents.Values.OrderBy(i => i.OpenedAt)];
    }

    private async Task<IncidentData?> FindAsync(string location, string incidentId, CancellationToken cancellationToken)
    {
        if (!StreamIds.TryParse(incidentId, out _))
        {
            return null;
        }

        var opened = await redis.Db.StreamRangeAsync(RedisKeys.IncidentHistory(location), incidentId, incidentId, 1).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (opened.Length == 0)
        {
            return null;
        }

        var since = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(incidentId.Split('-')[0], CultureInfo.InvariantCulture));
        return (await ListAsync(location, since, since, cancellationToken).ConfigureAwait(false)).FirstOrDefault(i => i.IncidentId == incidentId);
    }

    /// <summary>Notes that these screens are watching their stations now (a board is not a screen), in one round trip for them all.</summary>
    public async Task TouchWatchersAsync(IReadOnlyCollection<(string Location, string Station, string Watcher)> watchers, CancellationToken cancellationToken = default)
    {
        var now = redis.NowMs;
        var batch = redis.Db.CreateBatch();
        var writes = watchers.Select(w => batch.HashSetAsync(RedisKeys.Watchers(w.Location, w.Station), w.Watcher, now)).ToList();
        batch.Execute();
        await Task.WhenAll(writes).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What each location looks like now, in two pipelined round trips for all of them: each station's
    /// open tickets with when they fired and were shown, its watchers, the 86 list and counts, the
    /// orders awaiting acceptance, the dead letters, failing printers and webhooks. Watchers not
    /// seen for <paramref name="forgetAfter"/> are forgotten (their incident resolves).
    /// </summary>
    public async Task<IReadOnlyList<(string Location, LocationDefinition Definition, LocationFacts Facts)>> ReadFactsAsync(
        IReadOnlyCollection<string> locations, TimeSpan forgetAfter, CancellationToken cancellationToken = default)
    {
        var defined = new List<(string Location, LocationDefinition Definition)>();
        foreach (var location in locations)
        {
            try
            {
                defined.Add((location, (await menus.CurrentAsync(location, fresh: false, cancellationToken).ConfigureAwait(false)).Definition));
            }
            catch (RestaurantException)
            {
                // Not loaded (yet): nothing to look at.
            }
        }

        var now = redis.NowMs;
        var first = redis.Db.CreateBatch();
        var reads = defined.Select(d => new FirstRead(
            d.Definition.Stations.Select(s => (s.Id, first.SortedSetRangeByRankAsync(RedisKeys.OpenTickets(d.Location, s.Id)), first.HashGetAllAsync(RedisKeys.Watchers(d.Location, s.Id)))).ToList(),
            first.SetMembersAsync(RedisKeys.EightySixed(d.Location)),
            first.HashGetAllAsync(RedisKeys.Counts(d.Location)),
            first.SortedSetRangeByScoreWithScoresAsync(RedisKeys.AwaitingAcceptance(d.Location), take: 100),
            first.StreamRangeAsync(RedisKeys.DeadLetters(d.Location), "-", "+", 50, Order.Descending),
            first.HashGetAllAsync(RedisKeys.FailingPrinters(d.Location)),
            first.StreamRangeAsync(RedisKeys.WebhookLog(d.Location), "-", "+", 200, Order.Descending))).ToList();
        first.Execute();

        var second = redis.Db.CreateBatch();
        var pending = new List<Func<Task<LocationFacts>>>();
        for (var i = 0; i < defined.Count; i++)
        {
            var (location, _) = defined[i];
            var read = reads[i];
            var stations = new List<(string Station, List<(string Ticket, Task<RedisValue[]> Fields, Task<RedisValue> Number)> Tickets, Dictionary<string, DateTimeOffset> Watchers)>();
            foreach (var (station, open, watchers) in read.Stations)
            {
                var tickets = (await open.WaitAsync(cancellationToken).ConfigureAwait(false)).Select(v => v.ToString()).Select(id =>
                    (id, second.HashGetAsync(RedisKeys.Ticket(location, id), ["fired", "shown", "order", "printed"]), second.HashGetAsync(RedisKeys.Order(location, TicketIds.Parse(id)?.OrderId ?? ""), "number")))
                    .ToList();
                var seen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                foreach (var watcher in await watchers.WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    var at = (long)watcher.Value;
                    if (now - at >= forgetAfter.TotalMilliseconds)
                    {
                        _ = second.HashDeleteAsync(RedisKeys.Watchers(location, station), watcher.Name);
                    }
                    else
                    {
                        seen[watcher.Name.ToString()] = DateTimeOffset.FromUnixTimeMilliseconds(at);
                    }
                }

                stations.Add((station, tickets, seen));
            }

            var awaiting = (await read.Awaiting.WaitAsync(cancellationToken).ConfigureAwait(false))
                .Select(a => (Id: a.Element.ToString(), By: (long)a.Score, Facts: second.HashGetAsync(RedisKeys.Order(location, a.Element.ToString()), ["number", "body"]))).ToList();
            pending.Add(async () =>
            {
                var stationFacts = new List<StationFacts>(stations.Count);
                foreach (var (station, tickets, watchers) in stations)
                {
                    var open = new List<OpenTicketFact>(tickets.Count);
                    foreach (var (ticket, fields, number) in tickets)
                    {
                        var f = await fields.WaitAsync(cancellationToken).ConfigureAwait(false);
                        if (f[0].IsNull)
                        {
                            continue;
                        }

                        open.Add(new OpenTicketFact(
                            ticket, f[2].ToString(), DateTimeOffset.FromUnixTimeMilliseconds((long)f[0]), f[1].IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)f[1]),
                            (await number.WaitAsync(cancellationToken).ConfigureAwait(false)).TryParse(out int n) ? n : 0,
                            f[3].IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)f[3])));
                    }

                    stationFacts.Add(new StationFacts(station, open, watchers));
                }

                var awaitingFacts = new List<AwaitingFact>(awaiting.Count);
                foreach (var (id, by, facts) in awaiting)
                {
                    var f = await facts.WaitAsync(cancellationToken).ConfigureAwait(false);
                    var body = f[1].IsNull ? null : JsonSerializer.Deserialize(f[1].ToString(), DomainJson.Default.OrderBody);
                    awaitingFacts.Add(new AwaitingFact(id, DateTimeOffset.FromUnixTimeMilliseconds(by), f[0].TryParse(out int n) ? n : 0, body?.Source ?? "", body?.GuestName ?? ""));
                }

                var dead = (await read.Dead.WaitAsync(cancellationToken).ConfigureAwait(false))
                    .Select(e => new DeadLetterFact(e.Id.ToString(), e["order"].ToString(), e["reason"].ToString())).ToList();
                var printers = new List<PrinterFact>();
                foreach (var printer in await read.Printers.WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    using var state = JsonDocument.Parse(printer.Value.ToString());
                    var root = state.RootElement;
                    printers.Add(new PrinterFact(
                        printer.Name.ToString(), DateTimeOffset.FromUnixTimeMilliseconds((long)root.GetProperty("since").GetDouble()),
                        root.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "", (int)root.GetProperty("failures").GetDouble()));
                }

                var webhooks = WebhookFacts(await read.WebhookLog.WaitAsync(cancellationToken).ConfigureAwait(false));
                var counts = (await read.Counts.WaitAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => (int)e.Value, StringComparer.Ordinal);
                return new LocationFacts(
                    DateTimeOffset.FromUnixTimeMilliseconds(now), stationFacts,
                    (await read.EightySixed.WaitAsync(cancellationToken).ConfigureAwait(false)).Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal),
                    counts, awaitingFacts, dead, printers, webhooks);
            });
        }

        second.Execute();
        var result = new List<(string, LocationDefinition, LocationFacts)>(defined.Count);
        for (var i = 0; i < defined.Count; i++)
        {
            result.Add((defined[i].Location, defined[i].Definition, await pending[i]().ConfigureAwait(false)));
        }

        return result;
    }

    private sealed record FirstRead(
        List<(string Station, Task<RedisValue[]> Open, Task<HashEntry[]> Watchers)> Stations,
        Task<RedisValue[]> EightySixed,
        Task<HashEntry[]> Counts,
        Task<SortedSetEntry[]> Awaiting,
        Task<StreamEntry[]> Dead,
        Task<HashEntry[]> Printers,
        Task<StreamEntry[]> WebhookLog);

    /// <summary>
    /// When the oldest order of each location not yet routed was queued (null: none waiting), in two
    /// pipelined round trips: the oldest pending with a worker, and the first not yet delivered to one.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset?>> OldestUnroutedAsync(IReadOnlyCollection<string> locations, CancellationToken cancellationToken = default)
    {
        var first = redis.Db.CreateBatch();
        var reads = locations.Select(l => (Location: l, Groups: first.StreamGroupInfoAsync(RedisKeys.OrderQueue(l)), Pending: first.StreamPendingAsync(RedisKeys.OrderQueue(l), RedisKeys.WorkerGroup)))
            .ToList();
        first.Execute();
        var second = redis.Db.CreateBatch();
        var next = new List<(string Location, long? Pending, Task<StreamEntry[]>? Undelivered)>();
        foreach (var (location, groups, pending) in reads)
        {
            StreamGroupInfo group;
            StreamPendingInfo summary;
            try
            {
                group = (await groups.WaitAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Name == RedisKeys.WorkerGroup);
                summary = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException)
            {
                // No queue or no group yet: nothing has waited.
                next.Add((location, null, null));
                continue;
            }

            long? oldest = summary.PendingMessageCount > 0 && StreamIds.TryParse(summary.LowestPendingMessageId.ToString(), out var lowest) ? lowest.Ms : null;
            next.Add((location, oldest, group.Name is not null && group.LastDeliveredId is { } delivered
                ? second.StreamRangeAsync(RedisKeys.OrderQueue(location), "(" + delivered, "+", 1) : null));
        }

        second.Execute();
        var result = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        foreach (var (location, pendingMs, undelivered) in next)
        {
            var oldest = pendingMs;
            if (undelivered is not null && (await undelivered.WaitAsync(cancellationToken).ConfigureAwait(false)) is [var entry, ..]
                && StreamIds.TryParse(entry.Id.ToString(), out var id))
            {
                oldest = Math.Min(oldest ?? long.MaxValue, id.Ms);
            }

            result[location] = oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }

        return result;
    }

    /// <summary>Each subscriber's failures in a row from the newest attempts of the webhook log (newest first).</summary>
    private static List<WebhookFact> WebhookFacts(StreamEntry[] newestFirst)
    {
        var facts = new List<WebhookFact>();
        foreach (var attempts in newestFirst.GroupBy(e => e["subscriber"].ToString()))
        {
            var failing = attempts.TakeWhile(e => e["outcome"] != "delivered").ToList();
            if (failing.Count > 0 && StreamIds.TryParse(failing[^1].Id.ToString(), out var since))
            {
                facts.Add(new WebhookFact(attempts.Key, failing.Count, DateTimeOffset.FromUnixTimeMilliseconds(since.Ms), failing[0]["outcome"].ToString()));
            }
        }

        return facts;
    }

    private string MinId(long now) => $"{now - (long)Retention.TotalMilliseconds}-0";

    private static IncidentEventData ToEvent(string location, StreamEntry entry)
    {
        var change = entry["change"].ToString() switch
        {
            "opened" => IncidentChange.Opened,
            "acknowledged" => IncidentChange.Acknowledged,
            _ => IncidentChange.Resolved,
        };
        var incident = Parse(location, entry["body"].ToString(), change == IncidentChange.Opened ? entry.Id.ToString() : entry["incident"].ToString());
        return new IncidentEventData(entry.Id.ToString(), change, incident);
    }

    private static IncidentData Parse(string location, string json, string? id = null)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        DateTimeOffset? Time(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)v.GetDouble()) : null;
        var cause = new IncidentCause(
            Text("cause"), KindOf(Text("kind")), SeverityOf(Text("severity")), Text("message"), Text("station"), Text("ticket"), Text("order"), Text("screen"));
        return new IncidentData(id ?? Text("id"), location, cause, Time("opened")!.Value, Time("resolved"), Text("ack_by"), Time("ack_at"));
    }

    /// <summary>The kinds as the history keeps them ("ticket_not_shown").</summary>
    public static string KindName(IncidentKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static IncidentKind KindOf(string name) =>
        Enum.GetValues<IncidentKind>().FirstOrDefault(k => KindName(k) == name);

    private static string SeverityName(IncidentSeverity severity) => severity.ToString().ToLowerInvariant();

    private static IncidentSeverity SeverityOf(string name) => Enum.TryParse<IncidentSeverity>(name, ignoreCase: true, out var s) ? s : IncidentSeverity.Warning;
}
