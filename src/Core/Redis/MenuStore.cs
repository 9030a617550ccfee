using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;
using StackExchange.Redis;
using static Restaurant.Core.Redis.StoredRecords;

namespace Restaurant.Core.Redis;

/// <summary>
/// A location's menu in Redis: loading and closing a location, the definition (parsed once per
/// content hash), 86 marks and counts, and the history of their changes.
/// </summary>
public sealed class MenuStore(RedisContext redis)
{
    private readonly MenuCache _definitions = new();

    /// <summary>Each location's expo station, for scripts that bring expo's ticket up to date.</summary>
    private readonly ConcurrentDictionary<string, string> _expo = new(StringComparer.Ordinal);

    public async Task<bool> LoadLocationAsync(LocationDefinition location, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(location, DomainJson.Default.LocationDefinition);
        var args = new List<RedisValue>
        {
            location.Id, Hash(json), json, RedisKeys.Bell(location.Id).ToString(), redis.TrimMinId(redis.NowMs),
        };
        foreach (var item in location.Items)
        {
            args.Add(item.Id);
            args.Add(item.Station);
        }

        var answer = await redis.RunAsync(
            redis.Scripts.LoadMenu,
            [RedisKeys.Menu(location.Id), RedisKeys.EightySixed(location.Id), RedisKeys.Counts(location.Id), RedisKeys.MenuEvents(location.Id)],
            [.. args],
            cancellationToken).ConfigureAwait(false);

        // After the menu is in place, so a worker that finds the location finds its menu too.
        await redis.Db.SetAddAsync(RedisKeys.Locations, location.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
        return answer.Code switch
        {
            ScriptCode.Loaded or ScriptCode.Reopened => true,
            ScriptCode.Unchanged => false,
            _ => throw answer.Unexpected(),
        };
    }

    /// <summary>
    /// Closes a location whose data file was removed: it takes no new orders, while its kitchen
    /// finishes what it has (screens, bumps and the queue go on). Loading it again reopens it.
    /// </summary>
    public async Task<bool> CloseLocationAsync(string location, CancellationToken cancellationToken = default)
    {
        var tx = redis.Db.CreateTransaction();
        tx.AddCondition(Condition.KeyExists(RedisKeys.Menu(location)));
        tx.AddCondition(Condition.HashNotExists(RedisKeys.Menu(location), "closed"));
        _ = tx.HashSetAsync(RedisKeys.Menu(location), "closed", "1");
        _ = tx.ExecuteAsync("XADD", RedisKeys.MenuEvents(location), "MINID", redis.TrimMinId(redis.NowMs), "*", "item", "*");
        if (!await tx.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await redis.Db.PublishAsync(RedisKeys.Bell(location, redis.Sharded), RedisKeys.MenuTopic).WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<string>> GetLocationIdsAsync(CancellationToken cancellationToken = default)
    {
        var members = await redis.Db.SetMembersAsync(RedisKeys.Locations).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. members.Select(m => m.ToString()).Order(StringComparer.Ordinal)];
    }

    /// <summary>The location's menu as it stands, or NOT_FOUND for an unknown location.</summary>
    public async Task<MenuSnapshot> GetMenuAsync(string location, CancellationToken cancellationToken = default)
    {
        var batch = redis.Db.CreateBatch();
        var hashTask = batch.HashGetAsync(RedisKeys.Menu(location), "hash");
        var offTask = batch.SetMembersAsync(RedisKeys.EightySixed(location));
        var countsTask = batch.HashGetAllAsync(RedisKeys.Counts(location));
        batch.Execute();
        var hash = await hashTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        var off = await offTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        var counts = await countsTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (hash.IsNull)
        {
            throw Refusals.UnknownLocation(location);
        }

        var definition = await DefinitionAsync(location, hash.ToString(), cancellationToken).ConfigureAwait(false);
        return new MenuSnapshot(
            definition,
            off.Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal),
            counts.ToDictionary(c => c.Name.ToString(), c => (int)c.Value, StringComparer.Ordinal));
    }

    /// <summary>The location's definition for its content hash: read and parsed only when the hash changed.</summary>
    internal async Task<LocationDefinition> DefinitionAsync(string location, string hash, CancellationToken cancellationToken, RoundTrips? trips = null)
    {
        var definition = await _definitions.GetAsync(location, hash, async () =>
        {
            trips?.Add();
            var json = await redis.Db.HashGetAsync(RedisKeys.Menu(location), "def").WaitAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(json.ToString(), DomainJson.Default.LocationDefinition)!;
        }).ConfigureAwait(false);
        _expo[location] = definition.Expo.Id;
        return definition;
    }

    /// <summary>
    /// The location's definition and its content hash: the one this process last read, unless
    /// <paramref name="fresh"/> asks for the one in Redis now (NOT_FOUND for an unknown location). A
    /// script handed the hash refuses it when the menu changed since, and the caller reads again.
    /// </summary>
    internal async Task<(string Hash, LocationDefinition Definition)> CurrentAsync(string location, bool fresh, CancellationToken cancellationToken, RoundTrips? trips = null)
    {
        if (!fresh && _definitions.Latest(location) is { } latest)
        {
            return latest;
        }

        trips?.Add();

        var hash = await redis.Db.HashGetAsync(RedisKeys.Menu(location), "hash").WaitAsync(cancellationToken).ConfigureAwait(false);
        if (hash.IsNull)
        {
            throw Refusals.UnknownLocation(location);
        }

        return (hash.ToString(), await DefinitionAsync(location, hash.ToString(), cancellationToken, trips).ConfigureAwait(false));
    }

    /// <summary>A location's expo station, from the definition this process last read (read once when it has none).</summary>
    internal async Task<string> ExpoOfAsync(string location, CancellationToken cancellationToken)
    {
        if (!_expo.TryGetValue(location, out var expo))
        {
            expo = (await GetMenuAsync(location, cancellationToken).ConfigureAwait(false)).Location.Expo.Id;
        }

        return expo;
    }

    /// <summary>
    /// 86s an item or brings it back; <paramref name="remaining"/> also sets how many are left (a
    /// negative number stops counting the item, null keeps the count as it is).
    /// </summary>
    public async Task SetItemAvailabilityAsync(string location, string itemId, bool available, int? remaining = null, CancellationToken cancellationToken = default)
    {
        var answer = await redis.RunAsync(
            redis.Scripts.SetAvailability,
            [RedisKeys.Menu(location), RedisKeys.EightySixed(location), RedisKeys.Counts(location), RedisKeys.MenuEvents(location)],
            [itemId, available ? "1" : "0", RedisKeys.Bell(location).ToString(), remaining switch { null => "", < 0 => "-1", { } n => n }, redis.TrimMinId(redis.NowMs)],
            cancellationToken).ConfigureAwait(false);
        switch (answer.Code)
        {
            case ScriptCode.Ok:
                return;
            case ScriptCode.NoLocation:
                throw Refusals.UnknownLocation(location);
            case ScriptCode.UnknownItem:
                throw Refusals.UnknownItem(location, itemId);
            default:
                throw answer.Unexpected();
        }
    }

    /// <summary>The latest position of the location's menu changes ("0-0" when empty).</summary>
    public Task<string> LatestMenuEventTokenAsync(string location, CancellationToken cancellationToken = default) =>
        redis.LatestTokenAsync(RedisKeys.MenuEvents(location), cancellationToken);

    /// <summary>
    /// The items whose availability or count changed after <paramref name="afterToken"/> ("*" when the
    /// whole menu was reloaded), and the token to read on from.
    /// </summary>
    public async Task<(IReadOnlyList<string> Items, string Token)> ReadMenuEventsAsync(string location, string afterToken, int count, CancellationToken cancellationToken = default)
    {
        var entries = await redis.Db.StreamRangeAsync(RedisKeys.MenuEvents(location), "(" + afterToken, "+", count).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.Length == 0
            ? ([], afterToken)
            : ([.. entries.Select(e => e["item"].ToString()).Distinct()], entries[^1].Id.ToString());
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

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

        /// <summary>The definition last read for the location, with its hash; null before any.</summary>
        public (string Hash, LocationDefinition Definition)? Latest(string location) =>
            _entries.TryGetValue(location, out var entry) ? entry : null;
    }
}
