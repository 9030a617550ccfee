using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Domain;
using Restaurant.Core.Redis;
using Restaurant.Core.Reports;

namespace Restaurant.OrderService.Grpc;

public sealed class ReportsGrpcService(RedisStore store, TimeProvider clock) : Reports.ReportsBase
{
    private static readonly TimeSpan LongestRange = TimeSpan.FromDays(31);

    public override async Task<GetSpeedOfServiceResponse> GetSpeedOfService(GetSpeedOfServiceRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var to = request.To?.ToDateTimeOffset() ?? clock.GetUtcNow();
        var from = request.From?.ToDateTimeOffset() ?? to.AddDays(-1);
        if (from >= to)
        {
            throw RestaurantException.Invalid("from must be before to");
        }

        if (to - from > LongestRange)
        {
            throw RestaurantException.Invalid($"the range from..to is {(to - from).TotalDays:0.#} days, at most {LongestRange.TotalDays}");
        }

        var menu = await store.GetMenuAsync(request.LocationId, context.CancellationToken);
        var samples = await store.ReadSpeedOfServiceAsync(request.LocationId, from, to, context.CancellationToken);
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
