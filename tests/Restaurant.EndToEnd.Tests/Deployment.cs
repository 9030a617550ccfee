using Grpc.Core;
using Grpc.Net.Client;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using StackExchange.Redis;

namespace Restaurant.EndToEnd.Tests;

/// <summary>A whole deployment on loopback: redis-server, OrderService and kitchen workers as processes.</summary>
public sealed class Deployment : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];
    private GrpcChannel? _channel;

    private readonly RedisServer? _redis;

    private Deployment(RedisServer? redis, IConnectionMultiplexer mux, string connectionString)
    {
        _redis = redis;
        Mux = mux;
        ConnectionString = connectionString;
    }

    /// <summary>The single redis-server (a cluster deployment has none; its test owns the cluster).</summary>
    public RedisServer Redis => _redis ?? throw new InvalidOperationException("this deployment runs on a cluster");

    /// <summary>What the services are given to reach Redis.</summary>
    public string ConnectionString { get; }

    public IConnectionMultiplexer Mux { get; }

    public int Port { get; } = RedisServer.FreePort();

    public Menu.MenuClient Menu { get; private set; } = null!;

    public Orders.OrdersClient Orders { get; private set; } = null!;

    public Kitchen.KitchenClient Kitchen { get; private set; } = null!;

    /// <summary>The tail of every process's log, for a failure's message.</summary>
    public string Logs => string.Join("\n", _processes.Select(p => $"--- {p.Name} ---\n{p.Tail()}"));

    public static async Task<Deployment> StartAsync(string[]? redisArgs = null, string credentials = "") =>
        await StartWithAsync(await RedisServer.StartAsync(redisArgs, credentials));

    /// <summary>A deployment around a Redis the test started its own way (TLS, say).</summary>
    public static async Task<Deployment> StartWithAsync(RedisServer redis) => new(redis, await redis.ConnectAsync(), redis.ConnectionString);

    /// <summary>A deployment on a Redis Cluster the test started (and disposes itself).</summary>
    public static async Task<Deployment> StartWithClusterAsync(string connectionString) =>
        new(null, await ConnectionMultiplexer.ConnectAsync(connectionString), connectionString);

    /// <summary>What every process needs to reach this Redis beyond its connection string.</summary>
    public Dictionary<string, string> RedisSettings =>
        _redis?.TrustIssuer is null ? [] : new() { ["Restaurant__Redis__TrustIssuer"] = _redis.TrustIssuer };

    /// <summary>The running OrderService process, if any.</summary>
    public ServiceProcess? OrderService { get; private set; }

    /// <summary>Calls as the chain-wide manager device.</summary>
    public CallInvoker Invoker { get; private set; } = null!;

    public async Task StartOrderServiceAsync(string? redis = null, IDictionary<string, string>? settings = null)
    {
        var all = RedisSettings;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        OrderService = ServiceProcess.StartOrderService(redis ?? ConnectionString, Port, ServiceProcess.RepoFile("data", "locations"), all);
        _processes.Add(OrderService);
        _channel?.Dispose();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Port}");
        var invoker = _channel.CreateCallInvoker().As(TestDevices.Manager);
        Invoker = invoker;
        Menu = new Menu.MenuClient(invoker);
        Orders = new Orders.OrdersClient(invoker);
        Kitchen = new Kitchen.KitchenClient(invoker);
        await Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    await Menu.GetMenuAsync(new GetMenuRequest { LocationId = "demo" });
                    return true;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "OrderService to answer");
    }

    /// <summary>The health service of the OrderService, which needs no token.</summary>
    public global::Grpc.Health.V1.Health.HealthClient Health => new(_channel!);

    /// <summary>A kitchen worker; <paramref name="redis"/> may point it at Redis through a proxy.</summary>
    public ServiceProcess StartWorker(string name, string? redis = null, IDictionary<string, string>? settings = null)
    {
        var all = RedisSettings;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var worker = ServiceProcess.StartWorker(redis ?? ConnectionString, name, settings: all);
        _processes.Add(worker);
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _channel?.Dispose();
        await Mux.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
