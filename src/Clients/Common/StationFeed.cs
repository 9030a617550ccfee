using Grpc.Core;
using Restaurant.Contracts.V1;

namespace Restaurant.Clients.Common;

/// <summary>What a station feed tells the screen behind it.</summary>
public interface IStationView
{
    /// <summary>A fresh snapshot begins: forget every ticket.</summary>
    void Reset();

    void Apply(StationEvent change);
}

/// <summary>
/// Keeps a station's screen live: watches the station, and when the stream drops reconnects with the
/// last resume token so nothing is missed or shown twice; a token the server no longer knows means a
/// fresh snapshot. <paramref name="location"/> is the connection's own unless named (a load run
/// watches many); <paramref name="dropped"/> hears each time the stream drops and why.
/// </summary>
public sealed class StationFeed(Connection connection, string station, IStationView view, string screenId = "", string? location = null, Action<string>? dropped = null)
{
    public string Station { get; } = station;

    public bool Live { get; private set; }

    public DateTimeOffset LastHeard { get; private set; } = DateTimeOffset.UtcNow;

    public string Token { get; private set; } = "";

    public string? Problem { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = connection.Kitchen.WatchStation(
                    new WatchStationRequest { LocationId = location ?? connection.Location, StationId = Station, ResumeToken = Token, ScreenId = screenId },
                    cancellationToken: cancellationToken);
                if (Token.Length == 0)
                {
                    view.Reset();
                }

                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    Live = true;
                    Problem = null;
                    LastHeard = DateTimeOffset.UtcNow;
                    backoff = TimeSpan.FromMilliseconds(250);
                    if (change.ResumeToken.Length > 0)
                    {
                        Token = change.ResumeToken;
                    }

                    view.Apply(change);
                }

                Problem = "the server ended the stream";
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.OutOfRange)
            {
                Problem = "resume token expired: taking a fresh snapshot";
                Token = "";
                dropped?.Invoke(Problem);
                continue;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.PermissionDenied or StatusCode.Unauthenticated)
            {
                throw;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Problem = $"{ex.StatusCode}: {ex.Status.Detail}";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            Live = false;
            dropped?.Invoke(Problem);
            try
            {
                await Task.Delay(backoff, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
        }
    }
}
