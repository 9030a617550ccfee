using System.Globalization;
using Restaurant.Domain.Locations;

namespace Restaurant.Domain.Incidents;

/// <summary>What a location looks like right now, as the incident watch reads it in one pass.</summary>
public sealed record LocationFacts(
    DateTimeOffset Now,
    IReadOnlyList<StationFacts> Stations,
    IReadOnlySet<string> EightySixed,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<AwaitingFact> Awaiting,
    IReadOnlyList<DeadLetterFact> DeadLetters,
    IReadOnlyList<PrinterFact>? Printers = null,
    IReadOnlyList<WebhookFact>? Webhooks = null)
{
    public IReadOnlyList<PrinterFact> PrinterList => Printers ?? [];

    public IReadOnlyList<WebhookFact> WebhookList => Webhooks ?? [];
}

/// <summary>A webhook subscriber's latest attempts failing in a row: how many (within the log read), since when, and the last outcome.</summary>
public sealed record WebhookFact(string Subscriber, int FailuresInARow, DateTimeOffset FailingSince, string LastOutcome);

/// <summary>A station's printer that failed its last print: since when, why, and how many times in a row.</summary>
public sealed record PrinterFact(string StationId, DateTimeOffset FailingSince, string Reason, int Failures);

/// <summary>A station's open tickets and the screens that have watched it, with when each was last seen.</summary>
public sealed record StationFacts(string StationId, IReadOnlyList<OpenTicketFact> Tickets, IReadOnlyDictionary<string, DateTimeOffset> Watchers);

/// <summary>An open ticket: when it fired, when a screen first showed it and when it printed as a backup, its order's number.</summary>
public sealed record OpenTicketFact(string TicketId, string OrderId, DateTimeOffset FiredAt, DateTimeOffset? ShownAt, int OrderNumber, DateTimeOffset? PrintedAt = null);

/// <summary>A delivery order awaiting acceptance.</summary>
public sealed record AwaitingFact(string OrderId, DateTimeOffset AcceptBy, int OrderNumber, string Source, string GuestName);

/// <summary>An entry of the dead letters.</summary>
public sealed record DeadLetterFact(string EntryId, string OrderId, string Reason);

/// <summary>The thresholds past which something is an incident.</summary>
public sealed record IncidentThresholds(
    TimeSpan ScreenGone, TimeSpan AcceptWarning, int LowCount, int WebhookFailures = 3);

