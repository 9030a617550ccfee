using System.Text.Json;
using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;
using StackExchange.Redis;
using static Restaurant.Core.Redis.StoredRecords;

namespace Restaurant.Core.Redis;

/// <summary>
/// Orders in Redis: placed, read, cancelled, rushed, amended (a round, a void) and fired by course,
/// and their history for the POS. Each change is one script; the decisions are the domain's
/// (<see cref="AmendmentPlan"/>, <see cref="OrderRules"/>), and this only packs them into keys and arguments.
/// </summary>
public sealed partial class OrderStore(RedisContext redis, MenuStore menus)
{
    /// <summary>
    /// Stores and queues a new order in one script. The lines are checked against the menu's definition
    /// here (unknown items, modifiers a dish does not allow); what changes during service (86'd items,
    /// counts, a closed location) the script checks, atomically with the write, and it refuses the
    /// definition's hash if the menu was reloaded meanwhile. The same order id with the same content
    /// answers with the stored order, whatever the menu says now.
    /// </summary>
    public async Task<PlaceResult> PlaceOrderAsync(
        string location, string orderId, IReadOnlyList<OrderLineData> lines, bool rush = false, CancellationToken cancellationToken = default, string? trace = null,
        OrderOrigin? origin = null, OrderTiming? timing = null)
    {
        var fingerprint = OrderRules.Fingerprint(lines, rush, timing?.PickupAt);
        var trips = new RoundTrips();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (menuHash, definition) = await menus.CurrentAsync(location, fresh: attempt > 0, cancellationToken, trips).ConfigureAwait(false);
            try
            {
                MenuValidator.Check(lines, definition);
            }
            catch (RestaurantException)
            {
                // Sent again after the menu changed: the order was taken, and this is its answer.
                trips.Add();
                if (await StoredAsAsync(location, orderId, fingerprint, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    return stored with { RoundTrips = trips.Count };
                }

                throw;
            }

            var now = redis.NowMs;
            var day = definition.Options.BusinessDay(redis.Clock.GetUtcNow());
            var n = lines.Count;
            var args = new RedisValue[12 + 2 * n];
            args[0] = orderId;
            args[1] = fingerprint;
            args[2] = JsonSerializer.Serialize(
                new OrderBody(lines, now, trace, OrderOrigin.Stored(origin?.Source), OrderOrigin.Stored(origin?.GuestName)), DomainJson.Default.OrderBody);
            args[3] = now;
            args[4] = redis.TrimMinId(now);
            args[5] = RedisKeys.Bell(location).ToString();
            args[6] = rush ? "1" : "0";
            args[7] = menuHash;
            args[8] = n;
            for (var i = 0; i < n; i++)
            {
                args[9 + i] = lines[i].MenuItemId;
                args[9 + n + i] = lines[i].Quantity;
            }

            var pickup = timing?.PickupAt;
            args[9 + 2 * n] = timing?.AcceptBy?.ToUnixTimeMilliseconds() ?? 0;
            args[10 + 2 * n] = pickup?.ToUnixTimeMilliseconds() ?? 0;
            args[11 + 2 * n] = pickup is { } at ? OrderRules.FireAt(lines, definition, at, redis.Clock.GetUtcNow()).ToUnixTimeMilliseconds() : 0;

            trips.Add();
            var answer = await redis.RunAsync(
                redis.Scripts.PlaceOrder,
                [
                    RedisKeys.Order(location, orderId), RedisKeys.Menu(location), RedisKeys.EightySixed(location), RedisKeys.OrderQueue(location),
                    RedisKeys.OrderEvents(location), RedisKeys.Counts(location), RedisKeys.MenuEvents(location), RedisKeys.OrderNumbers(location, day),
                    RedisKeys.AwaitingAcceptance(location), RedisKeys.Scheduled(location),
                ],
                args,
                cancellationToken).ConfigureAwait(false);
            switch (answer.Code)
            {
                case ScriptCode.Created:
                case ScriptCode.Exists:
                    // The same order again may come because the first answer timed out waiting for a replica.
                    trips.Add(await redis.WaitForReplicasAsync(RedisKeys.Order(location, orderId), cancellationToken).ConfigureAwait(false) ? 1 : 0);
                    return new PlaceResult(ReadOrder(location, ToHash(answer.Values[1])), answer.Code == ScriptCode.Created) { RoundTrips = trips.Count };
                case ScriptCode.MenuChanged:
                    continue;
                case ScriptCode.Conflict:
                    throw Refusals.PlacedDifferently(orderId);
                default:
                    throw Refuse(answer, location, orderId, "the order");
            }
        }

        throw new TimeoutException($"the menu of '{location}' kept changing while order {orderId} was being placed");
    }

