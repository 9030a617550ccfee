using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Restaurant.Core.Domain;
using Restaurant.Core.Kitchen;
using Restaurant.Core.Locations;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// Every read and write of the order flow. Each step that changes state is one Lua script, so a crash
/// or a timeout leaves either all of it or none of it, and every script is safe to run again.
/// </summary>
public sealed partial class RedisStore(
    IConnectionMultiplexer redis, IOptions<RedisStoreOptions> options, TimeProvider clock, IOptions<RedisOptions>? redisOptions = null, ILogger<RedisStore>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly RedisStoreOptions _options = options.Value;
    private readonly bool _sharded = redisOptions?.Value.ShardedPubSub ?? true;
    private readonly int _waitReplicas = redisOptions?.Value.WaitReplicas ?? 0;
    private readonly TimeSpan _waitTimeout = redisOptions?.Value.WaitTimeout ?? TimeSpan.FromMilliseconds(250);
    private readonly Scripts _scripts = Scripts.For(redisOptions?.Value.ShardedPubSub ?? true);
    private readonly MenuCache _menus = new();

    /// <summary>
    /// Ticket bodies as parsed, keyed by their JSON: an amend rewrites a ticket's body, and the new JSON
    /// is a new key; every screen of a station, and expo at each step of an order, reads the same one.
    /// </summary>
    private static readonly ParsedCache<TicketBody> TicketBodies = new(json => JsonSerializer.Deserialize(json, CoreJson.Default.TicketBody)!, 4096);

    /// <summary>Each location's expo station, for scripts that bring expo's ticket up to date.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _expo = new(StringComparer.Ordinal);

    /// <summary>Each location's settings (its time zone gives the business day of an order's number).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LocationSettings> _settings = new(StringComparer.Ordinal);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Where tests play a race between a read and its script.</summary>
    internal Interleavings Interleavings { get; } = new();

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The oldest stream id kept when a stream is appended to.</summary>
    private string TrimMinId(long nowMs) => $"{nowMs - (long)_options.StreamRetention.TotalMilliseconds}-0";

    public async Task<bool> LoadLocationAsync(LocationDefinition location, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(location, CoreJson.Default.LocationDefinition);
        var anyItem = location.ModifierList.Where(m => m.AnyItem).Select(m => m.Key);
        var args = new List<RedisValue>
        {
            location.Id, Hash(json), json, RedisKeys.Bell(location.Id).ToString(), Framed(anyItem), TrimMinId(NowMs),
        };
        foreach (var item in location.Items)
        {
            args.Add(item.Id);
            args.Add(item.Station);
            args.Add(Framed(item.AllowedModifiers.Select(ModifierDefinition.Normalize)));
        }

        var result = await Db.ScriptEvaluateAsync(
            _scripts.LoadMenu,
            [RedisKeys.Menu(location.Id), RedisKeys.EightySixed(location.Id), RedisKeys.Counts(location.Id), RedisKeys.MenuEvents(location.Id)],
            [.. args]).WaitAsync(cancellationToken).ConfigureAwait(false);

        _settings[location.Id] = location.Options;

        // After the menu is in place, so a worker that finds the location finds its menu too.
        await Db.SetAddAsync(RedisKeys.Locations, location.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (string?)result is "LOADED" or "REOPENED";
    }

    /// <summary>Names framed by newlines ("\na\nb\n"), so a script can look one up with a plain find.</summary>
    private static string Framed(IEnumerable<string> names) => "\n" + string.Concat(names.Select(n => n + "\n"));

    /// <summary>
    /// Closes a location whose data file was removed: it takes no new orders, while its kitchen
    /// finishes what it has (screens, bumps and the queue go on). Loading it again reopens it.
    /// </summary>
    public async Task<bool> CloseLocationAsync(string location, CancellationToken cancellationToken = default)
    {
        var tx = Db.CreateTransaction();
        tx.AddCondition(Condition.KeyExists(RedisKeys.Menu(location)));
        tx.AddCondition(Condition.HashNotExists(RedisKeys.Menu(location), "closed"));
        _ = tx.HashSetAsync(RedisKeys.Menu(location), "closed", "1");
        _ = tx.ExecuteAsync("XADD", RedisKeys.MenuEvents(location), "MINID", TrimMinId(NowMs), "*", "item", "*");
        if (!await tx.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await Db.PublishAsync(RedisKeys.Bell(location, _sharded), RedisKeys.MenuTopic).WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<string>> GetLocationIdsAsync(CancellationToken cancellationToken = default)
    {
        var members = await Db.SetMembersAsync(RedisKeys.Locations).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. members.Select(m => m.ToString()).Order(StringComparer.Ordinal)];
    }

    /// <summary>The location's menu as it stands, or NOT_FOUND for an unknown location.</summary>
    public async Task<MenuSnapshot> GetMenuAsync(string location, CancellationToken cancellationToken = default)
    {
        var batch = Db.CreateBatch();
        var hashTask = batch.HashGetAsync(RedisKeys.Menu(location), "hash");
        var offTask = batch.SetMembersAsync(RedisKeys.EightySixed(location));
        var countsTask = batch.HashGetAllAsync(RedisKeys.Counts(location));
        batch.Execute();
        var hash = await hashTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        var off = await offTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        var counts = await countsTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (hash.IsNull)
        {
            throw RestaurantException.NotFound($"location '{location}' is not known");
        }

        var definition = await DefinitionAsync(location, hash.ToString(), cancellationToken).ConfigureAwait(false);
        return new MenuSnapshot(
            definition,
            off.Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal),
            counts.ToDictionary(c => c.Name.ToString(), c => (int)c.Value, StringComparer.Ordinal));
    }

    /// <summary>The location's definition for its content hash: read and parsed only when the hash changed.</summary>
    private async Task<LocationDefinition> DefinitionAsync(string location, string hash, CancellationToken cancellationToken)
    {
        var definition = await _menus.GetAsync(location, hash, async () =>
        {
            var json = await Db.HashGetAsync(RedisKeys.Menu(location), "def").WaitAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(json.ToString(), CoreJson.Default.LocationDefinition)!;
        }).ConfigureAwait(false);
        _expo[location] = definition.Expo.Id;
        _settings[location] = definition.Options;
        return definition;
    }

    /// <summary>A location's settings, from the definition this process last read (read once when it has none).</summary>
    private async Task<LocationSettings> SettingsOfAsync(string location, CancellationToken cancellationToken) =>
        _settings.TryGetValue(location, out var settings)
            ? settings
            : (await GetMenuAsync(location, cancellationToken).ConfigureAwait(false)).Location.Options;

    /// <summary>
    /// 86s an item or brings it back; <paramref name="remaining"/> also sets how many are left (a
    /// negative number stops counting the item, null keeps the count as it is).
    /// </summary>
    public async Task SetItemAvailabilityAsync(string location, string itemId, bool available, int? remaining = null, CancellationToken cancellationToken = default)
    {
        var result = (string?)await Db.ScriptEvaluateAsync(
            _scripts.SetAvailability,
            [RedisKeys.Menu(location), RedisKeys.EightySixed(location), RedisKeys.Counts(location), RedisKeys.MenuEvents(location)],
            [itemId, available ? "1" : "0", RedisKeys.Bell(location).ToString(), remaining switch { null => "", < 0 => "-1", { } n => n }, TrimMinId(NowMs)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case "NO_LOCATION":
                throw RestaurantException.NotFound($"location '{location}' is not known");
            case "UNKNOWN_ITEM":
                throw RestaurantException.NotFound($"menu item '{itemId}' is not on the menu of '{location}'");
        }
    }

    /// <summary>
    /// Stores and queues a new order in one script, which also checks the menu (unknown or 86'd items)
    /// atomically. The same order id with the same content answers with the stored order.
    /// </summary>
    public async Task<PlaceResult> PlaceOrderAsync(
        string location, string orderId, IReadOnlyList<OrderLineData> lines, bool rush = false, CancellationToken cancellationToken = default, string? trace = null)
    {
        var now = NowMs;
        var day = (await SettingsOfAsync(location, cancellationToken).ConfigureAwait(false)).BusinessDay(clock.GetUtcNow());
        var body = JsonSerializer.Serialize(new OrderBody(lines, now, trace), CoreJson.Default.OrderBody);
        var n = lines.Count;
        var args = new RedisValue[8 + 3 * n + lines.Sum(l => l.Modifiers.Count)];
        args[0] = orderId;
        args[1] = ContentHash(lines, rush);
        args[2] = body;
        args[3] = now;
        args[4] = TrimMinId(now);
        args[5] = RedisKeys.Bell(location).ToString();
        args[6] = rush ? "1" : "0";
        args[7] = n;
        var at = 8 + 3 * n;
        for (var i = 0; i < n; i++)
        {
            args[8 + i] = lines[i].MenuItemId;
            args[8 + n + i] = lines[i].Quantity;
            args[8 + 2 * n + i] = lines[i].Modifiers.Count;
            foreach (var modifier in lines[i].Modifiers)
            {
                args[at++] = ModifierDefinition.Normalize(modifier);
            }
        }

        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            _scripts.PlaceOrder,
            [
                RedisKeys.Order(location, orderId), RedisKeys.Menu(location), RedisKeys.EightySixed(location), RedisKeys.OrderQueue(location),
                RedisKeys.OrderEvents(location), RedisKeys.Counts(location), RedisKeys.MenuEvents(location), RedisKeys.OrderNumbers(location, day),
            ],
            args).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        switch ((string?)result[0])
        {
            case "CREATED":
                await WaitForReplicasAsync(RedisKeys.Order(location, orderId), cancellationToken).ConfigureAwait(false);
                return new PlaceResult(ReadOrder(location, ToHash(result[1])), true);
            case "EXISTS":
                // The same order again, maybe because the first answer timed out waiting for a replica.
                await WaitForReplicasAsync(RedisKeys.Order(location, orderId), cancellationToken).ConfigureAwait(false);
                return new PlaceResult(ReadOrder(location, ToHash(result[1])), false);
            case "CONFLICT":
                throw new RestaurantException(ErrorKind.AlreadyExists, $"order_id {orderId} was already placed with different content");
            case "NO_LOCATION":
                throw RestaurantException.NotFound($"location '{location}' is not known");
            case "CLOSED":
                throw RestaurantException.Precondition($"location '{location}' is closed (its data file was removed): it takes no new orders");
            case "BAD_MODIFIER":
                var line = int.Parse((string)result[1]!, System.Globalization.CultureInfo.InvariantCulture);
                var index = int.Parse((string)result[2]!, System.Globalization.CultureInfo.InvariantCulture);
                throw RestaurantException.Invalid(
                    $"lines[{line}].modifiers[{index}]: '{OrderValidator.Shorten(lines[line].Modifiers[index])}' is not a modifier of '{(string?)result[3]}'");
            case "UNKNOWN_ITEM":
                throw RestaurantException.NotFound($"menu item '{(string?)result[1]}' is not on the menu of '{location}'");
            case "UNAVAILABLE":
                throw RestaurantException.Precondition($"menu item '{(string?)result[1]}' is 86'd (sold out)");
            case "SHORT":
                throw RestaurantException.Precondition($"menu item '{(string?)result[1]}' has only {(string?)result[2]} left; the order needs {(string?)result[3]}");
            default:
                throw new InvalidOperationException($"place_order answered '{(string?)result[0]}'");
        }
    }

    /// <summary>
    /// With <see cref="RedisOptions.WaitReplicas"/> set: waits until that many replicas of the key's
    /// master hold what was written so far, or answers UNAVAILABLE (the caller may send the same again).
    /// </summary>
    private async Task WaitForReplicasAsync(RedisKey key, CancellationToken cancellationToken)
    {
        if (_waitReplicas <= 0)
        {
            return;
        }

        var timeout = (long)_waitTimeout.TotalMilliseconds;
        var acked = (long)await redis.GetServer(key).ExecuteAsync("WAIT", _waitReplicas, timeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (acked < _waitReplicas)
        {
            throw new RestaurantException(
                ErrorKind.Unavailable,
                $"the order is stored but only {acked} of {_waitReplicas} replicas confirmed it within {timeout} ms; send the same order again");
        }
    }

    public async Task<OrderData?> FindOrderAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var entries = await Db.HashGetAllAsync(RedisKeys.Order(location, orderId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.Length == 0 ? null : ReadOrder(location, entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
    }

    /// <summary>
    /// What routing a batch needs, in one round trip: the location's definition (kept while its content
    /// hash is unchanged) and the orders, in the order asked (a missing one is null).
    /// </summary>
    public async Task<(LocationDefinition Location, IReadOnlyList<OrderData?> Orders)> ReadForRoutingAsync(
        string location, IReadOnlyList<string> orderIds, CancellationToken cancellationToken = default)
    {
        var batch = Db.CreateBatch();
        var hashTask = batch.HashGetAsync(RedisKeys.Menu(location), "hash");
        var reads = orderIds.Select(id => batch.HashGetAllAsync(RedisKeys.Order(location, id))).ToArray();
        batch.Execute();
        var hash = await hashTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (hash.IsNull)
        {
            throw RestaurantException.NotFound($"location '{location}' is not known");
        }

        var definition = await DefinitionAsync(location, hash.ToString(), cancellationToken).ConfigureAwait(false);
        var orders = new OrderData?[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            var entries = await reads[i].WaitAsync(cancellationToken).ConfigureAwait(false);
            orders[i] = entries.Length == 0 ? null : ReadOrder(location, entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
        }

        return (definition, orders);
    }


    public async Task<OrderData> GetOrderAsync(string location, string orderId, CancellationToken cancellationToken = default) =>
        await FindOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false)
        ?? throw RestaurantException.NotFound($"order {orderId} is not known at '{location}'");

    public async Task<OrderData> CancelOrderAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var answer = await RunOnOrderTicketsAsync(
            location,
            orderId,
            [RedisKeys.Counts(location), RedisKeys.EightySixed(location), RedisKeys.MenuEvents(location)],
            order =>
            {
                // Voided lines gave their counts back when they were voided.
                var taken = order.Lines.Where(l => !l.Voided).GroupBy(l => l.MenuItemId).Select(g => (Item: g.Key, Quantity: g.Sum(l => l.Quantity))).ToList();
                var args = new List<RedisValue> { (long)_options.FinishedOrderRetention.TotalMilliseconds, string.Join(',', order.TicketIds), order.Version, taken.Count };
                foreach (var (item, quantity) in taken)
                {
                    args.Add(item);
                    args.Add(quantity);
                }

                return args;
            },
            _scripts.CancelOrder,
            cancellationToken).ConfigureAwait(false);
        if ((string?)answer[0] == "COMPLETED")
        {
            throw RestaurantException.Precondition($"order {orderId} is completed and can no longer be cancelled");
        }

        return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks an open order rush, or not: its open tickets jump ahead on every screen.</summary>
    public async Task<OrderData> SetRushAsync(string location, string orderId, bool rush, CancellationToken cancellationToken = default)
    {
        var answer = await RunOnOrderTicketsAsync(
            location, orderId, [], order => [rush ? "1" : "0", string.Join(',', order.TicketIds)], _scripts.SetRush, cancellationToken).ConfigureAwait(false);
        if ((string?)answer[0] == "FINISHED")
        {
            throw RestaurantException.Precondition($"order {orderId} is {((string?)answer[1])?.ToLowerInvariant()}; only an open order can be rushed");
        }

        return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a script over an order and all its tickets. KEYS: the order, the order events, then
    /// <paramref name="extraKeys"/>, then per ticket its hash, station open set and station events.
    /// ARGV: now, trim min id, bell, then what <paramref name="args"/> gives. The script answers RETRY
    /// when the order's tickets changed since they were read here (a worker routed it meanwhile).
    /// </summary>
    private async Task<RedisResult[]> RunOnOrderTicketsAsync(
        string location, string orderId, RedisKey[] extraKeys, Func<OrderData, List<RedisValue>> args, string script, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var order = await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
            await Interleavings.At(Interleavings.OrderPoint(location, orderId)).ConfigureAwait(false);
            var keys = new List<RedisKey> { RedisKeys.Order(location, orderId), RedisKeys.OrderEvents(location) };
            keys.AddRange(extraKeys);
            foreach (var ticketId in order.TicketIds)
            {
                AddTicketKeys(keys, location, ticketId, StationOfTicket(ticketId));
            }

            var now = NowMs;
            List<RedisValue> values = [now, TrimMinId(now), RedisKeys.Bell(location).ToString(), .. args(order)];
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(script, [.. keys], [.. values]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            switch ((string?)result[0])
            {
                case "NOT_FOUND":
                    throw RestaurantException.NotFound($"order {orderId} is not known at '{location}'");
                case "RETRY":
                    continue;
                default:
                    return result;
            }
        }

        throw new TimeoutException($"order {orderId} kept changing while it was being updated");
    }

    /// <summary>The four keys every script that touches a ticket takes for it, in the scripts' order.</summary>
    private static void AddTicketKeys(List<RedisKey> keys, string location, string ticketId, string station)
    {
        keys.Add(RedisKeys.Ticket(location, ticketId));
        keys.Add(RedisKeys.OpenTickets(location, station));
        keys.Add(RedisKeys.StationEvents(location, station));
        keys.Add(RedisKeys.AllDay(location, station));
    }

    /// <summary>Writes an order's tickets, queues the first course to its stations and acknowledges the message, at once.</summary>
    public async Task<RouteOutcome> RouteOrderAsync(
        string location, string messageId, OrderData order, IReadOnlyList<TicketBody> routed, bool autoFire, CancellationToken cancellationToken = default)
    {
        var now = NowMs;
        var orderId = order.OrderId;
        var expo = routed[^1];
        var cooking = routed.Take(routed.Count - 1).Where(t => !KitchenRouter.IsVoided(t)).ToList();
        var tickets = cooking.Append(expo).ToList();
        var courses = cooking.Select(t => t.Course).Distinct().Order().ToList();
        var keys = new List<RedisKey>(3 + tickets.Count * 4)
        {
            RedisKeys.Order(location, orderId), RedisKeys.OrderQueue(location), RedisKeys.OrderEvents(location),
        };
        var args = new List<RedisValue>(11 + tickets.Count * 4)
        {
            RedisKeys.WorkerGroup, messageId, now, TrimMinId(now), RedisKeys.Bell(location).ToString(),
            string.Join(',', cooking.Select(t => t.TicketId[(orderId.Length + 1)..])), expo.StationId, string.Join(',', tickets.Select(t => t.TicketId)),
            autoFire ? "1" : "0", string.Join(',', courses), string.Join(',', courses.Where(c => c > 1)), order.Version,
        };
        foreach (var ticket in tickets)
        {
            AddTicketKeys(keys, location, ticket.TicketId, ticket.StationId);
            args.Add(ticket.TicketId);
            args.Add(ticket.StationId);
            args.Add(JsonSerializer.Serialize(ticket, CoreJson.Default.TicketBody));
            args.Add(ticket.Course);
        }

        var result = (string?)await Db.ScriptEvaluateAsync(_scripts.RouteOrder, [.. keys], [.. args]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return result switch
        {
            "ROUTED" => RouteOutcome.Routed,
            "SKIPPED" => RouteOutcome.Skipped,
            "MISSING" => RouteOutcome.Missing,
            "RETRY" => RouteOutcome.Stale,
            _ => throw new InvalidOperationException($"route_order answered '{result}'"),
        };
    }

    public async Task<TicketChange> BumpTicketAsync(string location, string stationId, string ticketId, CancellationToken cancellationToken = default)
    {
        var (orderId, suffix) = SplitTicketId(ticketId, stationId);
        var keys = await TicketKeysAsync(location, stationId, ticketId, orderId, cancellationToken).ConfigureAwait(false);
        var now = NowMs;
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            _scripts.BumpTicket,
            [.. keys, RedisKeys.SpeedOfService(location)],
            [
                stationId, now, TrimMinId(now), RedisKeys.Bell(location).ToString(), (long)_options.FinishedOrderRetention.TotalMilliseconds, suffix,
                $"{now - (long)_options.ReportRetention.TotalMilliseconds}-0",
            ])
            .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        switch ((string?)result[0])
        {
            case "BUMPED":
            case "NOOP":
                var status = StateNames.ParseOrderState((string?)result[1]);
                if (int.Parse((string)result[2]!, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var next)
                {
                    // The course is done and the location fires the next one by itself. Firing is
                    // idempotent, and a course left held (by a crash here, or because the order was
                    // cancelled meanwhile) is still fired by hand at expo. The answer is the bump's.
                    try
                    {
                        await FireCourseAsync(location, orderId, next, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is RestaurantException or TimeoutException)
                    {
                        Log.AutoFireFailed(_logger, location, orderId, next, ex.Message);
                    }
                }

                return new TicketChange(ReadTicketView(result, 3), status, (string?)result[0] == "BUMPED");
            case "NOT_FOUND":
                throw RestaurantException.NotFound($"ticket {OrderValidator.Shorten(ticketId)} is not at station '{stationId}' of '{location}'");
            case "VOIDED":
                throw RestaurantException.Precondition($"ticket {OrderValidator.Shorten(ticketId)} is voided and cannot be bumped");
            case "HELD":
                throw RestaurantException.Precondition($"ticket {OrderValidator.Shorten(ticketId)} is in course {(string?)result[1]}, which is held: fire the course first");
            case "NOT_READY":
                var cooking = (string?)result[1];
                throw RestaurantException.Precondition(string.IsNullOrEmpty(cooking)
                    ? $"order {orderId} is {(string?)result[2]} and cannot leave expo yet"
                    : $"order {orderId} is not ready: still cooking at {cooking}");
            default:
                throw new InvalidOperationException($"bump_ticket answered '{(string?)result[0]}'");
        }
    }

    public async Task<TicketChange> RecallTicketAsync(string location, string stationId, string ticketId, CancellationToken cancellationToken = default)
    {
        var (orderId, suffix) = SplitTicketId(ticketId, stationId);
        var keys = await TicketKeysAsync(location, stationId, ticketId, orderId, cancellationToken).ConfigureAwait(false);
        var now = NowMs;
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            _scripts.RecallTicket,
            keys,
            [stationId, now, TrimMinId(now), RedisKeys.Bell(location).ToString(), suffix])
            .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        switch ((string?)result[0])
        {
            case "RECALLED":
            case "NOOP":
                return new TicketChange(ReadTicketView(result, 2), StateNames.ParseOrderState((string?)result[1]));
            case "NOT_FOUND":
                throw RestaurantException.NotFound($"ticket {OrderValidator.Shorten(ticketId)} is not at station '{stationId}' of '{location}'");
            case "VOIDED":
                throw RestaurantException.Precondition($"ticket {OrderValidator.Shorten(ticketId)} is voided (order cancelled) and cannot be recalled");
            case "COMPLETED":
                throw RestaurantException.Precondition($"order {orderId} is completed: recall it at expo first");
            default:
                throw new InvalidOperationException($"recall_ticket answered '{(string?)result[0]}'");
        }
    }

    /// <summary>An order holds at most this many lines, over all its rounds.</summary>
    public const int MaxLinesInAll = 200;

    /// <summary>
    /// Adds a round of lines to an open order. The same <paramref name="roundId"/> again answers with
    /// the order as it stands and adds nothing.
    /// </summary>
    public Task<OrderData> AddItemsAsync(string location, string orderId, string roundId, IReadOnlyList<OrderLineData> lines, CancellationToken cancellationToken = default) =>
        AmendAsync(location, orderId, roundId, current =>
        {
            if (current.Count + lines.Count > MaxLinesInAll)
            {
                throw RestaurantException.Invalid($"lines: order {orderId} has {current.Count} lines; with {lines.Count} more it would pass {MaxLinesInAll}");
            }

            var round = current.Count == 0 ? 1 : current.Max(l => l.Round) + 1;
            return [.. current, .. lines.Select(l => l with { Round = round, Voided = false })];
        }, cancellationToken);

    /// <summary>Voids lines of an open order by their index; voiding a voided line changes nothing.</summary>
    public Task<OrderData> VoidItemsAsync(string location, string orderId, IReadOnlyList<int> lineIndexes, CancellationToken cancellationToken = default) =>
        AmendAsync(location, orderId, "", current =>
        {
            foreach (var index in lineIndexes.Where(i => i < 0 || i >= current.Count))
            {
                throw RestaurantException.Invalid($"line_indexes: order {orderId} has no line {index} (it has {current.Count})");
            }

            return [.. current.Select((l, i) => lineIndexes.Contains(i) ? l with { Voided = true } : l)];
        }, cancellationToken);

    /// <summary>
    /// Changes an order's lines and, once it is routed, its tickets with them: new tickets for new
    /// stations or courses, changed ones for the rest, voided ones where nothing is left. The script
    /// applies the change only if the order is still at the version it was read at.
    /// </summary>
    private async Task<OrderData> AmendAsync(
        string location, string orderId, string roundId, Func<IReadOnlyList<OrderLineData>, List<OrderLineData>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var hash = (await Db.HashGetAllAsync(RedisKeys.Order(location, orderId)).WaitAsync(cancellationToken).ConfigureAwait(false))
                .ToDictionary(e => e.Name.ToString(), e => e.Value);
            if (hash.Count == 0)
            {
                throw RestaurantException.NotFound($"order {orderId} is not known at '{location}'");
            }

            var order = ReadOrder(location, hash);
            var lines = change(order.Lines);
            var menu = await GetMenuAsync(location, cancellationToken).ConfigureAwait(false);
            var fresh = lines.Skip(order.Lines.Count).ToList();
            MenuValidator.Check(fresh, menu.Location);
            await Interleavings.At(Interleavings.OrderPoint(location, orderId)).ConfigureAwait(false);

            var deltas = lines.Where(l => !l.Voided).GroupBy(l => l.MenuItemId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
            foreach (var old in order.Lines.Where(l => !l.Voided))
            {
                deltas[old.MenuItemId] = deltas.GetValueOrDefault(old.MenuItemId) - old.Quantity;
            }

            var now = NowMs;
            var keys = new List<RedisKey>
            {
                RedisKeys.Order(location, orderId), RedisKeys.OrderEvents(location), RedisKeys.Counts(location),
                RedisKeys.EightySixed(location), RedisKeys.MenuEvents(location),
            };
            var changed = deltas.Where(d => d.Value != 0).ToList();
            var args = new List<RedisValue>
            {
                now, TrimMinId(now), RedisKeys.Bell(location).ToString(), order.Version,
                JsonSerializer.Serialize(new OrderBody(lines, order.CreatedAt.ToUnixTimeMilliseconds()), CoreJson.Default.OrderBody),
            };
            var ticketArgs = new List<RedisValue>();
            if (hash.ContainsKey("routed"))
            {
                var routed = KitchenRouter.Route(orderId, lines, menu.Location, now);
                var existing = order.TicketIds.ToHashSet(StringComparer.Ordinal);
                var kept = routed.Where((t, i) => i == routed.Count - 1 || existing.Contains(t.TicketId) || !KitchenRouter.IsVoided(t)).ToList();
                var oldBodies = await ReadTicketBodiesAsync(location, [.. kept.Where(t => existing.Contains(t.TicketId)).Select(t => t.TicketId)], cancellationToken).ConfigureAwait(false);
                var round = lines.Count == 0 ? 0 : lines.Max(l => l.Round);
                var ids = order.TicketIds.Concat(kept.Select(t => t.TicketId)).Distinct().ToList();
                var expoId = kept[^1].TicketId;
                ids.Remove(expoId);
                ids.Add(expoId);
                args.Add(string.Join(',', ids));
                args.Add(string.Join(',', ids.Take(ids.Count - 1).Select(id => id[(orderId.Length + 1)..])));
                foreach (var ticket in kept)
                {
                    // A ticket keeps what routing gave it (its creation, placing time, trace), and the order's
                    // number. A ticket a round makes has no placing time: place → screen is the order's.
                    var body = oldBodies.TryGetValue(ticket.TicketId, out var old)
                        ? ticket with { CreatedAtMs = old.CreatedAtMs, PlacedAtMs = old.PlacedAtMs, Trace = old.Trace, OrderNumber = order.Number }
                        : ticket with { OrderNumber = order.Number };
                    if (old is not null && ticket != kept[^1]
                        && JsonSerializer.Serialize(body, CoreJson.Default.TicketBody) == JsonSerializer.Serialize(old, CoreJson.Default.TicketBody))
                    {
                        // Untouched by this change: its screens hear nothing.
                        continue;
                    }

                    var action = !existing.Contains(ticket.TicketId) ? "new" : KitchenRouter.IsVoided(ticket) && ticket != kept[^1] ? "void" : "update";
                    var grew = roundId.Length > 0 && ticket.Items.Any(i => !i.Voided && lines[i.LineIndex].Round == round);
                    AddTicketKeys(keys, location, ticket.TicketId, ticket.StationId);
                    ticketArgs.AddRange([ticket.TicketId, ticket.StationId, JsonSerializer.Serialize(body, CoreJson.Default.TicketBody), ticket.Course, action, grew ? "1" : "0"]);
                }
            }
            else
            {
                args.Add(string.Join(',', order.TicketIds));
                args.Add("");
            }

            args.Add(roundId);
            args.Add(changed.Count);
            foreach (var (item, delta) in changed)
            {
                args.Add(item);
                args.Add(delta);
            }

            args.AddRange(ticketArgs);
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(_scripts.AmendOrder, [.. keys], [.. args]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            switch ((string?)result[0])
            {
                case "OK":
                case "REPLAY":
                    return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
                case "RETRY":
                    continue;
                case "NOT_FOUND":
                    throw RestaurantException.NotFound($"order {orderId} is not known at '{location}'");
                case "FINISHED":
                    throw RestaurantException.Precondition($"order {orderId} is {((string?)result[1])?.ToLowerInvariant()} and can no longer be changed");
                case "UNAVAILABLE":
                    throw RestaurantException.Precondition($"menu item '{(string?)result[1]}' is 86'd (sold out)");
                case "SHORT":
                    throw RestaurantException.Precondition($"menu item '{(string?)result[1]}' has only {(string?)result[2]} left; the change needs {(string?)result[3]}");
                default:
                    throw new InvalidOperationException($"amend_order answered '{(string?)result[0]}'");
            }
        }

        throw new TimeoutException($"order {orderId} kept changing while it was being amended");
    }

    private async Task<Dictionary<string, TicketBody>> ReadTicketBodiesAsync(string location, IReadOnlyList<string> ticketIds, CancellationToken cancellationToken)
    {
        var batch = Db.CreateBatch();
        var reads = ticketIds.Select(id => batch.HashGetAsync(RedisKeys.Ticket(location, id), "body")).ToArray();
        batch.Execute();
        var bodies = new Dictionary<string, TicketBody>(StringComparer.Ordinal);
        for (var i = 0; i < reads.Length; i++)
        {
            var body = await reads[i].WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!body.IsNull)
            {
                bodies[ticketIds[i]] = JsonSerializer.Deserialize(body.ToString(), CoreJson.Default.TicketBody)!;
            }
        }

        return bodies;
    }

    /// <summary>Fires a held course of an order: its tickets reach their stations now.</summary>
    public async Task<OrderData> FireCourseAsync(string location, string orderId, int course, CancellationToken cancellationToken = default)
    {
        var answer = await RunOnOrderTicketsAsync(
            location, orderId, [], order => [course, string.Join(',', order.TicketIds)], _scripts.FireCourse, cancellationToken).ConfigureAwait(false);
        switch ((string?)answer[0])
        {
            case "FINISHED":
                throw RestaurantException.Precondition($"order {orderId} is {((string?)answer[1])?.ToLowerInvariant()}; its courses can no longer be fired");
            case "NOT_ROUTED":
                throw RestaurantException.Precondition($"order {orderId} has not reached the kitchen yet; fire course {course} in a moment");
            case "NO_COURSE":
                throw RestaurantException.NotFound($"order {orderId} has no course {course}");
        }

        return await GetOrderAsync(location, orderId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The station's open tickets, its all-day counts and the token of that same moment, read by one
    /// script: an amend rewrites ticket bodies, so bodies read after the token could be newer than it.
    /// </summary>
    public async Task<StationSnapshot> SnapshotAsync(string location, string stationId, CancellationToken cancellationToken = default)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            _scripts.Snapshot,
            [RedisKeys.OpenTickets(location, stationId), RedisKeys.StationEvents(location, stationId), RedisKeys.AllDay(location, stationId)],
            [RedisKeys.Tag(location) + "ticket:"])
            .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        await Interleavings.At(Interleavings.SnapshotPoint(location, stationId)).ConfigureAwait(false);
        var token = (string)result[0]!;
        var allDay = ToCounts((RedisResult[])result[1]!);
        var views = (RedisResult[])result[2]!;
        var tickets = new List<TicketData>(views.Length / TicketViewFields.Length);
        for (var at = 0; at + TicketViewFields.Length <= views.Length; at += TicketViewFields.Length)
        {
            tickets.Add(ReadTicketView(views, at));
        }

        return new StationSnapshot(tickets, allDay, token);
    }

    private static SortedDictionary<string, int> ToCounts(RedisResult[] flat)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            counts[(string)flat[i]!] = (int)flat[i + 1];
        }

        return counts;
    }

    /// <summary>A station's all-day counts: each item's quantity across its open tickets.</summary>
    public async Task<IReadOnlyDictionary<string, int>> GetAllDayAsync(string location, string stationId, CancellationToken cancellationToken = default) =>
        ToCounts(await Db.HashGetAllAsync(RedisKeys.AllDay(location, stationId)).WaitAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// How far a station's all-day counts would have gone below zero, per item, since it opened: any
    /// entry here is an undercount somewhere (screens show the floor of zero).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> GetAllDayUndercountsAsync(string location, string stationId, CancellationToken cancellationToken = default) =>
        ToCounts(await Db.HashGetAllAsync(RedisKeys.AllDayUndercounts(location, stationId)).WaitAsync(cancellationToken).ConfigureAwait(false));

    private static SortedDictionary<string, int> ToCounts(HashEntry[] entries) =>
        new(entries.ToDictionary(e => e.Name.ToString(), e => (int)e.Value), StringComparer.Ordinal);

    /// <summary>
    /// Fails OUT_OF_RANGE unless <paramref name="token"/> is a position in the station's history that
    /// is still kept, so that reading after it gives exactly what the screen missed.
    /// </summary>
    public async Task ValidateResumeTokenAsync(string location, string stationId, string token, CancellationToken cancellationToken = default)
    {
        if (!StreamIds.TryParse(token, out var position))
        {
            throw new RestaurantException(ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(token)}' is not a token this service gave out; start again with an empty token");
        }

        var key = RedisKeys.StationEvents(location, stationId);
        RedisResult info;
        try
        {
            info = await Db.ExecuteAsync("XINFO", "STREAM", key).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            if (position == (0, 0))
            {
                return;
            }

            throw new RestaurantException(ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(token)}' is unknown for station '{stationId}'; start again with an empty token");
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
            throw new RestaurantException(ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(token)}' is unknown for station '{stationId}'; start again with an empty token");
        }

        // Trimming by age does not move max-deleted-entry-id, so a token from before the oldest entry
        // still kept is expired whenever anything was trimmed: what followed it may be gone.
        var trimmed = added > length;
        var beforeKept = length == 0 ? position.CompareTo(lastGenerated) < 0 : position.CompareTo(firstKept) < 0;
        if (position.CompareTo(maxDeleted) < 0 || (trimmed && beforeKept))
        {
            throw new RestaurantException(ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(token)}' has expired for station '{stationId}'; start again with an empty token");
        }
    }

    /// <summary>Notes that a screen of a balanced station is live now.</summary>
    public async Task TouchScreenAsync(string location, string stationId, string screenId, CancellationToken cancellationToken = default) =>
        await Db.HashSetAsync(RedisKeys.Screens(location, stationId), screenId, NowMs).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Gives every open ticket of a balanced station that has no live screen to the live screen with
    /// the fewest open items. Safe to run from any number of processes at once.
    /// </summary>
    public async Task<int> BalanceStationAsync(string location, string stationId, TimeSpan screenTimeout, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var open = await Db.SortedSetRangeByRankAsync(RedisKeys.OpenTickets(location, stationId)).WaitAsync(cancellationToken).ConfigureAwait(false);
            await Interleavings.At(Interleavings.BalancePoint(location, stationId)).ConfigureAwait(false);
            List<RedisKey> keys = [RedisKeys.OpenTickets(location, stationId), RedisKeys.Screens(location, stationId), RedisKeys.StationEvents(location, stationId)];
            keys.AddRange(open.Select(id => RedisKeys.Ticket(location, id.ToString())));
            var now = NowMs;
            var moved = (int)await Db.ScriptEvaluateAsync(
                _scripts.BalanceStation,
                [.. keys],
                [now, TrimMinId(now), RedisKeys.Bell(location).ToString(), stationId, (long)screenTimeout.TotalMilliseconds, string.Join(',', open)])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (moved >= 0)
            {
                return moved;
            }
        }

        return 0;
    }

    /// <summary>The station's events after <paramref name="afterToken"/>, oldest first.</summary>
    public async Task<IReadOnlyList<StationEventData>> ReadStationEventsAsync(string location, string stationId, string afterToken, int count, CancellationToken cancellationToken = default)
    {
        var entries = await Db.StreamRangeAsync(RedisKeys.StationEvents(location, stationId), "(" + afterToken, "+", count)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
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

            var ticket = ReadTicket(
                entry["body"].ToString(), StateNames.ParseTicketState(entry["status"]), entry["rush"], entry["fired"], entry["held"], entry["bumped"], entry["progress"],
                entry["screen"]);
            events.Add(new StationEventData(entry.Id.ToString(), kind, ticket, null, entry["from"].IsNull ? "" : entry["from"].ToString()));
        }

        return events;
    }

    private static SortedDictionary<string, int> ReadCounts(RedisValue json) =>
        new(JsonSerializer.Deserialize(json.ToString(), CoreJson.Default.DictionaryStringInt32) ?? [], StringComparer.Ordinal);

    /// <summary>The speed-of-service samples taken between two times, oldest first.</summary>
    public async Task<IReadOnlyList<ServiceSample>> ReadSpeedOfServiceAsync(string location, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var samples = new List<ServiceSample>();
        var start = $"{from.ToUnixTimeMilliseconds()}-0";
        var end = $"{to.ToUnixTimeMilliseconds()}-{long.MaxValue}";
        while (true)
        {
            var entries = await Db.StreamRangeAsync(RedisKeys.SpeedOfService(location), start, end, 5000).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                var id = entry.Id.ToString();
                var at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(id[..id.IndexOf('-')], System.Globalization.CultureInfo.InvariantCulture));
                var kind = (string?)entry["k"] switch { "t" => SampleKind.Ticket, "r" => SampleKind.OrderReady, _ => SampleKind.OrderCompleted };
                samples.Add(new ServiceSample(at, kind, entry["s"].IsNull ? null : entry["s"].ToString(), TimeSpan.FromMilliseconds((long)entry["d"])));
            }

            if (entries.Length < 5000)
            {
                return samples;
            }

            start = "(" + entries[^1].Id;
        }
    }

    /// <summary>The latest position of the location's order history ("0-0" when empty).</summary>
    public Task<string> LatestOrderEventTokenAsync(string location, CancellationToken cancellationToken = default) =>
        LatestTokenAsync(RedisKeys.OrderEvents(location), cancellationToken);

    /// <summary>The latest position of the location's menu changes ("0-0" when empty).</summary>
    public Task<string> LatestMenuEventTokenAsync(string location, CancellationToken cancellationToken = default) =>
        LatestTokenAsync(RedisKeys.MenuEvents(location), cancellationToken);

    /// <summary>
    /// The items whose availability or count changed after <paramref name="afterToken"/> ("*" when the
    /// whole menu was reloaded), and the token to read on from.
    /// </summary>
    public async Task<(IReadOnlyList<string> Items, string Token)> ReadMenuEventsAsync(string location, string afterToken, int count, CancellationToken cancellationToken = default)
    {
        var entries = await Db.StreamRangeAsync(RedisKeys.MenuEvents(location), "(" + afterToken, "+", count).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.Length == 0
            ? ([], afterToken)
            : ([.. entries.Select(e => e["item"].ToString()).Distinct()], entries[^1].Id.ToString());
    }

    private async Task<string> LatestTokenAsync(RedisKey stream, CancellationToken cancellationToken)
    {
        var last = await Db.StreamRangeAsync(stream, "-", "+", 1, Order.Descending).WaitAsync(cancellationToken).ConfigureAwait(false);
        return last.Length == 0 ? "0-0" : last[0].Id.ToString();
    }

    /// <summary>One order and the position of the order history at that moment, read together.</summary>
    public async Task<(OrderData? Order, string Token)> OrderWithTokenAsync(string location, string orderId, CancellationToken cancellationToken = default)
    {
        var tx = Db.CreateTransaction();
        var orderTask = tx.HashGetAllAsync(RedisKeys.Order(location, orderId));
        var lastTask = tx.StreamRangeAsync(RedisKeys.OrderEvents(location), "-", "+", 1, Order.Descending);
        await tx.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var entries = await orderTask.ConfigureAwait(false);
        var last = await lastTask.ConfigureAwait(false);
        var order = entries.Length == 0 ? null : ReadOrder(location, entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
        return (order, last.Length == 0 ? "0-0" : last[0].Id.ToString());
    }

    /// <summary>Order status changes after <paramref name="afterToken"/>, each with its order's lines and tickets.</summary>
    public async Task<IReadOnlyList<OrderEventData>> ReadOrderEventsAsync(string location, string afterToken, string? orderId, int count, CancellationToken cancellationToken = default)
    {
        var entries = await Db.StreamRangeAsync(RedisKeys.OrderEvents(location), "(" + afterToken, "+", count)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var wanted = entries.Where(e => orderId is null || e["order"] == orderId).ToArray();

        // An order that changed several times in the batch is read once.
        var batch = Db.CreateBatch();
        var reads = new Dictionary<string, Task<HashEntry[]>>(StringComparer.Ordinal);
        foreach (var id in wanted.Select(e => e["order"].ToString()).Distinct(StringComparer.Ordinal))
        {
            reads[id] = batch.HashGetAllAsync(RedisKeys.Order(location, id));
        }

        batch.Execute();
        var orders = new Dictionary<string, OrderData?>(StringComparer.Ordinal);
        foreach (var (id, read) in reads)
        {
            var hash = (await read.WaitAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => e.Value);
            orders[id] = hash.ContainsKey("body") ? ReadOrder(location, hash) : null;
        }

        var events = new List<OrderEventData>(wanted.Length);
        foreach (var entry in wanted)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds((long)entry["at"]);
            var status = StateNames.ParseOrderState(entry["status"]);
            var order = orders[entry["order"].ToString()] is { } stored
                ? stored with { Status = status, UpdatedAt = at }
                : new OrderData(entry["order"].ToString(), location, status, [], at, at, []);
            events.Add(new OrderEventData(entry.Id.ToString(), order));
        }

        // The last token read counts even when the filter kept nothing, so a watcher moves past it.
        if (entries.Length > 0 && (wanted.Length == 0 || wanted[^1].Id != entries[^1].Id))
        {
            events.Add(new OrderEventData(entries[^1].Id.ToString(), null));
        }

        return events;
    }

    /// <summary>The station of a ticket id (<c>{order}:{station}[:{course}]</c>).</summary>
    public static string StationOfTicket(string ticketId) => KitchenRouter.ParseTicketId(ticketId)?.StationId ?? "";

    /// <summary>The order of a ticket id and the rest of it; an id of another shape or station names no order.</summary>
    private static (string OrderId, string Suffix) SplitTicketId(string ticketId, string stationId) =>
        KitchenRouter.ParseTicketId(ticketId) is { } parsed && parsed.StationId == stationId
            ? (parsed.OrderId, ticketId[(parsed.OrderId.Length + 1)..])
            : ("", "");

    private async Task<RedisKey[]> TicketKeysAsync(string location, string stationId, string ticketId, string orderId, CancellationToken cancellationToken)
    {
        var expo = await ExpoOfAsync(location, cancellationToken).ConfigureAwait(false);
        return
        [
            RedisKeys.Ticket(location, ticketId),
            RedisKeys.OpenTickets(location, stationId),
            RedisKeys.StationEvents(location, stationId),
            RedisKeys.Order(location, orderId),
            RedisKeys.OrderEvents(location),
            RedisKeys.AllDay(location, stationId),
            RedisKeys.Ticket(location, KitchenRouter.TicketId(orderId, expo)),
            RedisKeys.StationEvents(location, expo),
        ];
    }

    private async Task<string> ExpoOfAsync(string location, CancellationToken cancellationToken)
    {
        if (!_expo.TryGetValue(location, out var expo))
        {
            expo = (await GetMenuAsync(location, cancellationToken).ConfigureAwait(false)).Location.Expo.Id;
        }

        return expo;
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

        var expo = await ExpoOfAsync(location, cancellationToken).ConfigureAwait(false);
        var now = NowMs;
        RedisValue[] args = [now, TrimMinId(now), RedisKeys.Bell(location).ToString()];

        // A script per 256 tickets, sent together: a screen's whole snapshot never holds Redis long.
        var calls = new List<Task>();
        var batch = Db.CreateBatch();
        foreach (var chunk in ticketIds.Chunk(256))
        {
            var keys = new RedisKey[2 + 3 * chunk.Length];
            keys[0] = RedisKeys.OrderEvents(location);
            keys[1] = RedisKeys.StationEvents(location, expo);
            var i = 2;
            foreach (var ticketId in chunk)
            {
                var orderId = KitchenRouter.ParseTicketId(ticketId)?.OrderId ?? "";
                keys[i++] = RedisKeys.Ticket(location, ticketId);
                keys[i++] = RedisKeys.Order(location, orderId);
                keys[i++] = RedisKeys.Ticket(location, KitchenRouter.TicketId(orderId, expo));
            }

            calls.Add(batch.ScriptEvaluateAsync(_scripts.MarkShown, keys, args));
        }

        batch.Execute();
        await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ticket hash fields a caller reads to show a ticket, in the order of the scripts' ticket_view.</summary>
    private static readonly RedisValue[] TicketViewFields = ["status", "body", "rush", "fired", "held", "bumped", "progress", "screen"];

    /// <summary>A ticket from a script's answer: status, body, rush, fired, held, bumped, progress from <paramref name="at"/> on.</summary>
    private static TicketData ReadTicketView(RedisResult[] result, int at) =>
        ReadTicket(
            (string)result[at + 1]!, StateNames.ParseTicketState((string?)result[at]), (RedisValue)result[at + 2], (RedisValue)result[at + 3],
            (RedisValue)result[at + 4], (RedisValue)result[at + 5], (RedisValue)result[at + 6], (RedisValue)result[at + 7]);

    private static TicketData ReadTicket(
        string bodyJson, TicketState status, RedisValue rush, RedisValue fired, RedisValue held, RedisValue bumped, RedisValue progress, RedisValue screen)
    {
        var body = TicketBodies.Parse(bodyJson);
        var firedAt = fired.IsNullOrEmpty ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds((long)fired);
        var from = firedAt ?? DateTimeOffset.FromUnixTimeMilliseconds(body.CreatedAtMs);
        return new TicketData(
            body.TicketId, body.OrderId, body.StationId, status, body.Items,
            DateTimeOffset.FromUnixTimeMilliseconds(body.CreatedAtMs),
            bumped.IsNullOrEmpty ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)bumped),
            rush == "1",
            body.WarnSeconds > 0 ? from.AddSeconds(body.WarnSeconds) : null,
            body.LateSeconds > 0 ? from.AddSeconds(body.LateSeconds) : null,
            body.Course,
            firedAt,
            held.IsNullOrEmpty ? [] : [.. held.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)],
            progress.IsNullOrEmpty ? null : [.. progress.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => Progress(body.OrderId, p))],
            screen.IsNullOrEmpty ? "" : screen.ToString(),
            body.PlacedAtMs,
            body.Trace,
            body.OrderNumber);
    }

    /// <summary>One "suffix=STATE" of expo's progress.</summary>
    private static TicketReceiptData Progress(string orderId, string entry)
    {
        var (suffix, state) = (entry[..entry.IndexOf('=')], entry[(entry.IndexOf('=') + 1)..]);
        var ticketId = $"{orderId}:{suffix}";
        var parsed = KitchenRouter.ParseTicketId(ticketId);
        return new TicketReceiptData(ticketId, parsed?.StationId ?? suffix, parsed?.Course ?? 1, StateNames.ParseProgress(state), null, null, null);
    }

    private static Dictionary<string, RedisValue> ToHash(RedisResult flat)
    {
        var items = (RedisResult[])flat!;
        var hash = new Dictionary<string, RedisValue>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            hash[(string)items[i]!] = (RedisValue)items[i + 1];
        }

        return hash;
    }

    private static OrderData ReadOrder(string location, Dictionary<string, RedisValue> hash)
    {
        var body = JsonSerializer.Deserialize(hash["body"].ToString(), CoreJson.Default.OrderBody)!;
        var tickets = hash.TryGetValue("tickets", out var t) ? t.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        return new OrderData(
            hash["id"].ToString(), location, StateNames.ParseOrderState(hash["status"]), body.Lines,
            DateTimeOffset.FromUnixTimeMilliseconds((long)hash["created"]),
            DateTimeOffset.FromUnixTimeMilliseconds((long)hash["updated"]),
            tickets,
            hash.TryGetValue("rush", out var rush) && rush == "1",
            HeldCourses(hash),
            hash.TryGetValue("version", out var version) ? (long)version : 0,
            Receipts(hash),
            body.Trace,
            hash.TryGetValue("number", out var number) && number.TryParse(out int n) ? n : 0);
    }

    /// <summary>Each station ticket's progress and times, from the order's t:, f:, s: and b: fields.</summary>
    private static List<TicketReceiptData> Receipts(Dictionary<string, RedisValue> hash)
    {
        if (!hash.TryGetValue("cooking", out var cooking))
        {
            return [];
        }

        var orderId = hash["id"].ToString();
        var receipts = new List<TicketReceiptData>();
        foreach (var suffix in cooking.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var state = hash.GetValueOrDefault("t:" + suffix).ToString();
            var shown = Time(hash, "s:" + suffix);
            var progress = state switch
            {
                "OPEN" => shown is null ? ProgressState.Waiting : ProgressState.Cooking,
                "BUMPED" => ProgressState.Bumped,
                "VOIDED" => ProgressState.Voided,
                _ => ProgressState.Held,
            };
            var ticketId = $"{orderId}:{suffix}";
            var parsed = KitchenRouter.ParseTicketId(ticketId);
            receipts.Add(new TicketReceiptData(ticketId, parsed?.StationId ?? suffix, parsed?.Course ?? 1, progress, Time(hash, "f:" + suffix), shown, Time(hash, "b:" + suffix)));
        }

        return receipts;
    }

    private static DateTimeOffset? Time(Dictionary<string, RedisValue> hash, string field) =>
        hash.TryGetValue(field, out var ms) && !ms.IsNullOrEmpty ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;

    private static List<int> HeldCourses(Dictionary<string, RedisValue> hash) =>
        [.. hash.Where(f => f.Key.StartsWith("c:", StringComparison.Ordinal) && f.Value == "HELD").Select(f => int.Parse(f.Key[2..])).Order()];

    /// <summary>Identifies an order's content for idempotency: lines, quantities, modifiers and notes, in order.</summary>
    public static string ContentHash(IReadOnlyList<OrderLineData> lines, bool rush = false)
    {
        var text = new StringBuilder(rush ? "rush\u001d" : "");
        foreach (var line in lines)
        {
            text.Append(line.MenuItemId).Append('\u001f').Append(line.Quantity).Append('\u001f');
            foreach (var modifier in line.Modifiers)
            {
                text.Append(modifier).Append('\u001e');
            }

            text.Append('\u001f').Append(line.Note);
            if (line.Course != 1)
            {
                text.Append('\u001f').Append(line.Course);
            }

            text.Append('\u001d');
        }

        return Hash(text.ToString());
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Location}: order {OrderId} was bumped, but firing its course {Course} by itself failed ({Reason}); expo can fire it")]
        public static partial void AutoFireFailed(ILogger logger, string location, string orderId, int course, string reason);
    }

    /// <summary>Parsed menus by content hash, so a read costs one small round trip while the menu is unchanged.</summary>
    private sealed class MenuCache
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Hash, LocationDefinition Definition)> _entries = new();

        public async Task<LocationDefinition> GetAsync(string location, string hash, Func<Task<LocationDefinition>> load)
        {
            if (_entries.TryGetValue(location, out var entry) && entry.Hash == hash)
            {
                return entry.Definition;
            }

            var definition = await load().ConfigureAwait(false);
            _entries[location] = (hash, definition);
            return definition;
        }
    }
}
