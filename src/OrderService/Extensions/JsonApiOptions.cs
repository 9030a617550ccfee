namespace Restaurant.OrderService.Extensions;

/// <summary>Where the JSON routes are also served over HTTP/1.1, for clients such as plain curl.</summary>
public sealed class JsonApiOptions
{
    public const string Section = "Restaurant:Json";

    /// <summary>
    /// Addresses (";"-separated, such as http://127.0.0.1:5082) served over HTTP/1.1 beside the gRPC
    /// addresses of --urls, which stay HTTP/2: a plaintext port cannot speak both. Empty: none.
    /// Over TLS one port speaks both, and this is not needed.
    /// </summary>
    public string Urls { get; set; } = "";

    /// <summary>The ports of <see cref="Urls"/>; an address that is no http(s) URL with a port stops the start.</summary>
    internal HashSet<int> Ports()
    {
        var ports = new HashSet<int>();
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var at)
                || at.Scheme is not ("http" or "https") || at.IsDefaultPort && !url.Contains(':', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Section}:Urls '{url}' is not an http address with a port");
            }

            ports.Add(at.Port);
        }

        return ports;
    }
}
