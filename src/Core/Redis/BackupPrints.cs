using System.Text.Json;
using Restaurant.Domain;

namespace Restaurant.Core.Redis;

/// <summary>
/// The bookkeeping of backup prints: a ticket is claimed before it prints (for a while, so a worker
/// that dies while printing lets go), recorded once the printer confirmed it (on the ticket and in its
/// order's receipts, so it never prints again), and a failure lets go of the claim and notes the
/// station's printer as failing.
/// </summary>
public sealed class BackupPrints(RedisContext redis)
{
    /// <summary>The ticket to print and when it fired, or null when it is not this worker's to print now.</summary>
    public async Task<(TicketBody Ticket, DateTimeOffset FiredAt)?> ClaimAsync(string location, string ticketId, string worker, TimeSpan claimFor, CancellationToken cancellationToken = default)
    {
        var now = redis.NowMs;
        var answer = await redis.RunAsync(
            redis.Scripts.PrintClaim, [RedisKeys.Ticket(location, ticketId)], [now, now + (long)claimFor.TotalMilliseconds, worker], cancellationToken).ConfigureAwait(false);
        if (answer.Code != ScriptCode.Ok)
        {
            return null;
        }

        var body = JsonSerializer.Deserialize(answer.Values[1].ToString(), DomainJson.Default.TicketBody)!;
        return (body, DateTimeOffset.FromUnixTimeMilliseconds((long)answer.Values[2]));
    }

    public async Task DoneAsync(string location, TicketBody ticket, CancellationToken cancellationToken = default) =>
        await redis.RunAsync(
            redis.Scripts.PrintDone,
            [RedisKeys.Ticket(location, ticket.TicketId), RedisKeys.Order(location, ticket.OrderId), RedisKeys.FailingPrinters(location)],
            [redis.NowMs, TicketIds.Suffix(ticket.TicketId, ticket.OrderId), ticket.StationId],
            cancellationToken).ConfigureAwait(false);

    public async Task FailedAsync(string location, string ticketId, string stationId, string worker, string reason, CancellationToken cancellationToken = default) =>
        await redis.RunAsync(
            redis.Scripts.PrintFailed,
            [RedisKeys.Ticket(location, ticketId), RedisKeys.FailingPrinters(location)],
            [redis.NowMs, worker, stationId, reason],
            cancellationToken).ConfigureAwait(false);
}
