using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;
using StackExchange.Redis;
using static Restaurant.Core.Redis.StoredRecords;

namespace Restaurant.Core.Redis;

/// <summary>
/// The kitchen's stations in Redis: routing an order onto them (<see cref="RoutePlan"/> decides what),
/// bump and recall, a station's snapshot and history, balanced screens, and the receipts of what a
/// screen showed.
/// </summary>
public sealed partial class StationStore(RedisContext redis, MenuStore menus, OrderStore orders, ILogger<StationStore>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Writes an order's tickets, queues the first course to its stations and acknowledges the message, at once.</summary>
    public async Task<RouteOutcome> RouteOrderAsync(
        string location, string messageId, OrderData order, RoutePlan plan, bool autoFire, CancellationToken cancellationToken = default)
    {
        var now = redis.NowMs;
        var tickets = plan.Tickets;
        var keys = new List<RedisKey>(3 + tickets.Count * 4)
        {
            RedisKeys.Order(location, order.OrderId), RedisKeys.OrderQueue(location), RedisKeys.OrderEvents(location),
        };
        var args = new List<RedisValue>(12 + tickets.Count * 4)
        {
            RedisKeys.WorkerGroup, messageId, now, redis.TrimMinId(now), RedisKeys.Bell(location).ToString(),
            string.Join(',', plan.CookingSuffixes), plan.Expo.StationId, string.Join(',', tickets.Select(t => t.TicketId)),
            autoFire ? "1" : "0", string.Join(',', plan.Courses), string.Join(',', plan.HeldCourses), order.Version,
        };
        foreach (var ticket in tickets)
        {
            RedisContext.AddTicketKeys(keys, location, ticket.TicketId, ticket.StationId);
            args.Add(ticket.TicketId);
            args.Add(ticket.StationId);
            args.Add(JsonSerializer.Serialize(ticket, DomainJson.Default.TicketBody));
            args.Add(ticket.Course);
        }

        var answer = await redis.RunAsync(redis.Scripts.RouteOrder, [.. keys], [.. args], cancellationToken).ConfigureAwait(false);
        return answer.Code switch
        {
            ScriptCode.Routed => RouteOutcome.Routed,
            ScriptCode.Skipped => RouteOutcome.Skipped,
            ScriptCode.Missing => RouteOutcome.Missing,
            ScriptCode.Retry => RouteOutcome.Stale,
            _ => throw answer.Unexpected(),
        };
    }

    public async Task<TicketChange> BumpTicketAsync(string location, string stationId, string ticketId, CancellationToken cancellationToken = default)
    {
        var (orderId, suffix) = SplitTicketId(ticketId, stationId);
        var keys = await TicketKeysAsync(location, stationId, ticketId, orderId, cancellationToken).ConfigureAwait(false);
        var now = redis.NowMs;
        var answer = await redis.RunAsync(
            redis.Scripts.BumpTicket,
            [.. keys, RedisKeys.SpeedOfService(location)],
            [
                stationId, now, redis.TrimMinId(now), RedisKeys.Bell(location).ToString(), (long)redis.Options.FinishedOrderRetention.TotalMilliseconds, suffix,
                $"{now - (long)redis.Options.ReportRetention.TotalMilliseconds}-0",
            ],
            cancellationToken).ConfigureAwait(false);
        switch (answer.Code)
        {
            case ScriptCode.Bumped:
            case ScriptCode.Noop:
                var status = StoredStates.ParseOrderState(answer[1]);
                if (answer.Number(2) is > 0 and var next)
                {
                    // The course is done and the location fires the next one by itself. Firing is
                    // idempotent, and a course left held (by a crash here, or because the order was
                    // cancelled meanwhile) is still fired by hand at expo. The answer is the bump's.
                    try
                    {
                        await orders.FireCourseAsync(location, orderId, next, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is RestaurantException or TimeoutException)
                    {
                        Log.AutoFireFailed(_logger, location, orderId, next, ex.Message);
                    }
                }

                return new TicketChange(ReadTicketView(answer.Values, 3), status, answer.Code == ScriptCode.Bumped);
            case ScriptCode.NotFound:
                throw Refusals.UnknownTicket(location, stationId, ticketId);
            case ScriptCode.Voided:
                throw Refusals.VoidedTicket(ticketId, "and cannot be bumped");
            case ScriptCode.Held:
                throw Refusals.HeldTicket(ticketId, answer[1]);
            case ScriptCode.NotReady:
                throw Refusals.NotReady(orderId, answer[1], answer[2]);
            default:
                throw answer.Unexpected();
        }
    }

    public async Task<TicketChange> RecallTicketAsync(string location, string stationId, string ticketId, CancellationToken cancellationToken = default)
    {
        var (orderId, suffix) = SplitTicketId(ticketId, stationId);
        var keys = await TicketKeysAsync(location, stationId, ticketId, orderId, cancellationToken).ConfigureAwait(false);
        var now = redis.NowMs;
        var answer = await redis.RunAsync(
            redis.Scripts.RecallTicket,
            keys,
            [stationId, now, redis.TrimMinId(now), RedisKeys.Bell(location).ToString(), suffix],
            cancellationToken).ConfigureAwait(false);
        return answer.Code switch
        {
            ScriptCode.Recalled or ScriptCode.Noop => new TicketChange(ReadTicketView(answer.Values, 2), StoredStates.ParseOrderState(answer[1])),
            ScriptCode.NotFound => throw Refusals.UnknownTicket(location, stationId, ticketId),
            ScriptCode.Voided => throw Refusals.VoidedTicket(ticketId, "(order cancelled) and cannot be recalled"),
            ScriptCode.Completed => throw Refusals.RecallAtExpoFirst(orderId),
            _ => throw answer.Unexpected(),
        };
    }

    /// <summary>
    /// The station's open tickets, its all-day counts and the token of that same moment, read by one
    /// script: an amend rewrites ticket bodies, so bodies read after the token could be newer than it.
    /// </summary>
    public async Task<StationSnapshot> SnapshotAsync(string location, string stationId, CancellationToken cancellationToken = default)
    {
        var result = (RedisResult[])(await redis.ReadAsync(
            redis.Scripts.Snapshot,
            [RedisKeys.OpenTickets(location, stationId), RedisKeys.StationEvents(location, stationId), RedisKeys.AllDay(location, stationId)],
            [RedisKeys.Tag(location) + "ticket:"],
            cancellationToken).ConfigureAwait(false))!;
        await redis.Interleavings.At(Interleavings.SnapshotPoint(location, stationId)).ConfigureAwait(false);
        var token = (string)result[0]!;
        var allDay = ToCounts((RedisResult[])result[1]!);
        var views = (RedisResult[])result[2]!;
        var tickets = new List<TicketData>(views.Length / TicketView.Fields.Length);
        for (var at = 0; at + TicketView.Fields.Length <= views.Length; at += TicketView.Fields.Length)
        {
            tickets.Add(ReadTicketView(views, at));
        }

        return new StationSnapshot(tickets, allDay, token);
    }

    /// <summary>A station's all-day counts: each item's quantity across its open tickets.</summary>
    public async Task<IReadOnlyDictionary<string, int>> GetAllDayAsync(string location, string stationId, CancellationToken cancellationToken = default) =>
        ToCounts(await redis.Db.HashGetAllAsync(RedisKeys.AllDay(location, stationId)).WaitAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// How far a station's all-day counts would have gone below zero, per item, since it opened: any
    /// entry here is an undercount somewhere (screens show the floor of zero).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> GetAllDayUndercountsAsync(string location, string stationId, CancellationToken cancellationToken = default) =>
        ToCounts(await redis.Db.HashGetAllAsync(RedisKeys.AllDayUndercounts(location, stationId)).WaitAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Fails OUT_OF_RANGE unless <paramref name="token"/> is a position in the station's history that
    /// is still kept, so that reading after it gives exactly what the screen missed.
    /// </summary>
    public async Task ValidateResumeTokenAsync(string location, string stationId, string token, CancellationToken cancellationToken = default)
    {
        if (!StreamIds.TryParse(token, out var position))
        {
            throw Refusals.TokenNotOurs(token);
        }

        var key = RedisKeys.StationEvents(location, stationId);
        RedisResult info;
        try
        {
            info = await redis.Db.ExecuteAsync("XINFO", "STREAM", key).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            if (position == (0, 0))
            {
                return;
            }

            throw Refusals.TokenUnknown(token, stationId);
        }

        var fields = (RedisResult[])info!;
        (long, long) lastGenerated = (0, 0), maxDeleted = (0, 0), firstKept = (0, 0);
        long length = 0, added = 0;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch ((string?)fields[i])
            {
                case "last-generated-id":
                    StreamIds.TryParse((string?)fields[i + 1], out lastGenerated);
                    break;
                case "max-deleted-entry-id":
                    StreamIds.TryParse((string?)fields[i + 1], out maxDeleted);
                    break;
                case "recorded-first-entry-id":
                    StreamIds.TryParse((string?)fields[i + 1], out firstKept);
                    break;
                case "length":
                    length = (long)fields[i + 1];
                    break;
                case "entries-added":
                    added = (long)fields[i + 1];
                    break;
            }
        }

        if (position.CompareTo(lastGenerated) > 0)
        {
            throw Refusals.TokenUnknown(token, stationId);
        }

        // Trimming by age does not move max-deleted-entry-id, so a token from before the oldest entry
        // still kept is expired whenever anything was trimmed: what followed it may be gone.
        var trimmed = added > length;
        var beforeKept = length == 0 ? position.CompareTo(lastGenerated) < 0 : position.CompareTo(firstKept) < 0;
        if (position.CompareTo(maxDeleted) < 0 || (trimmed && beforeKept))
        {
            throw Refusals.TokenExpired(token, stationId);
        }
    }

    /// <summary>Notes that a screen of a balanced station is live now.</summary>
    public async Task TouchScreenAsync(string location, string stationId, string screenId, CancellationToken cancellationToken = default) =>
        await redis.Db.HashSetAsync(RedisKeys.Screens(location, stationId), screenId, redis.NowMs).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Gives every open ticket of a balanced station that has no live screen to the live screen with
    /// the fewest open items. Safe to run from any number of processes at once.
    /// </summary>
    public async Task<int> BalanceStationAsync(string location, string stationId, TimeSpan screenTimeout, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var open = await redis.Db.SortedSetRangeByRankAsync(RedisKeys.OpenTickets(location, stationId)).WaitAsync(cancellationToken).ConfigureAwait(false);
            await redis.Interleavings.At(Interleavings.BalancePoint(location, stationId)).ConfigureAwait(false);
            List<RedisKey> keys = [RedisKeys.OpenTickets(location, stationId), RedisKeys.Screens(location, stationId), RedisKeys.StationEvents(location, stationId)];
            keys.AddRange(open.Select(id => RedisKeys.Ticket(location, id.ToString())));
            var now = redis.NowMs;
            var moved = (int)await redis.ReadAsync(
                redis.Scripts.BalanceStation,
                [.. keys],
                [now, redis.TrimMinId(now), RedisKeys.Bell(location).ToString(), stationId, (long)screenTimeout.TotalMilliseconds, string.Join(',', open)],
                cancellationToken).ConfigureAwait(false);
            if (moved >= 0)
            {
                return moved;
            }
        }

        return 0;
    }

    /// <summary>
    /// The station's events after <paramref name="afterToken"/>, oldest first. An entry that changes
    /// only a ticket's state (expo's progress, a bump) carries no body: the body is the one last read
    /// for that ticket, or the ticket's own (read in one round trip for the batch when none was).
    /// </summary>
    public async Task<IReadOnlyList<StationEventData>> ReadStationEventsAsync(string location, string stationId, string afterToken, int count, CancellationToken cancellationToken = default)
    {
        var entries = await redis.Db.StreamRangeAsync(RedisKeys.StationEvents(location, stationId), "(" + afterToken, "+", count)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var bodies = await BodiesAsync(location, entries, cancellationToken).ConfigureAwait(false);
        var events = new List<StationEventData>(entries.Length);
        var previous = afterToken;
        foreach (var entry in entries)
        {
            // A ticket entry may carry the station's all-day counts: they come first, under the token
            // before the entry, so a screen that resumes between the two gets the counts again (they
            // are a whole state, so twice is harmless) and the ticket once.
            var allDay = entry["allday"];
            if (!allDay.IsNull)
            {
                events.Add(new StationEventData(previous, StationEventKind.AllDay, null, ReadCounts(allDay)));
            }

            previous = entry.Id.ToString();
            var kind = (string?)entry["kind"] switch
            {
                "added" => StationEventKind.Added,
                "removed" => StationEventKind.Removed,
                "allday" => StationEventKind.AllDay,
                "assigned" => StationEventKind.Assigned,
                _ => StationEventKind.Updated,
            };
            if (kind == StationEventKind.AllDay)
            {
                events.Add(new StationEventData(entry.Id.ToString(), kind, null, ReadCounts(entry["counts"])));
                continue;
            }

            var body = entry["body"];
            if (body.IsNull && !bodies.TryGetValue(BodyOf(entry), out body))
            {
                // The ticket is gone (past its retention): there is nothing left to show of it.
                events.Add(new StationEventData(entry.Id.ToString(), StationEventKind.Skipped, null));
                continue;
            }

            var ticket = ReadTicket(
                body.ToString(), StoredStates.ParseTicketState(entry["status"]), entry["rush"], entry["fired"], entry["held"], entry["bumped"], entry["progress"],
                entry["screen"]);
            events.Add(new StationEventData(entry.Id.ToString(), kind, ticket, null, entry["from"].IsNull ? "" : entry["from"].ToString()));
        }

        return events;
    }

    /// <summary>(location, ticket id, body version) → body text, from the station entries read (bounded; when full it starts over).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Location, string TicketId, string Version), RedisValue> _bodies = new();

    /// <summary>An entry's ticket and the version of the body it means ("" on an entry written before versions were).</summary>
    private static (string TicketId, string Version) BodyOf(StreamEntry entry) => (entry["ticket"].ToString(), entry["bv"].IsNull ? "" : entry["bv"].ToString());

    /// <summary>
    /// The bodies the batch's body-less entries need: the batch's own or kept from earlier entries of
    /// the same version, or else read from the tickets in one round trip (the ticket's body as it is now).
    /// </summary>
    private async Task<Dictionary<(string TicketId, string Version), RedisValue>> BodiesAsync(string location, StreamEntry[] entries, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string, string), RedisValue>();
        List<(string TicketId, string Version)>? missing = null;
        foreach (var entry in entries)
        {
            if (entry["ticket"].IsNull)
            {
                continue;
            }

            var key = BodyOf(entry);
            var body = entry["body"];
            if (!body.IsNull)
            {
                if (_bodies.Count >= 8192)
                {
                    _bodies.Clear();
                }

                _bodies[(location, key.TicketId, key.Version)] = body;
                found[key] = body;
            }
            else if (!found.ContainsKey(key))
            {
                if (_bodies.TryGetValue((location, key.TicketId, key.Version), out var known))
                {
                    found[key] = known;
                }
                else
                {
                    (missing ??= []).Add(key);
                }
            }
        }

        if (missing is null)
        {
            return found;
        }

        var batch = redis.Db.CreateBatch();
        var reads = missing.Distinct().Select(key => (Key: key, Body: batch.HashGetAsync(RedisKeys.Ticket(location, key.TicketId), "body"))).ToList();
        batch.Execute();
        foreach (var (key, read) in reads)
        {
            var body = await read.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!body.IsNull)
            {
                found[key] = body;
            }
        }

        return found;
    }

    /// <summary>The order of a ticket id and its suffix; an id of another shape or station names no order.</summary>
    private static (string OrderId, string Suffix) SplitTicketId(string ticketId, string stationId) =>
        TicketIds.Parse(ticketId) is { } parsed && parsed.StationId == stationId
            ? (parsed.OrderId, TicketIds.Suffix(ticketId, parsed.OrderId))
            : ("", "");

    private async Task<RedisKey[]> TicketKeysAsync(string location, string stationId, string ticketId, string orderId, CancellationToken cancellationToken)
    {
        var expo = await menus.ExpoOfAsync(location, cancellationToken).ConfigureAwait(false);
        return
        [
            RedisKeys.Ticket(location, ticketId),
            RedisKeys.OpenTickets(location, stationId),
            RedisKeys.StationEvents(location, stationId),
            RedisKeys.Order(location, orderId),
            RedisKeys.OrderEvents(location),
            RedisKeys.AllDay(location, stationId),
            RedisKeys.Ticket(location, TicketIds.Of(orderId, expo)),
            RedisKeys.StationEvents(location, expo),
        ];
    }

    /// <summary>
    /// Notes that a screen showed these tickets; the first showing of each is the POS's receipt and
    /// turns expo's "waiting" into "cooking". One round trip for them all.
    /// </summary>
    public async Task MarkShownAsync(string location, IReadOnlyCollection<string> ticketIds, CancellationToken cancellationToken = default)
    {
        if (ticketIds.Count == 0)
        {
            return;
        }

        var expo = await menus.ExpoOfAsync(location, cancellationToken).ConfigureAwait(false);
        var now = redis.NowMs;

        // A script per 256 tickets, sent together: a screen's whole snapshot never holds Redis long.
        var calls = new List<Task>();
        var batch = redis.Db.CreateBatch();
        foreach (var chunk in ticketIds.Chunk(256))
        {
            var keys = new RedisKey[2 + 3 * chunk.Length];
            var args = new RedisValue[3 + chunk.Length];
            keys[0] = RedisKeys.OrderEvents(location);
            keys[1] = RedisKeys.StationEvents(location, expo);
            args[0] = now;
            args[1] = redis.TrimMinId(now);
            args[2] = RedisKeys.Bell(location).ToString();
            var i = 2;
            var a = 3;
            foreach (var ticketId in chunk)
            {
                var orderId = TicketIds.Parse(ticketId)?.OrderId ?? "";
                keys[i++] = RedisKeys.Ticket(location, ticketId);
                keys[i++] = RedisKeys.Order(location, orderId);
                keys[i++] = RedisKeys.Ticket(location, TicketIds.Of(orderId, expo));
                args[a++] = orderId.Length == 0 ? "" : TicketIds.Suffix(ticketId, orderId);
            }

            calls.Add(batch.ScriptEvaluateAsync(redis.Scripts.MarkShown.Source, keys, args));
        }

        batch.Execute();
        await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Location}: order {OrderId} was bumped, but firing its course {Course} by itself failed ({Reason}); expo can fire it")]
        public static partial void AutoFireFailed(ILogger logger, string location, string orderId, int course, string reason);
    }
}
