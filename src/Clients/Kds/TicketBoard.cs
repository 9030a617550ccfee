using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Restaurant.Clients.Kds;

/// <summary>The tickets a station's screen shows, kept from the station's events.</summary>
public sealed class TicketBoard(bool plain) : IStationView
{
    private static readonly TimeSpan VoidShownFor = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Ticket Ticket, DateTimeOffset? VoidedAt)> _tickets = new();
    private readonly Stack<string> _bumped = new();
    private IReadOnlyList<AllDayCount> _allDay = [];

    public string? LastBumped
    {
        get
        {
            lock (_gate)
            {
                return _bumped.TryPeek(out var id) ? id : null;
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _tickets.Clear();
        }
    }

    public void Apply(StationEvent change)
    {
        lock (_gate)
        {
            switch (change.EventCase)
            {
                case StationEvent.EventOneofCase.TicketAdded:
                    _tickets[change.TicketAdded.TicketId] = (change.TicketAdded, null);
                    if (_bumped.TryPeek(out var top) && top == change.TicketAdded.TicketId)
                    {
                        _bumped.Pop();
                    }

                    Print("NEW", change.TicketAdded);
                    break;
                case StationEvent.EventOneofCase.TicketUpdated:
                    var updated = change.TicketUpdated;
                    _tickets[updated.TicketId] = (updated, updated.Status == TicketStatus.Voided ? DateTimeOffset.UtcNow : null);
                    Print(updated.Status == TicketStatus.Voided ? "VOID" : "CHANGED", updated);
                    break;
                case StationEvent.EventOneofCase.TicketRemoved:
                    _tickets.Remove(change.TicketRemoved.TicketId);
                    if (change.TicketRemoved.Status == TicketStatus.Bumped)
                    {
                        _bumped.Push(change.TicketRemoved.TicketId);
                    }

                    Print(change.TicketRemoved.Status == TicketStatus.Bumped ? "BUMPED" : "MOVED", change.TicketRemoved);
                    break;
                case StationEvent.EventOneofCase.SnapshotComplete:
                    _allDay = [.. change.SnapshotComplete.AllDay?.Counts ?? []];
                    if (plain)
                    {
                        AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}  live: {change.SnapshotComplete.TicketCount} open tickets[/]");
                    }

                    break;
                case StationEvent.EventOneofCase.AllDay:
                    _allDay = [.. change.AllDay.Counts];
                    if (plain)
                    {
                        AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}  all day: {string.Join(", ", _allDay.Select(c => $"{c.Quantity} {c.Name}"))}[/]");
                    }

                    break;
            }
        }
    }

    /// <summary>The first ticket shown that still has a held course (expo fires it).</summary>
    public Ticket? FirstWithHeldCourse()
    {
        lock (_gate)
        {
            return Shown().Where(t => t.VoidedAt is null).Select(t => t.Ticket).FirstOrDefault(t => t.Items.Any(i => i.Held));
        }
    }

    /// <summary>The n-th open ticket on the screen (0-based), in the order shown.</summary>
    public Ticket? OpenAt(int index)
    {
        lock (_gate)
        {
            return Shown().Where(t => t.VoidedAt is null).Select(t => t.Ticket).ElementAtOrDefault(index);
        }
    }

    private List<(Ticket Ticket, DateTimeOffset? VoidedAt)> Shown()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var gone in _tickets.Where(t => t.Value.VoidedAt is { } at && now - at > VoidShownFor).Select(t => t.Key).ToList())
        {
            _tickets.Remove(gone);
        }

        return [.. _tickets.Values
            .OrderByDescending(t => t.Ticket.Rush)
            .ThenBy(t => t.Ticket.CreatedAt.ToDateTimeOffset())
            .ThenBy(t => t.Ticket.TicketId, StringComparer.Ordinal)];
    }

    public IRenderable Render(Station station, StationFeed feed, KdsSettings settings, string message)
    {
        lock (_gate)
        {
            var shown = Shown();
            var now = DateTimeOffset.UtcNow;
            var silent = now - feed.LastHeard;
            var status = feed.Live && silent < TimeSpan.FromSeconds(15)
                ? "[green bold]● LIVE[/]"
                : $"[red bold]● STALE[/] [red]{Markup.Escape(feed.Problem ?? "no word from the server")} (last heard {silent.TotalSeconds:0} s ago)[/]";
            var header = new Markup(
                $"[bold]{Markup.Escape(station.Name.ToUpperInvariant())}[/]   {shown.Count(t => t.VoidedAt is null)} open   {status}   [grey]{DateTime.Now:HH:mm:ss}[/]");

            var panels = new List<IRenderable>();
            var number = 0;
            foreach (var (ticket, voidedAt) in shown.Take(12))
            {
                panels.Add(RenderTicket(ticket, voidedAt is null ? ++number : 0, now, settings));
            }

            var tickets = panels.Count == 0 ? (IRenderable)new Markup("[grey]No open tickets.[/]") : new Columns(panels) { Expand = false };
            var allDay = new Table().Border(TableBorder.Simple).Title("[bold]ALL DAY[/]").AddColumn("").AddColumn("").HideHeaders();
            foreach (var count in _allDay.OrderByDescending(c => c.Quantity))
            {
                allDay.AddRow($"[bold]{count.Quantity}[/]", Markup.Escape(count.Name));
            }

            var body = new Grid().AddColumn(new GridColumn().NoWrap().Width(26)).AddColumn();
            body.AddRow(allDay, tickets);
            var more = shown.Count > 12 ? new Markup($"[yellow]+{shown.Count - 12} more tickets[/]") : new Markup("");
            var keys = station.IsExpo ? "1–9 send order out · r recall · f fire next held course · q quit" : "1–9 bump · r recall last bumped · q quit";
            var footer = new Markup($"[grey]{keys}[/]   {Markup.Escape(message)}");
            return new Rows(header, new Rule(), body, more, footer);
        }
    }

    private static Panel RenderTicket(Ticket ticket, int number, DateTimeOffset now, KdsSettings settings)
    {
        var voided = ticket.Status == TicketStatus.Voided;
        var age = now - ticket.CreatedAt.ToDateTimeOffset();
        var late = ticket.LateAt is { } lateAt ? now >= lateAt.ToDateTimeOffset() : age >= TimeSpan.FromMinutes(settings.LateMinutes);
        var warn = ticket.WarnAt is { } warnAt ? now >= warnAt.ToDateTimeOffset() : age >= TimeSpan.FromMinutes(settings.WarnMinutes);
        var colour = voided ? "grey" : late ? "red" : warn ? "yellow" : "green";
        var lines = new List<string>();
        if (ticket.Rush && !voided)
        {
            lines.Add("[white on red bold] RUSH [/]");
        }

        if (ticket.Course > 1)
        {
            lines.Add($"[blue]course {ticket.Course}[/]");
        }

        foreach (var progress in ticket.Progress)
        {
            var mark = progress.State switch
            {
                ProgressState.Bumped => "[green]✓[/]",
                ProgressState.Cooking => "[yellow]…[/]",
                ProgressState.Waiting => "[red]?[/]",
                ProgressState.Held => "[blue]‖[/]",
                _ => "[grey]×[/]",
            };
            lines.Add($"{mark} {progress.StationId}{(progress.Course > 1 ? $" c{progress.Course}" : "")} [grey]{progress.State.ToString().ToLowerInvariant()}[/]");
        }

        foreach (var item in ticket.Items)
        {
            var forItem = item.ForItem.Length > 0 ? $" [grey](for {Markup.Escape(item.ForItem)})[/]" : "";
            if (item.Voided)
            {
                lines.Add($"[strikethrough grey]{item.Quantity} × {Markup.Escape(item.Name)}[/] [red]void[/]");
                continue;
            }

            var start = "";
            if (item.Held)
            {
                start = $" [blue]held (course {item.Course})[/]";
            }
            else if (item.StartAt is { } startAt && !voided && ticket.Progress.Count == 0)
            {
                var wait = startAt.ToDateTimeOffset() - now;
                start = wait > TimeSpan.FromSeconds(1) ? $" [blue]start in {(int)wait.TotalMinutes}:{wait.Seconds:00}[/]" : " [green]start now[/]";
            }

            lines.Add($"[bold]{item.Quantity} × {Markup.Escape(item.Name)}[/]{forItem}{start}");
            foreach (var allergy in item.Allergies)
            {
                lines.Add($"  [white on red bold] ⚠ {Markup.Escape(allergy.ToUpperInvariant())} [/]");
            }

            foreach (var modifier in item.Modifiers.Where(m => !item.Allergies.Contains(m, StringComparer.OrdinalIgnoreCase)))
            {
                lines.Add($"  [yellow]{Markup.Escape(modifier)}[/]");
            }

            if (item.Note.Length > 0)
            {
                lines.Add($"  [italic]“{Markup.Escape(item.Note)}”[/]");
            }
        }

        var text = string.Join('\n', lines);
        if (voided)
        {
            text = $"[strikethrough grey]{Markup.Remove(text).Replace("[", "[[").Replace("]", "]]")}[/]\n[red bold]VOIDED[/]";
        }

        var origin = Markup.Escape(Connection.Origin(ticket.Source, ticket.GuestName));
        var title = number > 0
            ? $"[bold]{number}[/] · {Connection.OrderLabel(ticket.OrderNumber, ticket.OrderId)}{(origin.Length > 0 ? $" · [bold]{origin}[/]" : "")} · [{colour}]{(int)age.TotalMinutes:00}:{age.Seconds:00}[/]"
            : $"{Connection.OrderLabel(ticket.OrderNumber, ticket.OrderId)} · void";
        return new Panel(new Markup(text)) { Width = 30 }.Header(title).BorderColor(voided ? Color.Grey : colour == "red" ? Color.Red : colour == "yellow" ? Color.Yellow : Color.Green);
    }

    private void Print(string what, Ticket ticket)
    {
        if (!plain)
        {
            return;
        }

        var items = string.Join(", ", ticket.Items.Select(i =>
            $"{i.Quantity}× {i.Name}{(i.ForItem.Length > 0 ? " for " + i.ForItem : "")}{(i.Modifiers.Count > 0 ? " (" + string.Join(", ", i.Modifiers) + ")" : "")}{(i.Note.Length > 0 ? " “" + i.Note + "”" : "")}"));
        var flags = (ticket.Rush ? "RUSH " : "") + (ticket.HasAllergy ? "ALLERGY " : "") + (ticket.Course > 1 ? $"course {ticket.Course} " : "");
        AnsiConsole.MarkupLineInterpolated($"{DateTime.Now:HH:mm:ss}  {what,-7} {Connection.OrderLabel(ticket.OrderNumber, ticket.OrderId)}  {flags}{items}");
    }
}
