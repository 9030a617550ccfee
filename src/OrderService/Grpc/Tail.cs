using System.Diagnostics;
using Restaurant.Core.Redis;

namespace Restaurant.OrderService.Grpc;

/// <summary>
/// The loop every watch shares: take the bell's next ring, read what came after the stream's token
/// and write it (<paramref name="step"/>), and wait for the ring or the poll unless the step says more
/// is waiting. The ring is taken before the read, so a change between the read and the wait still wakes it.
/// </summary>
public static class Tail
{
    /// <param name="step">Reads and writes one batch; true when it should run again at once (a full batch).</param>
    /// <param name="gap">
    /// The least time from one read to the next after a ring. A ring that comes sooner waits out the
    /// rest, so under load one read carries every change rung meanwhile instead of a read per ring; a
    /// ring after a quiet spell is read at once.
    /// </param>
    public static async Task FollowAsync(
        Doorbell bell, string location, string topic, TimeSpan poll, Func<CancellationToken, Task<bool>> step, CancellationToken cancellationToken,
        TimeSpan gap = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wake = bell.Next(location, topic);
            var readAt = Stopwatch.GetTimestamp();
            if (await step(cancellationToken))
            {
                continue;
            }

            await Doorbell.WaitAsync(wake, poll, cancellationToken);
            if (gap > TimeSpan.Zero && gap - Stopwatch.GetElapsedTime(readAt) is { Ticks: > 0 } rest)
            {
                await Task.Delay(rest, cancellationToken);
            }
        }
    }
}
