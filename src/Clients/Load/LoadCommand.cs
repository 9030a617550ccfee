using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;
namespace Restaurant.Clients.Load;

/// <summary>
/// The load generator: offers orders at a rate (or a rising staircase of rates) over real gRPC, with a
/// simulated kitchen that watches and bumps every station and a POS that sends ready orders out, and
/// reports place → screen and the rest per step (<see cref="OfferedLoad"/>, <see cref="SimulatedKitchen"/>,
/// <see cref="LoadReport"/>).
/// </summary>
public sealed class LoadCommand : AsyncCommand<LoadSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, LoadSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var sites = new List<Site>();
            foreach (var location in settings.Locations is { } ids ? LoadSettings.ParseLocations(ids)! : [settings.Location])
            {
                var menu = await connection.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location }, cancellationToken: cancellationToken);
                sites.Add(new Site(location, menu, settings.Screens, settings.Terminals, () => new Connection(settings)));
            }

            using var devices = new Devices(sites);

            var run = new Run(sites, settings.Hold);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watchers = new List<Task>();
            foreach (var site in sites)
            {
                watchers.AddRange(site.Screens.Select(s => SimulatedKitchen.WatchStationAsync(site, s, run, stop.Token)));
                watchers.AddRange(Enumerable.Range(0, site.Terminals.Length).Select(t => SimulatedKitchen.WatchOrdersAsync(site, t, run, stop.Token)));
            }

            await run.Ready.Task.WaitAsync(TimeSpan.FromSeconds(30 + sites.Count), cancellationToken);
            var where = sites.Count == 1 ? sites[0].Location : $"{sites.Count} locations ({sites[0].Location} … {sites[^1].Location})";
            AnsiConsole.MarkupLineInterpolated(
                $"kitchen: {sites[0].Screens.Count} screens and {settings.Terminals} POS terminals per location, each a device with its own connection ({string.Join(", ", sites[0].Screens.Select(s => s.Name))})");

            var metricsBefore = await LoadReport.Scrape(settings.Metrics, cancellationToken);
            var results = new List<StepResult>();
            var random = new Random(1);
            var rates = settings.Rates is { } list ? LoadSettings.ParseRates(list)! : null;
            var rate = rates?[0] ?? settings.Rate;
            for (var step = 0; ; step++)
            {
                var phase = new Phase(rate, settings.Hold);
                AnsiConsole.MarkupLineInterpolated(
                    $"[bold]loadgen[/]: {rate:0.#} orders/s for {settings.Duration} s (at most {settings.Orders}) at {where}{(settings.Hold ? ", tickets held open" : "")}");
                var startedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var cpuBefore = Environment.CpuUsage.TotalTime;
                await OfferedLoad.OfferAsync(connection, settings, run, phase, random, cancellationToken);
                var result = phase.Result(settings) with
                {
                    StartedMs = startedMs, EndedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ClientCpuSeconds = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds,
                };
                results.Add(result);
                LoadReport.Print(phase, result);
                if (!result.Held && (settings.Step || !result.Ok))
                {
                    if (settings.Step)
                    {
                        AnsiConsole.MarkupLineInterpolated($"[yellow]objective broken at {rate:0.#} orders/s[/]: {result.Why}");
                    }

                    break;
                }

                if (rates is not null)
                {
                    if (step + 1 >= rates.Count)
                    {
                        break;
                    }

                    rate = rates[step + 1];
                }
                else if (settings.Step && rate * settings.Factor <= settings.MaxRate)
                {
                    rate = Math.Round(rate * settings.Factor);
                }
                else
                {
                    break;
                }
            }

            await stop.CancelAsync();
            await Task.WhenAll(watchers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));

            if (run.Reconnects > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"streams that ended and came back with their token: {run.Reconnects}");
            }

            var highest = results.Where(r => r.Held).Select(r => r.Rate).DefaultIfEmpty(0).Max();
            if (settings.Step || results.Count > 1)
            {
                AnsiConsole.MarkupLineInterpolated(
                    $"highest rate that held the objective (place → screen p99 ≤ {settings.ObjectiveMs:0.#} ms, no errors, invariants ok): [bold]{highest:0.#} orders/s[/]");
            }

            var metricsAfter = await LoadReport.Scrape(settings.Metrics, cancellationToken);
            var operatorView = LoadReport.PrintMetrics(metricsBefore, metricsAfter);
            if (settings.Json is { } path)
            {
                await File.WriteAllTextAsync(path, LoadReport.ToJson(settings, sites, results, highest, operatorView), cancellationToken);
            }

            // A broken invariant fails the run, and so do errors, except in the step that broke the
            // objective; a missed objective is a finding, not a failure.
            var judged = settings.Step ? results.Take(results.Count - 1) : results;
            return results.All(r => r.InvariantsOk) && judged.All(r => r.Errors.Count == 0) ? 0 : 1;
        });

    /// <summary>The run's devices, each with its connection, closed when the run ends.</summary>
    private sealed class Devices(List<Site> sites) : IDisposable
    {
        public void Dispose()
        {
            foreach (var site in sites)
            {
                site.Dispose();
            }
        }
    }
}
