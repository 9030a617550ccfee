using Grpc.Core;

namespace Restaurant.OrderService.Grpc;

/// <summary>
/// What every server stream shares: it ends at once when the service stops (the error interceptor
/// answers UNAVAILABLE, so screens reconnect elsewhere with their token), and a client that stopped
/// reading is cut off rather than holding a writer forever.
/// </summary>
public sealed class StreamGuard(IHostApplicationLifetime lifetime)
{
    public CancellationToken Stopping => lifetime.ApplicationStopping;

    /// <summary>The call's token, also cancelled when the service stops.</summary>
    public CancellationTokenSource Link(ServerCallContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
}

public static class StreamWriterExtensions
{
    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    /// <summary>
    /// Writes, or ends the stream when the client has stopped reading. Its window is full, so no status
    /// could reach it: the HTTP/2 stream is reset, and the server forgets it.
    /// </summary>
    /// <param name="more">More messages follow at once: this one is buffered and goes out with the next flush.</param>
    public static async Task WriteWithinAsync<T>(
        this IServerStreamWriter<T> writer, T message, TimeSpan timeout, ServerCallContext context, CancellationToken cancellationToken, bool more = false)
    {
        try
        {
            // A JSON (transcoded) stream writes each message as a line of its own and takes no write options.
            if (IsGrpc(context))
            {
                writer.WriteOptions = more ? BufferedWrite : null;
            }

            await writer.WriteAsync(message, cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            context.GetHttpContext().Abort();
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the client has not read for {timeout.TotalSeconds:0} s; stream ended"));
        }
    }

    private static bool IsGrpc(ServerCallContext context) =>
        context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
}
