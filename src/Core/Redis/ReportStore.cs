using Restaurant.Domain.Reports;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>What the reports read from Redis: the speed-of-service samples.</summary>
public sealed class ReportStore(RedisContext redis)
{
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
