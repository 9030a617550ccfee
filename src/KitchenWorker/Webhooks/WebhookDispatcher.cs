using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using StackExchange.Redis;

namespace Restaurant.KitchenWorker.Webhooks;

/// <summary>
/// Sends every order status change to the subscribers that hear it, as signed JSON with an event id
/// for the receiver's dedup: at least once, in order per subscriber and location (so in order per
/// order), from the outbox that the status change itself wrote (<see cref="WebhookOutbox"/>). A
/// delivery that fails is retried with a growing wait, and nothing after it goes first. Each
/// location's webhooks are sent by the worker that holds its lease, so a chain's workers share them.
/// </summary>
public sealed partial class WebhookDispatcher(
    WebhookOutbox outbox, LocationShare share, Doorbell bell, IOptions<WebhookOptions> options, IOptions<KitchenWorkerOptions> workerOptions,
    TimeProvider clock, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int Batch = 64;
    private readonly WebhookOptions _options = options.Value;
    private readonly string _consumer = $"{(string.IsNullOrEmpty(workerOptions.Value.ConsumerName) ? Environment.MachineName : workerOptions.Value.ConsumerName)}-{Environment.ProcessId}";
    private readonly Dictionary<(string Location, string Subscriber), (int Failures, long RetryAt)> _backoff = [];
    private readonly HashSet<(string Location, string Subscriber)> _ready = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Value.Timeout };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Subscribers.Count == 0)
        {
            return;
        }

        // A location is looked at when its bell rang (a status change), and every second for retries.
        var wakes = new Dictionary<string, Task>(StringComparer.Ordinal);
        var sweepAt = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sweep = clock.GetTimestamp() >= sweepAt;
            if (sweep)
            {
                sweepAt = clock.GetTimestamp() + TimeProvider.System.TimestampFrequency;
            }

            try
            {
                var held = share.Current.Held;
                foreach (var gone in wakes.Keys.Where(l => !held.Contains(l)).ToList())
                {
                    wakes.Remove(gone);
                }

                foreach (var location in held)
                {
                    if (!sweep && wakes.TryGetValue(location, out var wake) && !wake.IsCompleted)
                    {
                        continue;
                    }

                    wakes[location] = bell.Next(location, RedisKeys.OrderEventsTopic);
                    foreach (var (name, subscriber) in _options.Subscribers)
                    {
                        if (subscriber.Locations.Count == 0 || subscriber.Locations.Contains(location))
                        {
                            await SendAsync(location, name, subscriber, stoppingToken);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                Log.OutboxUnavailable(logger, ex.Message);
            }

            await Doorbell.WaitAsync(wakes.Count > 0 ? Task.WhenAny(wakes.Values) : Task.Delay(Timeout.Infinite, stoppingToken), TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    /// <summary>Sends what waits for one subscriber at one location, in order, until the outbox is empty or a delivery fails.</summary>
    private async Task SendAsync(string location, string name, WebhookSubscriber subscriber, CancellationToken cancellationToken)
    {
        var key = (location, name);
        var now = clock.GetTimestamp();
        if (_backoff.TryGetValue(key, out var waiting) && now < waiting.RetryAt)
        {
            return;
        }

        if (_ready.Add(key))
        {
            await outbox.EnsureAsync(location, name, cancellationToken);
        }

        while (true)
        {
            var events = await outbox.NextAsync(location, name, _consumer, Batch, _options.ClaimIdle, cancellationToken);
            foreach (var change in events)
            {
                if ((subscriber.Events.Count > 0 && !subscriber.Events.Contains(change.Status))
                    || await outbox.LastSentAsync(location, name, change.OrderId, cancellationToken) == change.Status)
                {
                    // Not one it hears, or the same status again (a screen showing a ticket): nothing to send.
                    await outbox.DoneAsync(location, name, change, sent: false, cancellationToken);
                    continue;
                }

                var attempt = (_backoff.TryGetValue(key, out var failed) ? failed.Failures : 0) + 1;
                var outcome = await DeliverAsync(location, subscriber, change, cancellationToken);
                await outbox.LogAsync(location, name, change, attempt, outcome ?? "delivered", cancellationToken);
                if (outcome is not null)
                {
                    var wait = TimeSpan.FromTicks(Math.Min(_options.RetryMost.Ticks, _options.RetryFirst.Ticks << Math.Min(attempt - 1, 20)));
                    _backoff[key] = (attempt, clock.GetTimestamp() + (long)(wait.TotalSeconds * TimeProvider.System.TimestampFrequency));
                    Log.DeliveryFailed(logger, name, location, change.Id, attempt, outcome, wait);
                    return;
                }

                _backoff.Remove(key);
                await outbox.DoneAsync(location, name, change, sent: true, cancellationToken);
            }

            if (events.Count < Batch)
            {
                return;
            }
        }
    }

    /// <summary>Posts one event; null when the subscriber answered 2xx, otherwise what went wrong.</summary>
    private async Task<string?> DeliverAsync(string location, WebhookSubscriber subscriber, WebhookEvent change, CancellationToken cancellationToken)
    {
        var (number, reason) = await outbox.FactsOfAsync(location, change.OrderId, cancellationToken);
        var payload = new WebhookPayload(
            $"{location}:{change.Id}", "order.status_changed", location, change.OrderId, change.Status,
            DateTimeOffset.FromUnixTimeMilliseconds(change.AtMs), number, change.Status == "CANCELLED" && reason.Length > 0 ? reason : null);
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, WebhookJson.Default.WebhookPayload);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Restaurant-Event-Id", payload.EventId);
        request.Headers.Add("X-Restaurant-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(subscriber.Secret), body)));
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Subscriber} at {Location}: event {Event} failed (attempt {Attempt}: {Outcome}); retrying in {Wait}")]
        public static partial void DeliveryFailed(ILogger logger, string subscriber, string location, string @event, int attempt, string outcome, TimeSpan wait);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Webhooks wait: the outbox cannot be read ({Reason})")]
        public static partial void OutboxUnavailable(ILogger logger, string reason);
    }
}

/// <summary>
/// What a subscriber receives (snake_case JSON); <see cref="EventId"/> is the same on every retry of
/// one event. <see cref="Reason"/> says why, on a CANCELLED order that was denied.
/// </summary>
public sealed record WebhookPayload(
    string EventId, string Type, string LocationId, string OrderId, string Status, DateTimeOffset At, int Number,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJson : JsonSerializerContext;
