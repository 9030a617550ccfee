using System.Diagnostics;
using System.Text;
using Restaurant.Testing;

namespace Restaurant.EndToEnd.Tests;

/// <summary>OrderService or KitchenWorker as a real process, started from its own build output.</summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServiceProcess(string name, string dll, IEnumerable<string> args, IDictionary<string, string> environment)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_NOLOGO"] = "1";

        // Tests read warnings and errors; a failing test shows the tail of them beside its message.
        foreach (var category in new[] { "Default", "Microsoft.Hosting.Lifetime", "Microsoft.AspNetCore" })
        {
            info.Environment.TryAdd($"Logging__LogLevel__{category}", "Warning");
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last <paramref name="lines"/> lines of what the process wrote, for a failure's message.</summary>
    public string Tail(int lines = 60)
    {
        var all = Log.Split('\n');
        return all.Length <= lines ? Log : $"(… {all.Length - lines} lines before)\n" + string.Join('\n', all[^lines..]);
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static ServiceProcess StartOrderService(string redis, int port, string dataPath, IDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis,
            ["Restaurant__Locations__DataPath"] = dataPath,
            ["Restaurant__Streams__HeartbeatInterval"] = "00:00:01",
            ["Restaurant__Streams__PollInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in TestDevices.Settings("__"))
        {
            environment[key] = value!;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return new ServiceProcess("OrderService", Binary("OrderService", "Restaurant.OrderService.dll"), ["--urls", $"http://127.0.0.1:{port}"], environment);
    }

    /// <summary>The port of the worker's health service.</summary>
    public int HealthPort { get; private init; }

    public static ServiceProcess StartWorker(string redis, string name, int? healthPort = null, IDictionary<string, string>? settings = null)
    {
        var port = healthPort ?? RedisServer.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis,
            ["Restaurant__Worker__ConsumerName"] = name,
            ["Restaurant__Worker__ClaimIdle"] = "00:00:01",
            ["Restaurant__Worker__ClaimInterval"] = "00:00:00.250",
            ["Restaurant__Worker__LocationRefresh"] = "00:00:00.250",
            ["Restaurant__Worker__WorkerTimeout"] = "00:00:01.500",
            ["Restaurant__Worker__LeaseTime"] = "00:00:02",
            ["Restaurant__Worker__PollInterval"] = "00:00:00.250",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return new ServiceProcess(name, Binary("KitchenWorker", "Restaurant.KitchenWorker.dll"), ["--urls", $"http://127.0.0.1:{port}"], environment) { HealthPort = port };
    }

    /// <summary>The web host (the kitchen's browser screens and the guest board), calling the OrderService at <paramref name="server"/>.</summary>
    public static ServiceProcess StartWeb(string server, int port, IDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string> { ["Restaurant__Web__Server"] = server };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return new ServiceProcess("Web", Binary(Path.Combine("Clients", "Web"), "Restaurant.Web.dll"), ["--urls", $"http://127.0.0.1:{port}"], environment);
    }

    /// <summary>The `restaurant` command-line client (kds, pos, sim) as a process of its own.</summary>
    public static ServiceProcess StartClient(string name, IEnumerable<string> args) =>
        new(name, Binary("Clients", "restaurant.dll"), args, new Dictionary<string, string>());

    /// <summary>Waits for the process to end by itself, and gives its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGSTOP or SIGCONT: frozen with everything it holds, or thawed.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: no shutdown, no acknowledgement of what it was doing.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>The project's output of the same configuration as this test assembly.</summary>
    private static string Binary(string project, string dll)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Restaurant.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Restaurant.sln not found above the test output");
        }

        var path = Path.Combine(root.FullName, "src", project, "bin", configuration, framework, dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built at {path}");
    }

    public static string RepoFile(params string[] parts)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Restaurant.sln")))
        {
            root = root.Parent!;
        }

        return Path.Combine([root.FullName, .. parts]);
    }
}
