using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using Restaurant.Domain.Incidents;

namespace Restaurant.KitchenWorker.Incidents;

/// <summary>
/// Turns what the service knows into incidents a manager sees as they happen: every
/// <see cref="IncidentOptions.Interval"/> it reads each location this worker holds (one pipelined
/// pass for all of them), finds the causes there are now (<see cref="IncidentRules"/>), and opens the
/// new ones and resolves the ones gone, in one script per location, so an incident is raised once per
/// cause whichever worker holds the location. A ticket no screen showed prints on its station's
/// kitchen printer (<see cref="BackupPrinter"/>).
/// </summary>
public sealed partial class IncidentWatch(
    IncidentStore incidents, BackupPrinter printer, LocationShare share, IOptions<IncidentOptions> options, TimeProvider clock, ILogger<IncidentWatch> logger)
    : BackgroundService
{
    private readonly IncidentOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(_options.Interval, clock, LookAsync, reason => Log.Unavailable(logger, reason), stoppingToken);

    /// <summary>One look at every held location.</summary>
    public async Task LookAsync(CancellationToken cancellationToken)
    {
        var held = share.Current.Held;
        if (held.Count == 0)
        {
            return;
        }

        var thresholds = new IncidentThresholds(_options.ScreenGone, _options.AcceptWarning, _options.LowCount);
        foreach (var (location, definition, facts) in await incidents.ReadFactsAsync(held, _options.ScreenForget, cancellationToken))
        {
            var due = IncidentRules.ToPrint(facts, definition, thresholds);
            if (due.Count > 0)
            {
                printer.Print(location, definition.Options, due, cancellationToken);
            }

            var (opened, resolved) = await incidents.SyncAsync(location, IncidentRules.Find(facts, definition, thresholds), cancellationToken);
            if (opened + resolved > 0)
            {
                Log.Changed(logger, location, opened, resolved);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Incidents at {Location}: {Opened} opened, {Resolved} resolved")]
        public static partial void Changed(ILogger logger, string location, int opened, int resolved);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The incident watch waits: Redis cannot be read ({Reason})")]
        public static partial void Unavailable(ILogger logger, string reason);
    }
}
