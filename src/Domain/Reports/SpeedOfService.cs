using Restaurant.Domain.Locations;

namespace Restaurant.Domain.Reports;

/// <summary>Count, mean, 90th percentile and late count of a set of times.</summary>
public sealed record TimingSummary(int Count, TimeSpan Mean, TimeSpan P90, int Late);

/// <summary>One station's tickets in one hour (or in the whole range, when Hour is null).</summary>
public sealed record StationHourSummary(string StationId, DateTimeOffset? Hour, TimingSummary Tickets);

/// <summary>The manager's speed-of-service report for a time range.</summary>
public sealed record SpeedOfServiceReport(
    IReadOnlyList<StationHourSummary> StationHours,
    IReadOnlyList<StationHourSummary> Stations,
    TimingSummary ToReady,
    TimingSummary ToCompleted);

/// <summary>Builds the report from samples; pure, so it is tested without Redis.</summary>
public static class SpeedOfService
{
    public static SpeedOfServiceReport Build(IReadOnlyList<ServiceSample> samples, LocationDefinition location)
    {
        var late = location.Stations.ToDictionary(s => s.Id, s => TimeSpan.FromSeconds(s.LateSeconds));
        var tickets = samples.Where(s => s.Kind == SampleKind.Ticket && s.StationId is not null).ToList();
        var hours = tickets
            .GroupBy(s => (Station: s.StationId!, Hour: new DateTimeOffset(s.At.Year, s.At.Month, s.At.Day, s.At.Hour, 0, 0, TimeSpan.Zero)))
            .OrderBy(g => StationOrder(location, g.Key.Station)).ThenBy(g => g.Key.Hour)
            .Select(g => new StationHourSummary(g.Key.Station, g.Key.Hour, Summarize(g.Select(s => s.Duration), late.GetValueOrDefault(g.Key.Station, TimeSpan.MaxValue))))
            .ToList();
        var stations = tickets
            .GroupBy(s => s.StationId!)
            .OrderBy(g => StationOrder(location, g.Key))
            .Select(g => new StationHourSummary(g.Key, null, Summarize(g.Select(s => s.Duration), late.GetValueOrDefault(g.Key, TimeSpan.MaxValue))))
            .ToList();
        var expoLate = TimeSpan.FromSeconds(location.Expo.LateSeconds);
        return new SpeedOfServiceReport(
            hours,
            stations,
            Summarize(samples.Where(s => s.Kind == SampleKind.OrderReady).Select(s => s.Duration), expoLate),
            Summarize(samples.Where(s => s.Kind == SampleKind.OrderCompleted).Select(s => s.Duration), expoLate));
    }

    /// <summary>Mean, nearest-rank 90th percentile, and how many took longer than <paramref name="late"/>.</summary>
    public static TimingSummary Summarize(IEnumerable<TimeSpan> durations, TimeSpan late)
    {
        var sorted = durations.Order().ToList();
        if (sorted.Count == 0)
        {
            return new TimingSummary(0, TimeSpan.Zero, TimeSpan.Zero, 0);
        }

        var rank = (int)Math.Ceiling(0.9 * sorted.Count) - 1;
        return new TimingSummary(
            sorted.Count,
            TimeSpan.FromTicks((long)sorted.Average(d => d.Ticks)),
            sorted[Math.Clamp(rank, 0, sorted.Count - 1)],
            sorted.Count(d => d > late));
    }

    private static int StationOrder(LocationDefinition location, string station)
    {
        var index = location.Stations.ToList().FindIndex(s => s.Id == station);
        return index < 0 ? int.MaxValue : index;
    }
}
