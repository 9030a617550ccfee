using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Reports;

namespace Restaurant.OrderService.Grpc;

public sealed class ReportsGrpcService(MenuStore menus, ReportStore reports, TimeProvider clock) : Reports.ReportsBase
{
    private static readonly TimeSpan LongestRange = TimeSpan.FromDays(31);

    public override async Task<GetSpeedOfServiceResponse> GetSpeedOfService(GetSpeedOfServiceRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var to = Time(request.To, "to") ?? clock.GetUtcNow();
        var from = Time(request.From, "from") ?? (to - DateTimeOffset.UnixEpoch > TimeSpan.FromDays(1) ? to.AddDays(-1) : DateTimeOffset.UnixEpoch);
        if (from >= to)
        {
            throw RestaurantException.Invalid("from must be before to");
        }

        if (to - from > LongestRange)
        {
            throw RestaurantException.Invalid($"the range from..to is {(to - from).TotalDays:0.#} days, at most {LongestRange.TotalDays}");
        }

        var menu = await menus.GetMenuAsync(request.LocationId, context.CancellationToken);
        var samples = await reports.ReadSpeedOfServiceAsync(request.LocationId, from, to, context.CancellationToken);
        var report = SpeedOfService.Build(samples, menu.Location);
        var response = new GetSpeedOfServiceResponse
        {
            PlacedToReady = ToProto(report.ToReady),
            PlacedToCompleted = ToProto(report.ToCompleted),
            From = Timestamp.FromDateTimeOffset(from),
            To = Timestamp.FromDateTimeOffset(to),
        };
        response.StationHours.AddRange(report.StationHours.Select(ToProto));
        response.Stations.AddRange(report.Stations.Select(ToProto));
        return response;
    }

    /// <summary>A report time, which must lie between 1970 and the year 9999 with whole nanoseconds in range.</summary>
    private static DateTimeOffset? Time(Timestamp? time, string field)
    {
        if (time is null)
        {
            return null;
        }

        if (time.Nanos is < 0 or > 999_999_999)
        {
            throw RestaurantException.Invalid($"{field}.nanos must be 0 to 999999999, was {time.Nanos}");
        }

        if (time.Seconds is < 0 or > MaxSeconds)
        {
            throw RestaurantException.Invalid($"{field}.seconds must be from 0 (1970-01-01) to {MaxSeconds} (9999-12-31), was {time.Seconds}");
        }

        return time.ToDateTimeOffset();
    }

    private const long MaxSeconds = 253_402_300_799;

    private static StationTiming ToProto(StationHourSummary summary)
    {
        var proto = new StationTiming { StationId = summary.StationId, Tickets = ToProto(summary.Tickets) };
        if (summary.Hour is { } hour)
        {
            proto.Hour = Timestamp.FromDateTimeOffset(hour);
        }

        return proto;
    }

    private static Timing ToProto(TimingSummary timing) => new()
    {
        Count = timing.Count,
        MeanSeconds = timing.Mean.TotalSeconds,
        P90Seconds = timing.P90.TotalSeconds,
        Late = timing.Late,
    };
}
