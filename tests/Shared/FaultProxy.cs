using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Restaurant.Testing;

/// <summary>What a <see cref="FaultProxy"/> does to the traffic through it.</summary>
public enum LinkFault
{
    /// <summary>Passes everything on (after <see cref="FaultProxy.Delay"/>).</summary>
    None,

    /// <summary>Closes every connection and refuses new ones, like a pulled cable with a quick RST.</summary>
    Cut,

    /// <summary>Keeps connections open but passes nothing either way, like a dead Wi-Fi: no error, no data.</summary>
    HalfOpen,
}

/// <summary>
/// A loopback TCP proxy for fault tests, put between a process and Redis: it can slow each chunk
/// down, cut every connection, or hold them half-open, and then heal.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly int _upstreamPort;
    private readonly Task _accepting;
    private volatile LinkFault _fault;

    public FaultProxy(int upstreamPort, TimeSpan delay = default)
    {
        _upstreamPort = upstreamPort;
        Delay = delay;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How long each chunk is held before it is passed on.</summary>
    public TimeSpan Delay { get; set; }

    public LinkFault Fault
    {
        get => _fault;
        set
        {
            _fault = value;
            if (value == LinkFault.Cut)
            {
                foreach (var client in _open.Keys)
                {
                    client.Close();
                }
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_fault == LinkFault.Cut)
            {
                client.Close();
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        _open[client] = 0;
        _open[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            using (client)
            {
                var a = PumpAsync(client.GetStream(), upstream.GetStream());
                var b = PumpAsync(upstream.GetStream(), client.GetStream());
                await Task.WhenAny(a, b);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                while (_fault == LinkFault.HalfOpen)
                {
                    await Task.Delay(20, _stop.Token);
                }

                if (_fault == LinkFault.Cut)
                {
                    return;
                }

                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, _stop.Token);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _open.Keys)
        {
            client.Close();
        }

        await _accepting;
        _stop.Dispose();
    }
}
