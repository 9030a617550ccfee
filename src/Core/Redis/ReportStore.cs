using Restaurant.Domain;
using Restaurant.Domain.Reports;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>One webhook delivery attempt, as the dispatcher noted it.</summary>
public sealed record WebhookAttempt(string Subscriber, string EventId, string OrderId, OrderState Status, int Attempt, string Outcome, DateTimeOffset At);

/// <summary>What the reports read from Redis: the speed-of-service samples and the webhook delivery log.</summary>
public sealed class ReportStore(RedisContext redis)
{
    /// <summary>The location's latest webhook delivery attempts, newest first (a subscriber's only, when named).</summary>
    public async Task<IReadOnlyList<WebhookAttempt>> ReadWebhookLogAsync(string location, string? subscriber, int count, CancellationToken cancellationToken = default)
    {
        var attempts = new List<WebhookAttempt>(count);
        var end = "+";
        while (attempts.Count < count)
        {
            var entries = await redis.Db.StreamRangeAsync(RedisKeys.WebhookLog(location), "-", end, 500, Order.Descending).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                if (subscriber is { Length: > 0 } && entry["subscriber"] != subscriber)
                {
                    continue;
                }

                var id = entry.Id.ToString();
                attempts.Add(new WebhookAttempt(
                    entry["subscriber"].ToString(), entry["event"].ToString(), entry["order"].ToString(), StoredStates.ParseOrderState(entry["status"]),
                    (int)entry["attempt"], entry["outcome"].ToString(),
                    DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(id[..id.IndexOf('-')], System.Globalization.CultureInfo.InvariantCulture))));
                if (attempts.Count == count)
                {
                    break;
                }
            }

            if (entries.Length < 500)
            {
                break;
            }

            end = "(" + entries[^1].Id;
        }

        return attempts;
    }

    /// <summary>The speed-of-service samples taken between two times, oldest first.</summary>
    public async Task<IReadOnlyList<ServiceSample>> ReadSpeedOfServiceAsync(string location, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var samples = new List<ServiceSample>();
        var start = $"{from.ToUnixTimeMilliseconds()}-0";
        var end = $"{to.ToUnixTimeMilliseconds()}-{long.MaxValue}";
        while (true)
        {
            var entries = await redis.Db.StreamRangeAsync(RedisKeys.SpeedOfService(location), start, end, 5000).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                var id = entry.Id.ToString();
                var at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(id[..id.IndexOf('-')], System.Globalization.CultureInfo.InvariantCulture));
                var kind = (string?)entry["k"] switch { "t" => SampleKind.Ticket, "r" => SampleKind.OrderReady, _ => SampleKind.OrderCompleted };
                samples.Add(new ServiceSample(at, kind, entry["s"].IsNull ? null : entry["s"].ToString(), TimeSpan.FromMilliseconds((long)entry["d"])));
            }

            if (entries.Length < 5000)
            {
                return samples;
            }

            start = "(" + entries[^1].Id;
        }
    }
}
