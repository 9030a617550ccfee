using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;

namespace Restaurant.Web;

/// <summary>
/// A server-sent event stream to one page: each event with its name, data and, where it has one, its
/// id. Writes are serialized, so a page's live stream and the pumps beside it share one response.
/// </summary>
public sealed class Sse(HttpResponse response)
{
    private static readonly JsonFormatter Formatter = JsonFormatter.Default;
    private readonly SemaphoreSlim _writing = new(1, 1);

    public static async Task<Sse> StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";

        // The browser comes back a second after the stream ends, with the last id it saw.
        await response.WriteAsync("retry: 1000\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        return new Sse(response);
    }

    /// <summary>Writes one event; <paramref name="id"/> (a resume token) is what the browser sends back as Last-Event-ID.</summary>
    public async Task SendAsync(string name, string json, string? id, CancellationToken cancellationToken, bool flush = true)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(id))
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        text.Append("event: ").Append(name).Append('\n');
        text.Append("data: ").Append(json.Replace("\n", "", StringComparison.Ordinal)).Append("\n\n");
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await response.WriteAsync(text.ToString(), cancellationToken);
            if (flush)
            {
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// Relays a resumable stream of the service (a station's events, the incidents) to the page as
    /// <paramref name="eventName"/> events whose ids are its resume tokens, so the browser's own
    /// reconnect (Last-Event-ID) resumes exactly after the last it saw. A fresh start sends "reset"
    /// first so the page forgets; an expired token starts fresh; a refusal that coming back would not
    /// mend is sent as "fatal" and ends it; the service going away ends the response, and the browser
    /// comes back with its token.
    /// </summary>
    public async Task RelayAsync<T>(
        HttpRequest request, Func<string, AsyncServerStreamingCall<T>> watch, Func<T, string> tokenOf, string eventName, CancellationToken cancellationToken)
        where T : IMessage
    {
        var last = request.Headers["Last-Event-ID"].ToString();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (last.Length == 0)
                    {
                        await SendAsync("reset", "{}", null, cancellationToken);
                    }

                    using var call = watch(last);
                    await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                    {
                        var token = tokenOf(change);
                        if (token.Length > 0)
                        {
                            last = token;
                        }

                        await SendAsync(eventName, Formatter.Format(change), token.Length > 0 ? token : null, cancellationToken);
                    }

                    // The service ended the stream (it is stopping): the browser comes back with its token.
                    return;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.OutOfRange)
                {
                    last = "";
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.PermissionDenied or StatusCode.NotFound or StatusCode.Unauthenticated or StatusCode.InvalidArgument)
        {
            // Coming back would not help: the page says why and stops.
            await SendAsync("fatal", JsonSerializer.Serialize(new RefusalBody(ex.StatusCode.ToString(), ex.Status.Detail), WebJson.Default.RefusalBody), null, cancellationToken);
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            // The service is away: ending the response makes the browser reconnect, with its token.
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException or IOException)
        {
            // The page went away.
        }
    }
}
