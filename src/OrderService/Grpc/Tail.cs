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
    public static async Task FollowAsync(
        Doorbell bell, string location, string topic, TimeSpan poll, Func<CancellationToken, Task<bool>> step, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wake = bell.Next(location, topic);
            if (await step(cancellationToken))
            {
                continue;
            }

            await Doorbell.WaitAsync(wake, poll, cancellationToken);
        }
    }
}
