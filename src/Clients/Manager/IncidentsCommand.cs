using System.ComponentModel;
using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Manager;

public sealed class IncidentsSettings : ServerSettings
{
    [CommandOption("-w|--watch")]
    [Description("Follow the incidents live: the open ones, then each one opened, acknowledged or resolved (reconnects by itself).")]
    public bool Watch { get; init; }

    [CommandOption("--days <N>")]
    [Description("Without --watch: the incidents opened in the last N days (default 1), and a summary per day and kind.")]
    public int Days { get; init; } = 1;

    [CommandOption("--ack <INCIDENT_ID>")]
    [Description("Acknowledge an incident: you have seen it and are on it.")]
    public string? Acknowledge { get; init; }

    public override ValidationResult Validate() =>
        Days is < 1 or > 35 ? ValidationResult.Error("--days is 1 to 35 (incidents are kept 35 days)") : base.Validate();
}

/// <summary>`restaurant incidents`: what went wrong at a location, live with --watch, for a manager's terminal.</summary>
public sealed class IncidentsCommand : AsyncCommand<IncidentsSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, IncidentsSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            if (settings.Acknowledge is { } id)
            {
                var incident = (await connection.Reports.AcknowledgeIncidentAsync(
                    new AcknowledgeIncidentRequest { LocationId = settings.Location, IncidentId = id }, cancellationToken: cancellationToken)).Incident;
                Print("acknowledged", incident);
                return 0;
            }

            if (!settings.Watch)
            {
                var list = await connection.Reports.ListIncidentsAsync(
                    new ListIncidentsRequest { LocationId = settings.Location, From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-settings.Days)) },
                    cancellationToken: cancellationToken);
                foreach (var incident in list.Incidents)
                {
                    Print(incident.ResolvedAt is null ? "open" : "resolved", incident);
                }

                foreach (var day in list.Summary)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"[grey]{day.Day}  {Name(day.Kind),-18} {day.Count,4} × open {TimeSpan.FromSeconds(day.OpenSeconds):h\\:mm\\:ss} in all, {day.Acknowledged} acknowledged[/]");
                }

                return 0;
            }

            AnsiConsole.MarkupLineInterpolated($"[grey]Watching the incidents of {settings.Location}; Ctrl-C to stop.[/]");
            var token = "";
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    using var call = connection.Reports.WatchIncidents(new WatchIncidentsRequest { LocationId = settings.Location, ResumeToken = token }, cancellationToken: cancellationToken);
                    await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                    {
                        switch (change.EventCase)
                        {
                            case IncidentEvent.EventOneofCase.IncidentOpened:
                                Print("OPEN", change.IncidentOpened);
                                break;
                            case IncidentEvent.EventOneofCase.IncidentUpdated:
                                Print("acknowledged", change.IncidentUpdated);
                                break;
                            case IncidentEvent.EventOneofCase.IncidentResolved:
                                Print("resolved", change.IncidentResolved);
                                break;
                            case IncidentEvent.EventOneofCase.SnapshotComplete:
                                AnsiConsole.MarkupLineInterpolated($"[grey]{change.SnapshotComplete.OpenCount} open; live from here[/]");
                                break;
                        }

                        if (change.ResumeToken.Length > 0)
                        {
                            token = change.ResumeToken;
                        }
                    }
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.OutOfRange)
                {
                    token = "";
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
                {
                    AnsiConsole.MarkupLine("[yellow]connection lost; reconnecting…[/]");
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
            }

            return 0;
        });

    private static void Print(string what, Incident incident)
    {
        var colour = incident.ResolvedAt is not null ? "green" : incident.Severity switch
        {
            IncidentSeverity.Critical => "red bold",
            IncidentSeverity.Warning => "yellow",
            _ => "blue",
        };
        var ack = incident.AcknowledgedBy.Length > 0 ? $" [grey](acknowledged by {Markup.Escape(incident.AcknowledgedBy)})[/]" : "";
        AnsiConsole.MarkupLine(
            $"{incident.OpenedAt.ToDateTime().ToLocalTime():HH:mm:ss}  [{colour}]{Markup.Escape(what),-12}[/] {Name(incident.Kind),-18} {Markup.Escape(incident.Message)}{ack}  [grey]{incident.IncidentId}[/]");
    }

    /// <summary>"ticket_not_shown", "86".</summary>
    private static string Name(IncidentKind kind) => kind == IncidentKind.Item86
        ? "86"
        : string.Concat(kind.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
