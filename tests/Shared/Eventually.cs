namespace Restaurant.Testing;

/// <summary>Waiting for something asynchronous: poll with a deadline, never sleep a fixed time and hope.</summary>
public static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(5);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:0.#} s (last seen: {last})");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    public static Task WaitForAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        WaitForAsync(probe, ok => ok, timeout, what);
}
