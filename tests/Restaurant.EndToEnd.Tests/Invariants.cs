using Restaurant.Contracts.V1;
using Restaurant.Testing;
using StackExchange.Redis;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// What must hold after any fault: every order the POS saw acknowledged reached the kitchen and has
/// exactly one ticket at each station its items go to (and expo), and nothing is pending forever.
/// </summary>
public static class Invariants
{
    public static async Task AssertEveryAcknowledgedOrderHasOneTicketPerStationAsync(
        IConnectionMultiplexer mux, string location, GetMenuResponse menu, IReadOnlyCollection<PlaceOrderRequest> acknowledged, TimeSpan patience)
    {
        var db = mux.GetDatabase();
        await Eventually.WaitForAsync(
            async () =>
            {
                var reads = acknowledged.Select(o => db.HashGetAsync($"rst:{{{location}}}:order:{o.OrderId}", "status")).ToArray();
                return (await Task.WhenAll(reads)).Count(s => s != "IN_KITCHEN");
            },
            left => left == 0,
            patience,
            "every acknowledged order in the kitchen");

        var adds = new Dictionary<string, int>();
        foreach (var station in menu.Stations)
        {
            foreach (var entry in await db.StreamRangeAsync($"rst:{{{location}}}:events:{station.StationId}"))
            {
                if (entry["kind"] == "added")
                {
                    var id = entry["ticket"].ToString();
                    adds[id] = adds.GetValueOrDefault(id) + 1;
                }
            }
        }

        var stationOf = menu.Items.ToDictionary(i => i.MenuItemId, i => i.StationId);
        var expected = acknowledged
            .SelectMany(o => o.Lines.Select(l => stationOf[l.MenuItemId]).Append("expo").Distinct().Select(s => $"{o.OrderId}:{s}"))
            .ToHashSet();
        Assert.Empty(expected.Except(adds.Keys));
        Assert.Empty(adds.Keys.Except(expected));
        Assert.All(adds, a => Assert.True(a.Value == 1, $"ticket {a.Key} was added {a.Value} times"));
        await Eventually.WaitForAsync(
            async () => (await db.StreamPendingAsync($"rst:{{{location}}}:orders", "kitchen")).PendingMessageCount,
            pending => pending == 0,
            patience,
            "nothing left pending");
    }

    /// <summary>How many order messages a consumer has read and not acknowledged (0 before the group exists).</summary>
    public static async Task<int> HeldByAsync(IDatabase db, string location, string consumer)
    {
        try
        {
            return (await db.StreamPendingMessagesAsync($"rst:{{{location}}}:orders", "kitchen", 1000, consumer)).Length;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }
}
