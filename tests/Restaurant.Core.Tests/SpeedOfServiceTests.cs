using Restaurant.Core.Redis;
using Restaurant.Domain.Reports;

namespace Restaurant.Core.Tests;

public class SpeedOfServiceTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheSummaryHasTheMeanTheNinetiethPercentileAndTheLateCount()
    {
        var summary = SpeedOfService.Summarize(Enumerable.Range(1, 10).Select(m => TimeSpan.FromMinutes(m)), TimeSpan.FromMinutes(7));

        Assert.Equal(new TimingSummary(10, TimeSpan.FromMinutes(5.5), TimeSpan.FromMinutes(9), 3), summary);
        Assert.Equal(new TimingSummary(0, TimeSpan.Zero, TimeSpan.Zero, 0), SpeedOfService.Summarize([], TimeSpan.FromMinutes(7)));
    }

    [Fact]
    public void TicketsAreGroupedByStationAndHourAndJudgedLateByTheirStation()
    {
        ServiceSample[] samples =
        [
            new(Noon.AddMinutes(5), SampleKind.Ticket, "bar", TimeSpan.FromMinutes(2)),
            new(Noon.AddMinutes(50), SampleKind.Ticket, "bar", TimeSpan.FromMinutes(6)),
            new(Noon.AddMinutes(70), SampleKind.Ticket, "bar", TimeSpan.FromMinutes(1)),
            new(Noon.AddMinutes(10), SampleKind.Ticket, "grill", TimeSpan.FromMinutes(14)),
            new(Noon.AddMinutes(11), SampleKind.OrderReady, null, TimeSpan.FromMinutes(15)),
            new(Noon.AddMinutes(12), SampleKind.OrderCompleted, null, TimeSpan.FromMinutes(16)),
        ];

        var report = SpeedOfService.Build(samples, SampleData.Demo);

        Assert.Equal(
            [("grill", Noon, 1, 0), ("bar", Noon, 2, 1), ("bar", Noon.AddHours(1), 1, 0)],
            report.StationHours.Select(h => (h.StationId, h.Hour!.Value, h.Tickets.Count, h.Tickets.Late)));
        Assert.Equal([("grill", 1), ("bar", 3)], report.Stations.Select(s => (s.StationId, s.Tickets.Count)));
        Assert.Equal((1, TimeSpan.FromMinutes(15)), (report.ToReady.Count, report.ToReady.Mean));
        Assert.Equal(1, report.ToCompleted.Count);
    }
}
