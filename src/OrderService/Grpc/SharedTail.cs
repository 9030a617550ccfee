using System.Threading.Channels;
using Restaurant.Core.Redis;

namespace Restaurant.OrderService.Grpc;

/// <summary>
/// One reader of a stream per process, however many of its watchers this process serves: the three
/// POS terminals of a location watching its orders, the two screens of a station. A pump follows the
/// stream while anyone watches it (woken by the location's bell, polling as a fallback) and hands
/// each batch it reads to every watcher; a watcher behind the pump (it resumed from an older token,
/// or fell behind) reads for itself until it has caught up, so nothing is missed and, each watcher
/// keeping the last token it passed on, nothing is given twice.
/// </summary>
/// <typeparam name="T">What a read gives: the stream's entries as the watchers want them, each with the id of the entry it came from (<paramref name="entryOf"/>).</typeparam>
public sealed class SharedTail<T>(Doorbell bell, TimeSpan poll, Func<T, string> entryOf)
{
    private readonly Dictionary<(string Location, string Topic), Pump> _pumps = [];

    /// <summary>Reads the stream after a token: what it gave, and whether it stopped at its batch size (read again at once).</summary>
    public delegate Task<(IReadOnlyList<T> Events, bool Full)> Reader(string afterToken, CancellationToken cancellationToken);

    /// <summary>
    /// Follows the stream of <paramref name="topic"/> at <paramref name="location"/> from
    /// <paramref name="afterToken"/> until cancelled: <paramref name="deliver"/> gets each batch in
    /// order; <paramref name="idle"/> runs when nothing came for <paramref name="idleEvery"/> (a
    /// heartbeat, a screen's presence), and a true from either asks the watcher to read for itself at once.
    /// </summary>
    public async Task FollowAsync(
        string location, string topic, string afterToken, Reader read, Func<IReadOnlyList<T>, CancellationToken, Task<bool>> deliver,
        TimeSpan idleEvery, Func<CancellationToken, Task<bool>> idle, CancellationToken cancellationToken)
    {
        var watcher = new Watcher();
        var pump = Join(location, topic, afterToken, read, watcher);
        try
        {
            var last = afterToken;
            var behind = true;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (behind || Interlocked.Exchange(ref watcher.Overflowed, 0) == 1)
                {
                    // Caught up by reading for itself: the pump's batches from here on carry the rest.
                    (last, behind) = await CatchUpAsync(last, read, deliver, cancellationToken);
                    continue;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(idleEvery);
                IReadOnlyList<T> batch;
                try
                {
                    batch = await watcher.Batches.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    behind = await idle(cancellationToken);
                    continue;
                }

                var fresh = After(batch, last);
                if (fresh.Count > 0)
                {
                    last = entryOf(fresh[^1]);
                    behind = await deliver(fresh, cancellationToken);
                }
            }
        }
        finally
        {
            Leave(location, topic, pump, watcher);
        }
    }

    /// <summary>Reads from <paramref name="last"/> until a read is not full; the new last token, and whether the watcher asked to read again.</summary>
    private async Task<(string Last, bool Again)> CatchUpAsync(
        string last, Reader read, Func<IReadOnlyList<T>, CancellationToken, Task<bool>> deliver, CancellationToken cancellationToken)
    {
        var again = false;
        while (true)
        {
            var (events, full) = await read(last, cancellationToken);
            if (events.Count > 0)
            {
                last = entryOf(events[^1]);
                again = await deliver(events, cancellationToken);
            }

            if (!full)
            {
                return (last, again);
            }
        }
    }

    /// <summary>The events of a batch after <paramref name="last"/> (a stream's ids are in order).</summary>
    private List<T> After(IReadOnlyList<T> batch, string last)
    {
        var fresh = new List<T>(batch.Count);
        foreach (var change in batch)
        {
            if (StreamIds.Compare(entryOf(change), last) > 0)
            {
                fresh.Add(change);
            }
        }

        return fresh;
    }

    private Pump Join(string location, string topic, string afterToken, Reader read, Watcher watcher)
    {
        lock (_pumps)
        {
            if (!_pumps.TryGetValue((location, topic), out var pump))
            {
                pump = new Pump(afterToken);
                _pumps[(location, topic)] = pump;
                pump.Running = Task.Run(() => RunAsync(location, topic, pump, read));
            }

            pump.Watchers.Add(watcher);
            return pump;
        }
    }

    private void Leave(string location, string topic, Pump pump, Watcher watcher)
    {
        lock (_pumps)
        {
            pump.Watchers.Remove(watcher);
            if (pump.Watchers.Count == 0)
            {
                _pumps.Remove((location, topic));
                pump.Stop.Cancel();
            }
        }
    }

    private async Task RunAsync(string location, string topic, Pump pump, Reader read)
    {
        var stop = pump.Stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var wake = bell.Next(location, topic);
                var (events, full) = await read(pump.Head, stop);
                if (events.Count > 0)
                {
                    pump.Head = entryOf(events[^1]);
                    Watcher[] watchers;
                    lock (_pumps)
                    {
                        watchers = [.. pump.Watchers];
                    }

                    foreach (var watcher in watchers)
                    {
                        if (!watcher.Batches.Writer.TryWrite(events))
                        {
                            // A watcher that has not taken its batches: it reads for itself from its last token.
                            Interlocked.Exchange(ref watcher.Overflowed, 1);
                        }
                    }
                }

                if (!full)
                {
                    await Doorbell.WaitAsync(wake, poll, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // Redis is away (or a read failed): the pump reads again after a poll, and the stream
                // keeps what it missed; each watcher's own reads still fail its stream as before.
                await Task.Delay(poll, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private sealed class Pump(string head)
    {
        public string Head { get; set; } = head;

        public List<Watcher> Watchers { get; } = [];

        public CancellationTokenSource Stop { get; } = new();

        public Task? Running { get; set; }
    }

    private sealed class Watcher
    {
        public readonly Channel<IReadOnlyList<T>> Batches = Channel.CreateBounded<IReadOnlyList<T>>(
            new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        public int Overflowed;
    }
}