    /// <summary>The order as stored, when this order id was placed before with this content.</summary>
    private async Task<PlaceResult?> StoredAsAsync(string location, string orderId, string fingerprint, CancellationToken cancellationToken)
    {
        var entries = await redis.Db.HashGetAllAsync(RedisKeys.Order(location, orderId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        var hash = entries.ToDictionary(e => e.Name.ToString(), e => e.Value);
        return hash.TryGetValue("hash", out var stored) && stored == fingerprint ? new PlaceResult(ReadOrder(location, hash), false) : null;
    }

    public async Task<OrderData> CancelOrderAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var answer = await CloseAsync(location, orderId, "", deny: false, cancellationToken).ConfigureAwait(false);
        return answer.Code switch
        {
            ScriptCode.Cancelled or ScriptCode.Noop => await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false),
            ScriptCode.Completed => throw Refusals.Finished(orderId, "COMPLETED", " and can no longer be cancelled"),
            _ => throw answer.Unexpected(),
        };
    }

    /// <summary>
    /// Denies an order that awaits acceptance, with the reason the platform and the guest are told: it
    /// is cancelled and its counts go back. Denying it again changes nothing; one accepted meanwhile
    /// fails FAILED_PRECONDITION (cancel it instead).
    /// </summary>
    public async Task<OrderData> DenyOrderAsync(string location, string orderId, string reason, CancellationToken cancellationToken = default)
    {
        var answer = await CloseAsync(location, orderId, reason, deny: true, cancellationToken).ConfigureAwait(false);
        return answer.Code switch
        {
            ScriptCode.Cancelled or ScriptCode.Noop => await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false),
            ScriptCode.Finished => throw Refusals.Finished(orderId, answer[1], "; only an order awaiting acceptance can be denied (cancel it instead)"),
            _ => throw answer.Unexpected(),
        };
    }

    /// <summary>
    /// Accepts an order that awaits acceptance: it goes to the kitchen now, or at its fire time when it
    /// was placed for later. Accepting it again changes nothing; a denied one fails FAILED_PRECONDITION.
    /// </summary>
    public async Task<OrderData> AcceptOrderAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var now = redis.NowMs;
        var answer = await redis.RunAsync(
            redis.Scripts.AcceptOrder,
            [RedisKeys.Order(location, orderId), RedisKeys.OrderEvents(location), RedisKeys.AwaitingAcceptance(location), RedisKeys.Scheduled(location), RedisKeys.OrderQueue(location)],
            [now, redis.TrimMinId(now), RedisKeys.Bell(location).ToString()],
            cancellationToken).ConfigureAwait(false);
        switch (answer.Code)
        {
            case ScriptCode.Accepted:
            case ScriptCode.Noop:
                return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
            case ScriptCode.NotFound:
                await menus.GetMenuAsync(location, cancellationToken).ConfigureAwait(false);
                throw Refusals.UnknownOrder(location, orderId);
            case ScriptCode.Finished:
                var denied = await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
                throw Refusals.Finished(orderId, answer[1], denied.Reason.Length > 0 ? $" ({denied.Reason}) and can no longer be accepted" : " and can no longer be accepted");
            default:
                throw answer.Unexpected();
        }
    }

    /// <summary>Cancels or denies an order: its tickets voided, its counts given back, the reason kept.</summary>
    private Task<ScriptAnswer> CloseAsync(string location, string orderId, string reason, bool deny, CancellationToken cancellationToken) =>
        RunOnOrderTicketsAsync(
            location,
            orderId,
            [RedisKeys.Counts(location), RedisKeys.EightySixed(location), RedisKeys.MenuEvents(location), RedisKeys.AwaitingAcceptance(location), RedisKeys.Scheduled(location)],
            order =>
            {
                var taken = OrderRules.Taken(order.Lines);
                var args = new List<RedisValue> { (long)redis.Options.FinishedOrderRetention.TotalMilliseconds, string.Join(',', order.TicketIds), order.Version, taken.Count };
                foreach (var (item, quantity) in taken)
                {
                    args.Add(item);
                    args.Add(quantity);
                }

                args.Add(reason);
                args.Add(deny ? "deny" : "cancel");
                return args;
            },
            redis.Scripts.CancelOrder,
            cancellationToken);

    /// <summary>Marks an open order rush, or not: its open tickets jump ahead on every screen.</summary>
    public async Task<OrderData> SetRushAsync(string location, string orderId, bool rush, CancellationToken cancellationToken = default)
    {
        var answer = await RunOnOrderTicketsAsync(
            location, orderId, [], order => [rush ? "1" : "0", string.Join(',', order.TicketIds)], redis.Scripts.SetRush, cancellationToken).ConfigureAwait(false);
        switch (answer.Code)
        {
            case ScriptCode.Ok:
            case ScriptCode.Noop:
                break;
            case ScriptCode.Finished:
                throw Refusals.Finished(orderId, answer[1], "; only an open order can be rushed");
            default:
                throw answer.Unexpected();
        }

        return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a round of lines to an open order. The same <paramref name="roundId"/> again answers with
    /// the order as it stands and adds nothing.
    /// </summary>
    public Task<OrderData> AddItemsAsync(string location, string orderId, string roundId, IReadOnlyList<OrderLineData> lines, CancellationToken cancellationToken = default) =>
        AmendAsync(location, orderId, roundId, order => AmendmentPlan.AddRound(order, lines), cancellationToken);

    /// <summary>Voids lines of an open order by their index; voiding a voided line changes nothing.</summary>
    public Task<OrderData> VoidItemsAsync(string location, string orderId, IReadOnlyList<int> lineIndexes, CancellationToken cancellationToken = default) =>
        AmendAsync(location, orderId, "", order => AmendmentPlan.Void(order, lineIndexes), cancellationToken);

    /// <summary>
    /// Changes an order's lines and, once it is routed, its tickets with them, as
    /// <see cref="AmendmentPlan"/> decides. The script applies the plan only if the order is still at
    /// the version it was read at, and checks the counts and the 86 list itself, atomically.
    /// </summary>
    private async Task<OrderData> AmendAsync(
        string location, string orderId, string roundId, Func<OrderData, IReadOnlyList<OrderLineData>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var hash = (await redis.Db.HashGetAllAsync(RedisKeys.Order(location, orderId)).WaitAsync(cancellationToken).ConfigureAwait(false))
                .ToDictionary(e => e.Name.ToString(), e => e.Value);
            if (hash.Count == 0)
            {
                throw Refusals.UnknownOrder(location, orderId);
            }

            var order = ReadOrder(location, hash);
            var lines = change(order);
            var menu = await menus.GetMenuAsync(location, cancellationToken).ConfigureAwait(false);
            var routed = hash.ContainsKey("routed");
            var bodies = routed ? await ReadTicketBodiesAsync(location, order.TicketIds, cancellationToken).ConfigureAwait(false) : [];
            var now = redis.NowMs;
            var plan = AmendmentPlan.For(order, lines, menu.Location, routed, bodies, now, isRound: roundId.Length > 0);
            await redis.Interleavings.At(Interleavings.OrderPoint(location, orderId)).ConfigureAwait(false);

            var keys = new List<RedisKey>
            {
                RedisKeys.Order(location, orderId), RedisKeys.OrderEvents(location), RedisKeys.Counts(location),
                RedisKeys.EightySixed(location), RedisKeys.MenuEvents(location),
            };
            var args = new List<RedisValue>
            {
                now, redis.TrimMinId(now), RedisKeys.Bell(location).ToString(), order.Version,
                JsonSerializer.Serialize(
                    new OrderBody(plan.Lines, order.CreatedAt.ToUnixTimeMilliseconds(), order.Trace, OrderOrigin.Stored(order.Source), OrderOrigin.Stored(order.GuestName)),
                    DomainJson.Default.OrderBody),
                string.Join(',', plan.TicketIds), string.Join(',', plan.CookingSuffixes), roundId, plan.CountDeltas.Count,
            };
            foreach (var (item, delta) in plan.CountDeltas)
            {
                args.Add(item);
                args.Add(delta);
            }

            foreach (var ticket in plan.Tickets)
            {
                var body = ticket.Body;
                RedisContext.AddTicketKeys(keys, location, body.TicketId, body.StationId);
                args.AddRange(
                [
                    body.TicketId, body.StationId, JsonSerializer.Serialize(body, DomainJson.Default.TicketBody), body.Course, KindName(ticket.Kind), ticket.Grew ? "1" : "0",
                    TicketIds.Suffix(body.TicketId, orderId),
                ]);
            }

            var answer = await redis.RunAsync(redis.Scripts.AmendOrder, [.. keys], [.. args], cancellationToken).ConfigureAwait(false);
            switch (answer.Code)
            {
                case ScriptCode.Ok:
                case ScriptCode.Replay:
                    return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
                case ScriptCode.Retry:
                    continue;
                case ScriptCode.Finished:
                    throw Refusals.Finished(orderId, answer[1], " and can no longer be changed");
                default:
                    throw Refuse(answer, location, orderId, "the change");
            }
        }

        throw new TimeoutException($"order {orderId} kept changing while it was being amended");
    }

    /// <summary>The word amend_order.lua knows each ticket change by.</summary>
    private static string KindName(TicketAmendmentKind kind) => kind switch
    {
        TicketAmendmentKind.New => "new",
        TicketAmendmentKind.Void => "void",
        _ => "update",
    };

    private async Task<Dictionary<string, TicketBody>> ReadTicketBodiesAsync(string location, IReadOnlyList<string> ticketIds, CancellationToken cancellationToken)
    {
        var batch = redis.Db.CreateBatch();
        var reads = ticketIds.Select(id => batch.HashGetAsync(RedisKeys.Ticket(location, id), "body")).ToArray();
        batch.Execute();
        var bodies = new Dictionary<string, TicketBody>(StringComparer.Ordinal);
        for (var i = 0; i < reads.Length; i++)
        {
            var body = await reads[i].WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!body.IsNull)
            {
                bodies[ticketIds[i]] = JsonSerializer.Deserialize(body.ToString(), DomainJson.Default.TicketBody)!;
            }
        }

        return bodies;
    }

    /// <summary>Fires a held course of an order: its tickets reach their stations now.</summary>
    public async Task<OrderData> FireCourseAsync(string location, string orderId, int course, CancellationToken cancellationToken = default)
    {
        var answer = await RunOnOrderTicketsAsync(
            location, orderId, [], order => [course, string.Join(',', order.TicketIds)], redis.Scripts.FireCourse, cancellationToken).ConfigureAwait(false);
        switch (answer.Code)
        {
            case ScriptCode.Fired:
            case ScriptCode.Noop:
                break;
            case ScriptCode.Finished:
                throw Refusals.Finished(orderId, answer[1], "; its courses can no longer be fired");
            case ScriptCode.NotRouted:
                throw Refusals.NotInKitchenYet(orderId, course);
            case ScriptCode.NoCourse:
                throw Refusals.NoCourse(orderId, course);
            default:
                throw answer.Unexpected();
        }

        return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The refusal an order script's answer stands for, where the words are the same for every script:
    /// an unknown location, order or item, a closed location, an 86'd item, a count that runs short of
    /// what <paramref name="what"/> ("the order", "the change") needs. Anything else was not expected.
    /// </summary>
    private static Exception Refuse(ScriptAnswer answer, string location, string orderId, string what) => answer.Code switch
    {
        ScriptCode.NoLocation => Refusals.UnknownLocation(location),
        ScriptCode.Closed => Refusals.ClosedLocation(location),
        ScriptCode.NotFound => Refusals.UnknownOrder(location, orderId),
        ScriptCode.UnknownItem => Refusals.UnknownItem(location, answer[1]!),
        ScriptCode.Unavailable => Refusals.EightySixed(answer[1]!),
        ScriptCode.Short => Refusals.Short(answer[1]!, answer[2]!, answer[3]!, what),
        _ => answer.Unexpected(),
    };

    /// <summary>
    /// Runs a script over an order and all its tickets. KEYS: the order, the order events, then
    /// <paramref name="extraKeys"/>, then per ticket its hash, station open set and station events.
    /// ARGV: now, trim min id, bell, then what <paramref name="args"/> gives, and last the tickets'
    /// suffixes csv (in the KEYS' order), so no script cuts them out of ids. The script answers RETRY
    /// when the order's tickets changed since they were read here (a worker routed it meanwhile).
    /// </summary>
    private async Task<ScriptAnswer> RunOnOrderTicketsAsync(
        string location, string orderId, RedisKey[] extraKeys, Func<OrderData, List<RedisValue>> args, Script script, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var order = await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
            await redis.Interleavings.At(Interleavings.OrderPoint(location, orderId)).ConfigureAwait(false);
            var keys = new List<RedisKey> { RedisKeys.Order(location, orderId), RedisKeys.OrderEvents(location) };
            keys.AddRange(extraKeys);
            foreach (var ticketId in order.TicketIds)
            {
                RedisContext.AddTicketKeys(keys, location, ticketId, TicketIds.StationOf(ticketId));
            }

            var now = redis.NowMs;
            List<RedisValue> values =
            [
                now, redis.TrimMinId(now), RedisKeys.Bell(location).ToString(), .. args(order),
                string.Join(',', order.TicketIds.Select(id => TicketIds.Suffix(id, orderId))),
            ];
            var answer = await redis.RunAsync(script, [.. keys], [.. values], cancellationToken).ConfigureAwait(false);
            switch (answer.Code)
            {
                case ScriptCode.NotFound:
                    throw Refusals.UnknownOrder(location, orderId);
                case ScriptCode.Retry:
                    continue;
                default:
                    return answer;
            }
        }

        throw new TimeoutException($"order {orderId} kept changing while it was being updated");
    }
}
