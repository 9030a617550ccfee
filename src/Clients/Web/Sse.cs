using System.Text;

namespace Restaurant.Web;

/// <summary>A server-sent event stream to one page: each event with its name, data and, where it has one, its id.</summary>
public sealed class Sse(HttpResponse response)
{
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
        await response.WriteAsync(text.ToString(), cancellationToken);
        if (flush)
        {
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}
