using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Restaurant.Testing;

/// <summary>
/// A network kitchen printer on a loopback port, as the service meets one: it takes raw TCP (ESC/POS),
/// answers every status request (DLE EOT 1) with its status byte (online, or offline while
/// <see cref="Offline"/>), and decodes what it was sent into the text of each whole ticket (one that
/// reached its cut); a ticket cut short by a dropped connection is not a print.
/// </summary>
public sealed class KitchenPrinter : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _prints = [];
    private readonly Task _accepting;
    private int _connections;

    public KitchenPrinter(int? port = null, bool offline = false)
    {
        Offline = offline;
        _listener = new TcpListener(IPAddress.Loopback, port ?? 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>While true, the printer answers its status as offline (cover open, out of paper).</summary>
    public volatile bool Offline;

    /// <summary>While set and not yet completed, the printer holds its answer to a connection's first status request.</summary>
    public TaskCompletionSource? HoldFirstAnswer { get; set; }

    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<string> Prints
    {
        get
        {
            lock (_prints)
            {
                return [.. _prints];
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var received = new List<byte>();
        var buffer = new byte[4096];
        var answered = 0;

        // Status requests are counted in what each read brings (with the last two bytes before it, for a
        // request split across reads), not in what is left after whole tickets were taken out: a request
        // that arrives in a read of its own after its ticket is answered too.
        var carry = new List<byte>();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read).ToArray());
                var chunk = carry.Concat(buffer.Take(read)).ToList();
                carry = chunk.Skip(Math.Max(0, chunk.Count - 2)).ToList();
                for (var requests = CountStatusRequests(chunk); requests > 0; requests--)
                {
                    if (answered == 0 && HoldFirstAnswer is { } hold)
                    {
                        await hold.Task.WaitAsync(_stop.Token);
                    }

                    await stream.WriteAsync(new[] { Offline ? (byte)0x1A : (byte)0x12 }, _stop.Token);
                    answered++;
                }

                Collect(received);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
    }

    private static int CountStatusRequests(List<byte> bytes)
    {
        var count = 0;
        for (var i = 0; i + 2 < bytes.Count; i++)
        {
            if (bytes[i] == 0x10 && bytes[i + 1] == 0x04 && bytes[i + 2] == 0x01)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Takes each whole ticket (ESC @ … GS V) out of what was received, as its printed text.</summary>
    private void Collect(List<byte> bytes)
    {
        while (true)
        {
            var start = IndexOf(bytes, [0x1B, (byte)'@'], 0);
            var cut = start < 0 ? -1 : IndexOf(bytes, [0x1D, (byte)'V'], start);
            if (cut < 0 || cut + 3 >= bytes.Count)
            {
                return;
            }

            var text = Decode(bytes.GetRange(start, cut - start));
            bytes.RemoveRange(0, cut + 4);
            lock (_prints)
            {
                _prints.Add(text);
            }
        }
    }

    /// <summary>The printable text, with ESC/POS commands taken out.</summary>
    public static string Decode(IReadOnlyList<byte> bytes)
    {
        var text = new StringBuilder();
        for (var i = 0; i < bytes.Count; i++)
        {
            var b = bytes[i];
            switch (b)
            {
                case 0x1B when i + 1 < bytes.Count && bytes[i + 1] == (byte)'@':
                    i += 1;
                    break;
                case 0x1B or 0x1D:
                    i += 2;
                    break;
                case 0x10:
                    i += 2;
                    break;
                default:
                    text.Append((char)b);
                    break;
            }
        }

        return text.ToString();
    }

    private static int IndexOf(List<byte> bytes, byte[] pattern, int from)
    {
        for (var i = from; i + pattern.Length <= bytes.Count; i++)
        {
            if (bytes[i] == pattern[0] && bytes[i + 1] == pattern[1])
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
