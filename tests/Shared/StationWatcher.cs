using System.Threading.Channels;
using Grpc.Core;
using Restaurant.Contracts.V1;

namespace Restaurant.Testing;

/// <summary>A kitchen screen in a test: a live WatchStation call whose events are read with a deadline.</summary>
public sealed class StationWatcher : IAsyncDisposable
{
    private readonly AsyncServerStreamingCall<StationEvent> _call;
    private readonly CancellationTokenSource _cancel = new();
    private readonly Channel<StationEvent> _events = Channel.CreateUnbounded<StationEvent>();
    private readonly Task _pump;

    private StationWatcher(AsyncServerStreamingCall<StationEvent> call)
    {
        _call = call;
        _pump = PumpAsync();
    }

    /// <summary>The latest token seen on any event that carries one.</summary>
    public string LastToken { get; private set; } = "";

    public static StationWatcher Start(Kitchen.KitchenClient client, string location, string station, string resumeToken = "", string screenId = "")
    {
        var call = client.WatchStation(new WatchStationRequest { LocationId = location, StationId = station, ResumeToken = resumeToken, ScreenId = screenId });
        return new StationWatcher(call);
    }

    /// <summary>The all-day counts as of the latest all-day event seen (or the snapshot's).</summary>
    public IReadOnlyDictionary<string, int> AllDay { get; private set; } = new Dictionary<string, int>();

    /// <summary>The all-day counts the snapshot itself carried, read in the same moment as its tickets.</summary>
    public IReadOnlyDictionary<string, int> SnapshotAllDay { get; private set; } = new Dictionary<string, int>();

    /// <summary>The next ticket event or snapshot_complete: heartbeats and all-day counts are noted, not returned.</summary>
    public async Task<StationEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            StationEvent next;
            try
            {
                next = await _events.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no station event arrived in time");
            }

            if (next.EventCase is not (StationEvent.EventOneofCase.Heartbeat or StationEvent.EventOneofCase.AllDay))
            {
                return next;
            }
        }
    }

    /// <summary>Waits until the all-day counts seen match, since they follow the ticket event that changed them.</summary>
    public Task<IReadOnlyDictionary<string, int>> AllDayWhereAsync(Func<IReadOnlyDictionary<string, int>, bool> condition, string what) =>
        Eventually.WaitForAsync(() => Task.FromResult(AllDay), condition, TimeSpan.FromSeconds(10), what);

    /// <summary>The next all-day event, skipping ticket events and heartbeats.</summary>
    public async Task<AllDay> NextAllDayAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var next = await NextIncludingHeartbeatAsync(timeout);
            if (next.EventCase == StationEvent.EventOneofCase.AllDay)
            {
                return next.AllDay;
            }
        }
    }

    /// <summary>The next event of any kind, heartbeats included.</summary>
    public async Task<StationEvent> NextIncludingHeartbeatAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _events.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no station event arrived in time");
        }
    }

    /// <summary>Reads the snapshot: every ticket_added up to snapshot_complete.</summary>
    public async Task<List<Ticket>> ReadSnapshotAsync()
    {
        var tickets = new List<Ticket>();
        while (true)
        {
            var next = await NextAsync();
            switch (next.EventCase)
            {
                case StationEvent.EventOneofCase.TicketAdded:
                    tickets.Add(next.TicketAdded);
                    break;
                case StationEvent.EventOneofCase.SnapshotComplete:
                    return tickets;
                default:
                    throw new InvalidOperationException($"unexpected {next.EventCase} during the snapshot");
            }
        }
    }

    /// <summary>The status the call ended with, once it ends.</summary>
    public async Task<RpcException> FailureAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _pump.WaitAsync(deadline.Token);
        }
        catch (RpcException ex)
        {
            return ex;
        }

        throw new InvalidOperationException("the stream did not fail");
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var next in _call.ResponseStream.ReadAllAsync(_cancel.Token))
            {
                if (next.ResumeToken.Length > 0)
                {
                    LastToken = next.ResumeToken;
                }

                if (next.EventCase == StationEvent.EventOneofCase.AllDay)
                {
                    AllDay = next.AllDay.Counts.ToDictionary(c => c.Name, c => c.Quantity);
                }
                else if (next.EventCase == StationEvent.EventOneofCase.SnapshotComplete)
                {
                    AllDay = next.SnapshotComplete.AllDay.Counts.ToDictionary(c => c.Name, c => c.Quantity);
                    SnapshotAllDay = AllDay;
                }

                await _events.Writer.WriteAsync(next);
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && _cancel.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cancel.IsCancellationRequested)
        {
            return;
        }

        await _cancel.CancelAsync();
        try
        {
            await _pump;
        }
        catch (RpcException)
        {
        }

        _call.Dispose();
        _cancel.Dispose();
    }
}
