using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Restaurant.Testing;

/// <summary>
/// A real redis-server on a free loopback port with its data in a temp folder, for one test run.
/// It never skips: a machine without redis-server fails the test with the command that installs it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string[] _extraArgs;
    private Process? _process;

    private RedisServer(string dataDir, int port, string[] extraArgs)
    {
        DataDir = dataDir;
        Port = port;
        _extraArgs = extraArgs;
    }

    public string DataDir { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false{Credentials}";

    /// <summary>Added to the connection string when the server wants a user and password.</summary>
    public string Credentials { get; init; } = "";

    /// <summary>For a server that speaks only TLS: the PEM of the certificate a client must trust.</summary>
    public string? TrustIssuer { get; private init; }

    /// <summary>A client connection as the service would make it (TLS and credentials included).</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync(string extra = "")
    {
        var options = ConfigurationOptions.Parse(ConnectionString + extra);
        if (TrustIssuer is not null)
        {
            options.TrustIssuer(TrustIssuer);
        }

        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A server that speaks only TLS, with a certificate of its own made for the test.</summary>
    public static async Task<RedisServer> StartTlsAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("restaurant-redis-").FullName;
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(dataDir, "redis.crt");
        var keyPath = Path.Combine(dataDir, "redis.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var port = FreePort();
        var server = new RedisServer(dataDir, port, ["--port", "0", "--tls-port", port.ToString(), "--tls-cert-file", certPath, "--tls-key-file", keyPath, "--tls-auth-clients", "no"])
        {
            Credentials = ",ssl=true,sslHost=localhost",
            TrustIssuer = certPath,
        };
        await server.RestartAsync();
        return server;
    }

    public int? ProcessId => _process?.Id;

    /// <summary>The end of the server's log, for a failing test's output.</summary>
    public string LogTail(int lines = 40)
    {
        var path = Path.Combine(DataDir, "redis.log");
        return File.Exists(path) ? string.Join("\n", File.ReadLines(path).TakeLast(lines)) : "";
    }

    /// <summary>Starts a server; <paramref name="extraArgs"/> are more redis-server options, <paramref name="credentials"/> what a client then needs.</summary>
    public static async Task<RedisServer> StartAsync(string[]? extraArgs = null, string credentials = "")
    {
        var dataDir = Directory.CreateTempSubdirectory("restaurant-redis-").FullName;
        var server = new RedisServer(dataDir, FreePort(), extraArgs ?? []) { Credentials = credentials };
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (or starts again) the server on the same port and data folder.</summary>
    public async Task RestartAsync()
    {
        var info = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", DataDir, "--save", "",
                     "--appendonly", "yes", "--appendfsync", "everysec", "--protected-mode", "yes", "--logfile", Path.Combine(DataDir, "redis.log"),
                     // As run.sh sets it (scripts/prerequisites.sh): bodies kept in listpack hashes.
                     "--hash-max-listpack-value", "4096",
                 }.Concat(_extraArgs))
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>SIGSTOP freezes the server with its connections open; SIGCONT thaws it.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process!.Id.ToString()]);
        kill.WaitForExit();
    }

    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        await Task.Yield();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                using var probe = await ConnectAsync(",abortConnect=true,connectTimeout=1000");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException || (ex is RedisServerException && ex.Message.StartsWith("LOADING", StringComparison.Ordinal))
                                       && DateTime.UtcNow < deadline && _process is { HasExited: false })
            {
                await Task.Delay(50);
            }
        }
    }

    private static string FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed: run ./test.sh, or apt-get install -y redis-server");
    }

    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A loopback port nobody listens on, for a server a test starts. It is taken below the kernel's
    /// ephemeral range (32768 and up here): a port the kernel hands out by itself is also what every
    /// outgoing connection's local end takes, so between choosing it and the server binding it a
    /// browser's or a client's connection could take it first. Never the same port twice in a run.
    /// </summary>
    public static int FreePort()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(20000, 32000);
                if (Given.Contains(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                }
                catch (SocketException)
                {
                    continue;
                }

                Given.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException("no free loopback port between 20000 and 32000");
    }
}
