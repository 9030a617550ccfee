using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Restaurant.Contracts.V1;
using Spectre.Console;

namespace Restaurant.Clients.Common;

/// <summary>One channel to the OrderService and its three clients.</summary>
public sealed class Connection : IDisposable
{
    private readonly GrpcChannel _channel;

    public Connection(ServerSettings settings)
    {
        Location = settings.Location;
        _channel = GrpcChannel.ForAddress(settings.Server, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            },
        });
        var token = settings.Token;
        var invoker = _channel.Intercept(metadata =>
        {
            if (token.Length > 0)
            {
                metadata.Add("authorization", $"Bearer {token}");
            }

            return metadata;
        });
        Menu = new Menu.MenuClient(invoker);
        Orders = new Orders.OrdersClient(invoker);
        Kitchen = new Kitchen.KitchenClient(invoker);
        Reports = new Reports.ReportsClient(invoker);
    }

    public string Location { get; }

    public Menu.MenuClient Menu { get; }

    public Orders.OrdersClient Orders { get; }

    public Kitchen.KitchenClient Kitchen { get; }

    public Reports.ReportsClient Reports { get; }

    public void Dispose() => _channel.Dispose();

    /// <summary>Runs a command body, printing a refused call as its status and message (exit code 2).</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.StatusCode}[/]: {ex.Status.Detail}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        catch (RpcException)
        {
            return 0;
        }
    }

    public static string Short(string orderId) => orderId.Length > 8 ? orderId[..8] : orderId;

    /// <summary>How a person names an order: its short number ("#42"), or the start of its id when it has none.</summary>
    public static string OrderLabel(int number, string orderId) => number > 0 ? $"#{number}" : Short(orderId);

    /// <summary>Where an order came from and whose it is ("UBEREATS · Sam K."), or "" for the location's own unnamed order.</summary>
    public static string Origin(string source, string guestName) =>
        string.Join(" · ", new[] { source.ToUpperInvariant(), guestName }.Where(s => s.Length > 0));

    public static string StatusName(OrderStatus status) => status switch
    {
        OrderStatus.Accepted => "ACCEPTED",
        OrderStatus.InKitchen => "IN KITCHEN",
        OrderStatus.Ready => "READY",
        OrderStatus.Completed => "COMPLETED",
        OrderStatus.Cancelled => "CANCELLED",
        OrderStatus.AwaitingAcceptance => "AWAITING ACCEPTANCE",
        _ => "?",
    };
}
