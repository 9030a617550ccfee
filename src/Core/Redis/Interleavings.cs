using System.Collections.Concurrent;

namespace Restaurant.Core.Redis;

/// <summary>
/// The moments where the store has read state and not yet written its script: another caller may
/// change the order in between, and each script must notice (by the order's version, its ticket
/// list, or by reading what it needs itself). Tests put a step at one of these moments to play a race
/// deterministically; in production nothing is registered and each point costs one dictionary probe.
/// </summary>
internal sealed class Interleavings
{
    private readonly ConcurrentDictionary<string, Func<Task>> _steps = new(StringComparer.Ordinal);

    /// <summary>The point between an order's read and its script (cancel, rush, fire, amend).</summary>
    public static string OrderPoint(string location, string orderId) => $"order:{location}:{orderId}";

    /// <summary>The point between a balanced station's read of its open tickets and the balance script.</summary>
    public static string BalancePoint(string location, string station) => $"balance:{location}:{station}";

    /// <summary>The point between a station snapshot's first read and what follows it.</summary>
    public static string SnapshotPoint(string location, string station) => $"snapshot:{location}:{station}";

    /// <summary>Runs <paramref name="step"/> once, the next time the store passes <paramref name="point"/>.</summary>
    public void Once(string point, Func<Task> step) => _steps[point] = step;

    public Task At(string point) => !_steps.IsEmpty && _steps.TryRemove(point, out var step) ? step() : Task.CompletedTask;
}
