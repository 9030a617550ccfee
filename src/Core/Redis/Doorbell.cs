using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// Wakes readers the moment something changes. Writers publish the topics they touched (station ids,
/// "orders", "order-events", "menu") on the location's bell channel; readers wait on a topic here with
/// a short timeout, because pub/sub drops messages while the connection is down and a reader must
/// never depend on a ring alone.
/// </summary>
public sealed partial class Doorbell(IConnectionMultiplexer redis, ILogger<Doorbell> logger, IOptions<RedisOptions> options)
{
    /// <summary>The location id that stands for "any location" when observing.</summary>
    public const string AnyLocation = "*";

    private readonly ConcurrentDictionary<(string Location, string Topic), Signal> _signals = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _subscriptions = new();
    private readonly bool _sharded = options.Value.ShardedPubSub;

    /// <summary>
    /// A task that completes at the next ring of the topic. Take it before reading, then wait on it only
    /// if the read found nothing: a ring in between is not missed.
    /// </summary>
    public Task Next(string location, string topic)
    {
        if (location != AnyLocation)
        {
            _ = EnsureSubscribedAsync(location);
        }

        return _signals.GetOrAdd((location, topic), static _ => new Signal()).Next;
    }

    /// <summary>
    /// Waits for the next ring of <paramref name="next"/> or the poll interval, whichever comes first.
    /// The poll's timer goes when the ring comes (a timer left to run out after every ring kept a
    /// second's worth of dead timers per reader, each fired for nothing), and a poll that runs out is
    /// not thrown.
    /// </summary>
    public static async Task WaitAsync(Task next, TimeSpan poll, CancellationToken cancellationToken)
    {
        if (!next.IsCompleted)
        {
            await next.WaitAsync(poll, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public Task EnsureSubscribedAsync(string location)
    {
        var lazy = _subscriptions.GetOrAdd(location, loc => new Lazy<Task>(() => SubscribeAsync(loc)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            // A failed subscription is retried on the next call; readers keep polling meanwhile.
            _subscriptions.TryRemove(new KeyValuePair<string, Lazy<Task>>(location, lazy));
        }

        return task;
    }

    private async Task SubscribeAsync(string location)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisKeys.Bell(location, _sharded), (_, message) => Ring(location, message.ToString()))
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.SubscribeFailed(logger, location, ex);
            throw;
        }
    }

    /// <summary>Rings every topic named in a bell message, for the location and for "any location".</summary>
    public void Ring(string location, string topics)
    {
        foreach (var range in topics.AsSpan().Split(','))
        {
            var topic = topics[range];
            if (topic.Length == 0)
            {
                continue;
            }

            if (_signals.TryGetValue((location, topic), out var signal))
            {
                signal.Ring();
            }

            if (_signals.TryGetValue((AnyLocation, topic), out var any))
            {
                any.Ring();
            }
        }
    }

    private sealed class Signal
    {
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _current).Task;

        public void Ring() =>
            Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to the bell of location {Location}; readers fall back to polling")]
        public static partial void SubscribeFailed(ILogger logger, string location, Exception exception);
    }
}
