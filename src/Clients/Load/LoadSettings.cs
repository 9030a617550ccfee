using System.ComponentModel;
using System.Globalization;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;
namespace Restaurant.Clients.Load;

public sealed class LoadSettings : ServerSettings
{
    [CommandOption("--rate <PER_SECOND>")]
    [Description("Offered orders per second, open loop: each order is sent at its time, however slow the answers (default 100). With --step, the first step's rate.")]
    public double Rate { get; init; } = 100;

    [CommandOption("--duration <SECONDS>")]
    [Description("How long orders are offered, per step (default 10, at most 600).")]
    public int Duration { get; init; } = 10;

    [CommandOption("--orders <N>")]
    [Description("At most this many orders per step (default 100000).")]
    public int Orders { get; init; } = 100_000;

    [CommandOption("--drain <SECONDS>")]
    [Description("How long to wait, after a step's last order, for every order to complete (default 30).")]
    public int Drain { get; init; } = 30;

    [CommandOption("--step")]
    [Description("Step mode: raise the rate by --factor after each step until the objective breaks, and report the highest rate that held it.")]
    public bool Step { get; init; }

    [CommandOption("--rates <LIST>")]
    [Description("Run these rates in turn (comma-separated, e.g. 100,500,1000), reporting each; stops early where the objective breaks when --step is given.")]
    public string? Rates { get; init; }

    [CommandOption("--factor <X>")]
    [Description("Step mode: each step offers this many times the last one's rate (default 1.5).")]
    public double Factor { get; init; } = 1.5;

    [CommandOption("--max-rate <PER_SECOND>")]
    [Description("Step mode: the highest rate tried (default 20000).")]
    public double MaxRate { get; init; } = 20_000;

    [CommandOption("--objective-ms <MS>")]
    [Description("The latency objective: place → screen p99 at every station within this many ms, with no errors (default 50).")]
    public double ObjectiveMs { get; init; } = 50;

    [CommandOption("--locations <IDS>")]
    [Description("Spread the orders over these locations: a comma-separated list, or a range such as store-001..store-050 (default: --location alone).")]
    public string? Locations { get; init; }

    [CommandOption("--screens <N>")]
    [Description("Screens at expo and at each balanced station, as kitchens have them (default 2): expo's mirror each other, a balanced station's share its tickets; other stations have one.")]
    public int Screens { get; init; } = 2;

    [CommandOption("--terminals <N>")]
    [Description("POS terminals per location (default 3): they place its orders in turn, each watches its orders and must hear every one completed.")]
    public int Terminals { get; init; } = 3;

    [CommandOption("--hold")]
    [Description("Screens receive tickets but do not bump them, so they stay open (for measuring memory per open ticket).")]
    public bool Hold { get; init; }

    [CommandOption("--json <FILE>")]
    [Description("Also write the results as JSON to this file.")]
    public string? Json { get; init; }

    [CommandOption("--metrics <URLS>")]
    [Description("Prometheus endpoints of the OrderService and KitchenWorker (comma-separated); the run prints what the operator's dashboards saw.")]
    public string? Metrics { get; init; }

    public override ValidationResult Validate()
    {
        if (Rate is <= 0 or > 100_000 || Duration is < 1 or > 600 || Orders is < 1 or > 1_000_000 || Drain is < 1 or > 600)
        {
            return ValidationResult.Error("--rate, --duration, --orders or --drain is out of range (see --help)");
        }

        if (Factor is <= 1 or > 10 || MaxRate is <= 0 or > 100_000 || ObjectiveMs <= 0)
        {
            return ValidationResult.Error("--factor must be above 1 (at most 10), --max-rate at most 100000, --objective-ms above 0");
        }

        if (Screens is < 1 or > 8 || Terminals is < 1 or > 16)
        {
            return ValidationResult.Error("--screens must be 1 to 8, --terminals 1 to 16");
        }

        if (Locations is not null && ParseLocations(Locations) is null)
        {
            return ValidationResult.Error($"--locations '{Locations}' is neither a list of ids nor a range such as store-001..store-050");
        }

        if (Rates is not null && ParseRates(Rates) is null)
        {
            return ValidationResult.Error($"--rates '{Rates}' is not a list of rates between 0 and 100000");
        }

        return base.Validate();
    }

    /// <summary>Ids from "a,b,c" or "store-001..store-050" (at most 5,000).</summary>
    public static List<string>? ParseLocations(string text)
    {
        var range = text.Split("..", StringSplitOptions.TrimEntries);
        if (range.Length == 2)
        {
            var digits = range[0].Length - range[0].TrimEnd("0123456789".ToCharArray()).Length;
            var prefix = range[0][..^digits];
            if (digits == 0 || !range[1].StartsWith(prefix, StringComparison.Ordinal)
                || !int.TryParse(range[0][^digits..], CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(range[1][prefix.Length..], CultureInfo.InvariantCulture, out var to) || to < from || to - from >= 5000)
            {
                return null;
            }

            return [.. Enumerable.Range(from, to - from + 1).Select(n => prefix + n.ToString(new string('0', digits), CultureInfo.InvariantCulture))];
        }

        var ids = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return ids.Count is 0 or > 5000 ? null : ids;
    }

    public static List<double>? ParseRates(string text)
    {
        var rates = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 100_000)
            {
                return null;
            }

            rates.Add(rate);
        }

        return rates.Count == 0 ? null : rates;
    }
}

/// <summary>
/// The load generator: terminals placing orders at a fixed offered rate, screens on every station
/// that bump each ticket the moment it arrives, expo sending each ready order out. It measures the
/// answer, place→screen per station, place→ready and place→completed, and checks after each step
/// that every acknowledged order got exactly one ticket per station and completed. In step mode it
/// raises the rate until the latency objective breaks.
/// </summary>
