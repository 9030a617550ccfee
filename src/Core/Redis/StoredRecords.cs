using System.Text.Json;
using Restaurant.Domain;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// Reads the stored records back: an order from its hash, a ticket from its hash fields or a script's
/// answer, counts from a hash or JSON. Pure over what Redis answered.
/// </summary>
internal static class StoredRecords
{
    /// <summary>
    /// Ticket bodies as parsed, keyed by their JSON: an amend rewrites a ticket's body, and the new JSON
    /// is a new key; every screen of a station, and expo at each step of an order, reads the same one.
    /// </summary>
    private static readonly ParsedCache<TicketBody> TicketBodies = new(json => JsonSerializer.Deserialize(json, DomainJson.Default.TicketBody)!, 4096);

    internal static SortedDictionary<string, int> ToCounts(RedisResult[] flat)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            counts[(string)flat[i]!] = (int)flat[i + 1];
        }

        return counts;
    }

    internal static SortedDictionary<string, int> ToCounts(HashEntry[] entries) =>
        new(entries.ToDictionary(e => e.Name.ToString(), e => (int)e.Value), StringComparer.Ordinal);

    internal static SortedDictionary<string, int> ReadCounts(RedisValue json) =>
        new(JsonSerializer.Deserialize(json.ToString(), DomainJson.Default.DictionaryStringInt32) ?? [], StringComparer.Ordinal);


    /// <summary>A ticket from a script's answer: its <see cref="TicketView"/> fields from <paramref name="at"/> on.</summary>
    internal static TicketData ReadTicketView(RedisResult[] result, int at) =>
        ReadTicket(
            (string)result[at + TicketView.Body]!, StoredStates.ParseTicketState((string?)result[at + TicketView.Status]), (RedisValue)result[at + TicketView.Rush],
            (RedisValue)result[at + TicketView.Fired], (RedisValue)result[at + TicketView.Held], (RedisValue)result[at + TicketView.Bumped],
            (RedisValue)result[at + TicketView.Progress], (RedisValue)result[at + TicketView.Screen]);

    internal static TicketData ReadTicket(
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
            body.OrderNumber,
            body.Source ?? "",
            body.GuestName ?? "");
    }

    /// <summary>One "suffix=STATE" of expo's progress.</summary>
    internal static TicketReceiptData Progress(string orderId, string entry)
    {
        var (suffix, state) = (entry[..entry.IndexOf('=')], entry[(entry.IndexOf('=') + 1)..]);
        var ticketId = TicketIds.FromSuffix(orderId, suffix);
        var parsed = TicketIds.Parse(ticketId);
        return new TicketReceiptData(ticketId, parsed?.StationId ?? suffix, parsed?.Course ?? 1, StoredStates.ParseProgress(state), null, null, null);
    }

    internal static Dictionary<string, RedisValue> ToHash(RedisResult flat)
    {
        var items = (RedisResult[])flat!;
        var hash = new Dictionary<string, RedisValue>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            hash[(string)items[i]!] = (RedisValue)items[i + 1];
        }

        return hash;
    }

    internal static OrderData ReadOrder(string location, Dictionary<string, RedisValue> hash)
    {
        var body = JsonSerializer.Deserialize(hash["body"].ToString(), DomainJson.Default.OrderBody)!;
        var tickets = hash.TryGetValue("tickets", out var t) ? t.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        return new OrderData(
            hash["id"].ToString(), location, StoredStates.ParseOrderState(hash["status"]), body.Lines,
            DateTimeOffset.FromUnixTimeMilliseconds((long)hash["created"]),
            DateTimeOffset.FromUnixTimeMilliseconds((long)hash["updated"]),
            tickets,
            hash.TryGetValue("rush", out var rush) && rush == "1",
            HeldCourses(hash),
            hash.TryGetValue("version", out var version) ? (long)version : 0,
            Receipts(hash),
            body.Trace,
            hash.TryGetValue("number", out var number) && number.TryParse(out int n) ? n : 0,
            body.Source ?? "",
            body.GuestName ?? "",
            Time(hash, "accept_by"),
            Time(hash, "pickup"),
            Time(hash, "fire"),
            hash.TryGetValue("reason", out var reason) ? reason.ToString() : "");
    }

    /// <summary>Each station ticket's progress and times, from the order's t:, f:, s: and b: fields.</summary>
    internal static List<TicketReceiptData> Receipts(Dictionary<string, RedisValue> hash)
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
            var ticketId = TicketIds.FromSuffix(orderId, suffix);
            var parsed = TicketIds.Parse(ticketId);
            receipts.Add(new TicketReceiptData(ticketId, parsed?.StationId ?? suffix, parsed?.Course ?? 1, progress, Time(hash, "f:" + suffix), shown, Time(hash, "b:" + suffix), Time(hash, "p:" + suffix)));
        }

        return receipts;
    }

    internal static DateTimeOffset? Time(Dictionary<string, RedisValue> hash, string field) =>
        hash.TryGetValue(field, out var ms) && !ms.IsNullOrEmpty ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;

    internal static List<int> HeldCourses(Dictionary<string, RedisValue> hash) =>
        [.. hash.Where(f => f.Key.StartsWith("c:", StringComparison.Ordinal) && f.Value == "HELD").Select(f => int.Parse(f.Key[2..])).Order()];
}
