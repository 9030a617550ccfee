using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using Restaurant.Domain.Incidents;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;
using StackExchange.Redis;

namespace Restaurant.KitchenWorker.Incidents;

/// <summary>
/// Prints a ticket no screen showed on its station's kitchen printer (ESC/POS over raw TCP), once: it
/// claims the ticket first (a claim lapses, so a worker that dies while printing lets another print),
/// asks the printer its status (an offline printer is not sent to), sends the ticket, and asks again,
/// so the printer's answer confirms it has it all. A printer that refuses, does not answer or is offline
/// before the ticket went lets go of the claim and is noted as failing (an incident), and the print is
/// retried at the next look; once the ticket went, it counts as printed even unconfirmed (the printer is
/// noted as failing), so it never comes out twice. One print at a time per printer, off the incident
/// watch's loop.
/// </summary>
public sealed partial class BackupPrinter(BackupPrints prints, IOptions<IncidentOptions> options, IOptions<KitchenWorkerOptions> workerOptions, TimeProvider clock, ILogger<BackupPrinter> logger)
{
    private readonly IncidentOptions _options = options.Value;
    private readonly string _worker = $"{(string.IsNullOrEmpty(workerOptions.Value.ConsumerName) ? Environment.MachineName : workerOptions.Value.ConsumerName)}-{Environment.ProcessId}";
    private readonly ConcurrentDictionary<string, Task> _busy = new(StringComparer.Ordinal);

    /// <summary>Starts printing the due tickets of one location, per printer, unless that printer is busy with an earlier job.</summary>
    public void Print(string location, LocationSettings settings, IReadOnlyList<(StationDefinition Station, OpenTicketFact Ticket)> due, CancellationToken cancellationToken)
    {
        foreach (var job in due.GroupBy(d => d.Station.Printer!, StringComparer.Ordinal))
        {
            var key = $"{location}|{job.Key}";
            if (_busy.TryGetValue(key, out var running) && !running.IsCompleted)
            {
                continue;
            }

            var tickets = job.ToList();
            _busy[key] = Task.Run(() => PrintAllAsync(location, settings, tickets, cancellationToken), cancellationToken);
        }
    }

    /// <summary>Waits for the prints under way (a test, or a clean stop).</summary>
    public Task IdleAsync() => Task.WhenAll(_busy.Values);

    private async Task PrintAllAsync(string location, LocationSettings settings, List<(StationDefinition Station, OpenTicketFact Ticket)> tickets, CancellationToken cancellationToken)
    {
        foreach (var (station, fact) in tickets)
        {
            try
            {
                if (!await PrintOneAsync(location, settings, station, fact.TicketId, cancellationToken))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                Log.StoreUnavailable(logger, ex.Message);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>False when the printer failed: the rest of its tickets wait for the next look.</summary>
    private async Task<bool> PrintOneAsync(string location, LocationSettings settings, StationDefinition station, string ticketId, CancellationToken cancellationToken)
    {
        var claimed = await prints.ClaimAsync(location, ticketId, _worker, _options.PrintClaim, cancellationToken);
        if (claimed is not { } ticket)
        {
            return true;
        }

        var bytes = BackupTicket.Format(ticket.Ticket, station, settings, ticket.FiredAt, clock.GetUtcNow());
        var (sent, failure) = await SendAsync(station.Printer!, bytes, cancellationToken);
        if (sent)
        {
            // Once the ticket went to the printer it may have printed, confirmed or not: it is never sent
            // again (a second copy is a dish cooked twice); an unconfirmed print leaves the printer failing.
            await prints.DoneAsync(location, ticket.Ticket, cancellationToken);
            Log.Printed(logger, ticketId, station.Printer!);
        }

        if (failure is not null)
        {
            await prints.FailedAsync(location, ticketId, station.Id, _worker, sent ? $"it did not confirm ticket {ticketId}: {failure}" : failure, cancellationToken);
            Log.PrintFailed(logger, ticketId, station.Printer!, failure, sent);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Whether the ticket went to the printer, and what went wrong (null when the printer confirmed it).
    /// A failure before the ticket was written is safe to retry; one after it is not.
    /// </summary>
    private async Task<(bool Sent, string? Failure)> SendAsync(string printer, byte[] ticket, CancellationToken cancellationToken)
    {
        PrinterAddress.TryParse(printer, out var host, out var port);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PrinterTimeout);
        using var client = new TcpClient { NoDelay = true };
        var sent = false;
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            if (await StatusAsync(stream, timeout.Token) is { } before)
            {
                return (false, before);
            }

            sent = true;
            await stream.WriteAsync(ticket, timeout.Token);
            return (true, await StatusAsync(stream, timeout.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (sent, $"no answer within {_options.PrinterTimeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return (sent, ex.SocketErrorCode == SocketError.ConnectionRefused ? "the printer refused the connection" : ex.Message);
        }
        catch (IOException ex)
        {
            return (sent, ex.Message);
        }
    }

    /// <summary>DLE EOT 1: null when the printer answers online; otherwise why not.</summary>
    private static async Task<string?> StatusAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(BackupTicket.StatusRequest, cancellationToken);
        var answer = new byte[1];
        if (await stream.ReadAsync(answer, cancellationToken) == 0)
        {
            return "the printer closed the connection";
        }

        return (answer[0] & 0x08) != 0 ? "the printer is offline (cover open or out of paper?)" : null;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Ticket {TicketId} printed on the backup printer {Printer}: no screen showed it")]
        public static partial void Printed(ILogger logger, string ticketId, string printer);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Ticket {TicketId} on {Printer}: {Reason} (sent: {Sent}; a ticket not sent is retried, one sent is not)")]
        public static partial void PrintFailed(ILogger logger, string ticketId, string printer, string reason, bool sent);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Backup prints wait: Redis cannot be reached ({Reason})")]
        public static partial void StoreUnavailable(ILogger logger, string reason);
    }
}
