using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using StackExchange.Redis;

namespace Restaurant.KitchenWorker;

/// <summary>
/// This worker's share of the chain's locations, kept current in the background: it says it is
/// alive, works out which locations rendezvous hashing gives it among the live workers, and takes or
/// renews their leases. The routing loop serves what it holds and wants, and lets go, between batches,
/// of what it holds but no longer wants (a worker joined), so a location is never routed by two
/// workers at once. A worker that dies stops renewing: its leases lapse and the others take them.
/// </summary>
public sealed partial class LocationShare(
    WorkerLeases leases, MenuStore menus, IOptions<KitchenWorkerOptions> options, TimeProvider clock, ILogger<LocationShare> logger)
{
    private readonly KitchenWorkerOptions _options = options.Value;
    private volatile Share _share = new(new HashSet<string>(), new HashSet<string>());

    /// <summary>The leases this worker holds, and the locations that are its to serve.</summary>
    public sealed record Share(IReadOnlySet<string> Held, IReadOnlySet<string> Wanted);

    public Share Current => _share;

    /// <summary>Refreshes the share every <see cref="KitchenWorkerOptions.LocationRefresh"/> until stopped, then leaves.</summary>
    public async Task RunAsync(string me, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.LocationRefresh, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await RefreshAsync(me, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Redis is away: leases lapse if it stays away; what is held is served meanwhile.
                    Log.RefreshFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task RefreshAsync(string me, CancellationToken cancellationToken)
    {
        var locations = await menus.GetLocationIdsAsync(cancellationToken).ConfigureAwait(false);
        if (!_options.ShareLocations)
        {
            // Said alive all the same, so the OrderService knows a worker is there.
            await leases.HeartbeatAsync(me, clock.GetUtcNow(), _options.WorkerTimeout, cancellationToken).ConfigureAwait(false);
            var all = locations.ToHashSet(StringComparer.Ordinal);
            _share = new Share(all, all);
            return;
        }

        var live = await leases.HeartbeatAsync(me, clock.GetUtcNow(), _options.WorkerTimeout, cancellationToken).ConfigureAwait(false);
        if (!live.Contains(me))
        {
            live = [.. live, me];
        }

        var wanted = locations.Where(l => WorkerLeases.OwnerOf(l, live) == me).ToHashSet(StringComparer.Ordinal);
        var handingOver = _share.Held.Where(l => !wanted.Contains(l));
        var held = await leases.HoldAsync(me, wanted, handingOver, _options.LeaseTime, cancellationToken).ConfigureAwait(false);
        _share = new Share(held, wanted);
    }

    /// <summary>Lets go of a location between batches, so the worker it now belongs to takes it at once.</summary>
    public async Task LetGoAsync(string me, string location, CancellationToken cancellationToken)
    {
        await leases.ReleaseAsync(me, location, cancellationToken).ConfigureAwait(false);
        var share = _share;
        _share = share with { Held = share.Held.Where(l => l != location).ToHashSet(StringComparer.Ordinal) };
    }

    /// <summary>On a clean stop: leaves the roster and lets go of every lease, so the others take over within a refresh.</summary>
    public async Task LeaveAsync(string me, CancellationToken cancellationToken)
    {
        await leases.LeaveAsync(me, cancellationToken).ConfigureAwait(false);
        if (!_options.ShareLocations)
        {
            return;
        }

        foreach (var location in _share.Held)
        {
            await leases.ReleaseAsync(me, location, cancellationToken).ConfigureAwait(false);
        }

        _share = new Share(new HashSet<string>(), new HashSet<string>());
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this worker's share of the locations: {Reason}")]
        public static partial void RefreshFailed(ILogger logger, string reason);
    }
}