/// <summary>
/// Turns what a location looks like into the incidents it has now, each under a cause key that stays
/// the same while the cause lasts. Pure: the store opens what is new and resolves what is gone.
/// </summary>
public static class IncidentRules
{
    public static IReadOnlyList<IncidentCause> Find(LocationFacts facts, LocationDefinition location, IncidentThresholds thresholds)
    {
        var causes = new List<IncidentCause>();
        var now = facts.Now;
        foreach (var station in facts.Stations)
        {
            var definition = location.FindStation(station.StationId);
            if (definition is null)
            {
                continue;
            }

            var name = definition.Name;
            var live = station.Watchers.Where(w => now - w.Value < thresholds.ScreenGone).ToList();
            foreach (var (screen, seen) in station.Watchers.Where(w => now - w.Value >= thresholds.ScreenGone))
            {
                causes.Add(new IncidentCause(
                    $"screen_gone:{station.StationId}:{screen}", IncidentKind.ScreenGone, IncidentSeverity.Warning,
                    $"A screen of {name} ({screen}) has not been seen for {Span(now - seen)}.", station.StationId, ScreenId: screen));
            }

            if (station.Tickets.Count > 0 && live.Count == 0)
            {
                causes.Add(new IncidentCause(
                    $"station_unwatched:{station.StationId}", IncidentKind.StationUnwatched, IncidentSeverity.Critical,
                    $"{name} has {Plural(station.Tickets.Count, "open ticket")} and no screen showing them.", station.StationId));
            }

            foreach (var ticket in station.Tickets)
            {
                var label = ticket.OrderNumber > 0 ? $"#{ticket.OrderNumber}" : ticket.OrderId[..Math.Min(8, ticket.OrderId.Length)];
                var age = now - ticket.FiredAt;
                if (ticket.ShownAt is null && age >= TimeSpan.FromSeconds(definition.ShowWithinSeconds))
                {
                    causes.Add(new IncidentCause(
                        $"ticket_not_shown:{ticket.TicketId}", IncidentKind.TicketNotShown, IncidentSeverity.Critical,
                        $"Order {label}'s ticket at {name} has been on no screen for {Span(age)}.", station.StationId, ticket.TicketId, ticket.OrderId));
                }

                if (ticket.PrintedAt is { } printed && ticket.ShownAt is null)
                {
                    causes.Add(new IncidentCause(
                        $"ticket_printed:{ticket.TicketId}", IncidentKind.TicketPrinted, IncidentSeverity.Warning,
                        $"Order {label}'s ticket at {name} printed on the backup printer at {Local(location, printed)}: no screen showed it.",
                        station.StationId, ticket.TicketId, ticket.OrderId));
                }

                if (!definition.IsExpo && age >= TimeSpan.FromSeconds(definition.LateSeconds))
                {
                    causes.Add(new IncidentCause(
                        $"ticket_late:{ticket.TicketId}", IncidentKind.TicketLate, IncidentSeverity.Warning,
                        $"Order {label} at {name} is late: open {Span(age)}, late after {Span(TimeSpan.FromSeconds(definition.LateSeconds))}.",
                        station.StationId, ticket.TicketId, ticket.OrderId));
                }
            }
        }

        foreach (var printer in facts.PrinterList)
        {
            var station = location.FindStation(printer.StationId);
            causes.Add(new IncidentCause(
                $"printer_down:{printer.StationId}", IncidentKind.PrinterDown, IncidentSeverity.Critical,
                $"The kitchen printer of {station?.Name ?? printer.StationId} ({station?.Printer}) does not print: {printer.Reason}. Backup tickets wait and are retried.",
                printer.StationId));
        }

        foreach (var hook in facts.WebhookList.Where(w => w.FailuresInARow >= thresholds.WebhookFailures))
        {
            causes.Add(new IncidentCause(
                $"webhook_failing:{hook.Subscriber}", IncidentKind.WebhookFailing, IncidentSeverity.Warning,
                $"Status updates to {hook.Subscriber} keep failing: {hook.FailuresInARow} attempts in a row since {Local(location, hook.FailingSince)} (last: {hook.LastOutcome}). They wait and are retried."));
        }

        foreach (var item in facts.EightySixed.Order(StringComparer.Ordinal))
        {
            causes.Add(new IncidentCause($"item_86:{item}", IncidentKind.ItemEightySixed, IncidentSeverity.Info, $"{ItemName(location, item)} is 86'd."));
        }

        foreach (var (item, left) in facts.Counts.Where(c => c.Value > 0 && c.Value <= thresholds.LowCount && !facts.EightySixed.Contains(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            causes.Add(new IncidentCause($"item_low:{item}", IncidentKind.ItemLow, IncidentSeverity.Warning, $"{ItemName(location, item)}: only {left} left."));
        }

        foreach (var order in facts.Awaiting.Where(a => a.AcceptBy - now <= thresholds.AcceptWarning))
        {
            var from = string.Join(" · ", new[] { order.Source, order.GuestName }.Where(s => s.Length > 0));
            var label = order.OrderNumber > 0 ? $"#{order.OrderNumber}" : order.OrderId[..8];
            // The sentence stays as it was raised, so it names the moment, not a countdown.
            var by = TimeZoneInfo.ConvertTime(order.AcceptBy, TimeZoneInfo.FindSystemTimeZoneById(location.Options.TimeZone));
            causes.Add(new IncidentCause(
                $"accept_deadline:{order.OrderId}", IncidentKind.AcceptDeadline, IncidentSeverity.Critical,
                $"Delivery order {label}{(from.Length > 0 ? $" ({from})" : "")} must be accepted by {by:HH:mm:ss}, or it is denied.",
                OrderId: order.OrderId));
        }

        foreach (var dead in facts.DeadLetters)
        {
            causes.Add(new IncidentCause(
                $"dead_letter:{dead.EntryId}", IncidentKind.DeadLetter, IncidentSeverity.Critical,
                $"An order{(dead.OrderId.Length > 0 ? $" ({dead.OrderId})" : "")} could not be sent to the kitchen and waits in the dead letters: {dead.Reason}",
                OrderId: dead.OrderId));
        }

        return causes;
    }

    /// <summary>
    /// The causes only the OrderService can see, since no worker may be there to: no worker alive, and
    /// orders waiting too long to be routed (the workers behind, frozen or away).
    /// </summary>
    public static IReadOnlyList<IncidentCause> FindWithoutWorkers(DateTimeOffset now, bool anyWorkerAlive, TimeSpan workerGone, DateTimeOffset? oldestUnrouted, TimeSpan queueLag)
    {
        var causes = new List<IncidentCause>();
        if (!anyWorkerAlive)
        {
            causes.Add(new IncidentCause(
                ServicePrefix + "no_worker", IncidentKind.NoWorker, IncidentSeverity.Critical,
                $"No kitchen worker has been alive for {Span(workerGone)}: orders are taken but reach no station. Start a KitchenWorker."));
        }

        if (oldestUnrouted is { } oldest && now - oldest >= queueLag)
        {
            causes.Add(new IncidentCause(
                ServicePrefix + "queue_lag", IncidentKind.QueueLag, IncidentSeverity.Critical,
                $"Orders are waiting to reach the kitchen: the oldest has waited {Span(now - oldest)}. The kitchen's workers are behind or away."));
        }

        return causes;
    }

    /// <summary>How long a ticket at a station with no live screen waits before it prints (at most its show-within time).</summary>
    public const int UnwatchedGraceSeconds = 3;

    /// <summary>The prefix of the causes the OrderService looks for; the workers' incident watch leaves them alone.</summary>
    public const string ServicePrefix = "service:";

    /// <summary>
    /// The tickets to print on their station's kitchen printer now: open, not printed yet, at a station
    /// with a printer, and either on no screen for the station's show-within time or, at a station with
    /// no live screen at all, for a few seconds' grace (<see cref="UnwatchedGraceSeconds"/>).
    /// </summary>
    public static IReadOnlyList<(StationDefinition Station, OpenTicketFact Ticket)> ToPrint(LocationFacts facts, LocationDefinition location, IncidentThresholds thresholds)
    {
        var due = new List<(StationDefinition, OpenTicketFact)>();
        foreach (var station in facts.Stations)
        {
            if (location.FindStation(station.StationId) is not { Printer: not null } definition)
            {
                continue;
            }

            var unwatched = !station.Watchers.Any(w => facts.Now - w.Value < thresholds.ScreenGone);
            foreach (var ticket in station.Tickets.Where(t => t.PrintedAt is null && t.ShownAt is null))
            {
                // With no live screen a ticket prints sooner, after a moment's grace for a screen that is
                // reloading or just came and has not yet said so.
                var wait = TimeSpan.FromSeconds(unwatched ? Math.Min(definition.ShowWithinSeconds, UnwatchedGraceSeconds) : definition.ShowWithinSeconds);
                if (facts.Now - ticket.FiredAt >= wait)
                {
                    due.Add((definition, ticket));
                }
            }
        }

        return due;
    }

    private static string Local(LocationDefinition location, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(location.Options.TimeZone)).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A day's incidents per kind, for the weekly review: the day is the location's business day of each incident's opening.</summary>
    public static IReadOnlyList<IncidentDaySummary> Summarize(IEnumerable<IncidentData> incidents, LocationSettings settings, DateTimeOffset now) =>
        [.. incidents
            .GroupBy(i => (Day: settings.BusinessDay(i.OpenedAt), i.Cause.Kind))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Kind)
            .Select(g => new IncidentDaySummary(
                g.Key.Day, g.Key.Kind, g.Count(),
                TimeSpan.FromTicks(g.Sum(i => ((i.ResolvedAt ?? now) - i.OpenedAt).Ticks)),
                g.Count(i => i.AcknowledgedBy.Length > 0)))];

    private static string ItemName(LocationDefinition location, string item) => location.FindItem(item)?.Name ?? item;

    private static string Plural(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    /// <summary>"45 s", "3 min", "1 h 20 min".</summary>
    public static string Span(TimeSpan span) => span.TotalSeconds switch
    {
        < 90 => $"{Math.Max(0, (int)span.TotalSeconds)} s",
        < 3600 => $"{(int)Math.Round(span.TotalMinutes)} min",
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min"),
    };
}
