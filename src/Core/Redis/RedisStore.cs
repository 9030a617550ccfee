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
                AddTicketKeys(keys, location, ticketId, TicketIds.StationOf(ticketId));
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

    private async Task<string> LatestTokenAsync(RedisKey stream, CancellationToken cancellationToken)
    {
        var last = await Db.StreamRangeAsync(stream, "-", "+", 1, Order.Descending).WaitAsync(cancellationToken).ConfigureAwait(false);
        return last.Length == 0 ? "0-0" : last[0].Id.ToString();
    }

    private async Task<string> ExpoOfAsync(string location, CancellationToken cancellationToken)
    {
        if (!_expo.TryGetValue(location, out var expo))
        {
            expo = (await GetMenuAsync(location, cancellationToken).ConfigureAwait(false)).Location.Expo.Id;
        }

        return expo;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Location}: order {OrderId} was bumped, but firing its course {Course} by itself failed ({Reason}); expo can fire it")]
        public static partial void AutoFireFailed(ILogger logger, string location, string orderId, int course, string reason);
    }
}
