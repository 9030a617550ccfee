using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Incidents;
using Restaurant.OrderService.Auth;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

/// <summary>The manager's incidents: watched live, listed over a range with a summary per day and kind, acknowledged.</summary>
public sealed partial class ReportsGrpcService
{
    private const int IncidentBatch = 100;

    public override async Task WatchIncidents(WatchIncidentsRequest request, IServerStreamWriter<IncidentEvent> responseStream, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var location = request.LocationId;
        var streams = streamOptions.Value;
        using var streamLifetime = guard.Link(context);
        var cancellationToken = streamLifetime.Token;
        await menus.GetMenuAsync(location, cancellationToken);
        string token;
        if (request.ResumeToken.Length > 0)
        {
            if (!await incidents.IsResumableAsync(location, request.ResumeToken, cancellationToken))
            {
                throw new RestaurantException(
                    ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(request.ResumeToken)}' has expired for the incidents of '{location}'; start again with an empty token");
            }

            token = request.ResumeToken;
        }
        else
        {
            var (open, at) = await incidents.OpenWithTokenAsync(location, cancellationToken);
            foreach (var incident in open)
            {
                await responseStream.WriteWithinAsync(new IncidentEvent { IncidentOpened = incident.ToProto() }, streams.WriteTimeout, context, cancellationToken, more: true);
            }

            await responseStream.WriteWithinAsync(
                new IncidentEvent { ResumeToken = at, SnapshotComplete = new IncidentSnapshotComplete { OpenCount = open.Count } }, streams.WriteTimeout, context, cancellationToken);
            token = at;
        }

        var lastSent = clock.GetTimestamp();
        var poll = streams.PollInterval < streams.HeartbeatInterval ? streams.PollInterval : streams.HeartbeatInterval;
        await Tail.FollowAsync(bell, location, RedisKeys.IncidentsTopic, poll, async ct =>
        {
            var changes = await incidents.ReadEventsAsync(location, token, IncidentBatch, ct);
            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                var message = new IncidentEvent { ResumeToken = change.Token };
                switch (change.Change)
                {
                    case IncidentChange.Opened:
                        message.IncidentOpened = change.Incident.ToProto();
                        break;
                    case IncidentChange.Acknowledged:
                        message.IncidentUpdated = change.Incident.ToProto();
                        break;
                    default:
                        message.IncidentResolved = change.Incident.ToProto();
                        break;
                }

                await responseStream.WriteWithinAsync(message, streams.WriteTimeout, context, ct, more: i < changes.Count - 1);
                token = change.Token;
                lastSent = clock.GetTimestamp();
            }

            if (changes.Count == 0 && clock.GetElapsedTime(lastSent) >= streams.HeartbeatInterval)
            {
                await responseStream.WriteWithinAsync(
                    new IncidentEvent { ResumeToken = token, Heartbeat = new IncidentHeartbeat { ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) } },
                    streams.WriteTimeout, context, ct);
                lastSent = clock.GetTimestamp();
            }

            return changes.Count == IncidentBatch;
        }, cancellationToken);
    }

    public override async Task<ListIncidentsResponse> ListIncidents(ListIncidentsRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var now = clock.GetUtcNow();
        var to = request.To?.ToDateTimeOffset() ?? now;
        var from = request.From?.ToDateTimeOffset() ?? to.AddDays(-7);
        if (from > to)
        {
            throw RestaurantException.Invalid($"from ({from:u}) is after to ({to:u})");
        }

        var all = await incidents.ListAsync(request.LocationId, from, to, context.CancellationToken);
        var wanted = request.Kind == Contracts.V1.IncidentKind.Unspecified ? all : [.. all.Where(i => i.Cause.Kind.ToProto() == request.Kind)];
        var settings = (await menus.GetMenuAsync(request.LocationId, context.CancellationToken)).Location.Options;
        var response = new ListIncidentsResponse();
        response.Incidents.AddRange(wanted.Select(i => i.ToProto()));
        response.Summary.AddRange(IncidentRules.Summarize(wanted, settings, now).Select(d => new Contracts.V1.IncidentDaySummary
        {
            Day = $"{d.Day[..4]}-{d.Day[4..6]}-{d.Day[6..]}", Kind = d.Kind.ToProto(), Count = d.Count, OpenSeconds = (long)d.OpenFor.TotalSeconds, Acknowledged = d.Acknowledged,
        }));
        return response;
    }

    public override async Task<AcknowledgeIncidentResponse> AcknowledgeIncident(AcknowledgeIncidentRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        if (string.IsNullOrEmpty(request.IncidentId))
        {
            throw RestaurantException.Invalid("incident_id is required");
        }

        var who = context.UserState.TryGetValue(AuthInterceptor.DeviceKey, out var admitted) && admitted is DeviceDefinition device ? device.Id : "manager";
        var incident = await incidents.AcknowledgeAsync(request.LocationId, request.IncidentId, who, context.CancellationToken);
        return new AcknowledgeIncidentResponse { Incident = incident.ToProto() };
    }

    /// <summary>A screen seen this recently is live (the incident watch's default for a screen gone).</summary>
    private static readonly TimeSpan LiveScreen = TimeSpan.FromSeconds(15);

    public override async Task<GetKitchenHealthResponse> GetKitchenHealth(GetKitchenHealthRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        await menus.GetMenuAsync(request.LocationId, context.CancellationToken);
        var read = await incidents.ReadFactsAsync([request.LocationId], TimeSpan.MaxValue, context.CancellationToken);
        var response = new GetKitchenHealthResponse();
        if (read.Count == 0)
        {
            return response;
        }

        var (_, definition, facts) = read[0];
        foreach (var station in definition.Stations)
        {
            var seen = facts.Stations.FirstOrDefault(s => s.StationId == station.Id);
            var health = new StationHealth
            {
                StationId = station.Id, Name = station.Name, IsExpo = station.IsExpo, OpenTickets = seen?.Tickets.Count ?? 0,
                NotShown = seen?.Tickets.Count(t => t.ShownAt is null) ?? 0, Printer = station.Printer ?? "",
                PrinterProblem = facts.PrinterList.FirstOrDefault(p => p.StationId == station.Id)?.Reason ?? "",
            };
            health.LiveScreens.AddRange((seen?.Watchers ?? new Dictionary<string, DateTimeOffset>()).Where(w => facts.Now - w.Value < LiveScreen).Select(w => w.Key).Order(StringComparer.Ordinal));
            if (seen is { Tickets.Count: > 0 })
            {
                health.OldestFiredAt = Timestamp.FromDateTimeOffset(seen.Tickets.Min(t => t.FiredAt));
            }

            response.Stations.Add(health);
        }

        return response;
    }
}
