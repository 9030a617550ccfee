using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Reports;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

public sealed partial class ReportsGrpcService(
    MenuStore menus, ReportStore reports, IncidentStore incidents, StreamGuard guard, Doorbell bell, IOptions<StreamOptions> streamOptions, TimeProvider clock)
    : Reports.ReportsBase
{
    private static readonly TimeSpan LongestRange = TimeSpan.FromDays(31);

    public override async Task<ListWebhookDeliveriesResponse> ListWebhookDeliveries(ListWebhookDeliveriesRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        if (request.Subscriber.Length > 0)
        {
            OrderValidator.RequireId(request.Subscriber, "subscriber");
        }

        if (request.Limit is < 0 or > 1000)
        {
            throw RestaurantException.Invalid($"limit must be 0 to 1000, was {request.Limit}");
        }

        await menus.GetMenuAsync(request.LocationId, context.CancellationToken);
        var attempts = await reports.ReadWebhookLogAsync(request.LocationId, request.Subscriber, request.Limit == 0 ? 100 : request.Limit, context.CancellationToken);
        var response = new ListWebhookDeliveriesResponse();
        response.Deliveries.AddRange(attempts.Select(a => new WebhookDelivery
        {
            Subscriber = a.Subscriber, EventId = a.EventId, OrderId = a.OrderId, Status = a.Status.ToProto(), Attempt = a.Attempt, Outcome = a.Outcome,
            At = Timestamp.FromDateTimeOffset(a.At),
        }));

        // Newest first: a subscriber's failures in a row are the failed attempts before its latest delivery.
        foreach (var subscriber in attempts.GroupBy(a => a.Subscriber))
        {
            var failing = subscriber.TakeWhile(a => a.Outcome != "delivered").ToList();
            var health = new WebhookSubscriberHealth { Subscriber = subscriber.Key, LastOutcome = subscriber.First().Outcome, FailuresInARow = failing.Count };
            if (failing.Count > 0)
            {
                health.FailingSince = Timestamp.FromDateTimeOffset(failing[^1].At);
            }

            response.Subscribers.Add(health);
        }

        return response;
    }

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
