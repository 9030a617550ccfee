using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;

namespace Restaurant.Web;

/// <summary>
/// The host's one channel to the OrderService, at the address a POS would use; every call carries
/// the token of the device the page was paired as, so the service decides what it may see and do.
/// </summary>
public sealed class ServiceClients(IOptions<WebOptions> options) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(options.Value.Server, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        },
    });

    public Clients As(string token)
    {
        var invoker = _channel.CreateCallInvoker().Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return metadata;
        });
        return new Clients(
            new Menu.MenuClient(invoker), new Orders.OrdersClient(invoker), new Kitchen.KitchenClient(invoker), new Devices.DevicesClient(invoker), new Reports.ReportsClient(invoker));
    }

    public void Dispose() => _channel.Dispose();
}

/// <summary>The contract's clients, calling as one device.</summary>
public sealed record Clients(Menu.MenuClient Menu, Orders.OrdersClient Orders, Kitchen.KitchenClient Kitchen, Devices.DevicesClient Devices, Reports.ReportsClient Reports);

/// <summary>What the browser is told when a call is refused: the service's own words, and an HTTP status from its code.</summary>
public static class Refusals
{
    public static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.FailedPrecondition or StatusCode.AlreadyExists => StatusCodes.Status409Conflict,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status502BadGateway,
    };

    public static IResult Json(RpcException ex) =>
        Results.Json(new RefusalBody(ex.StatusCode.ToString(), ex.Status.Detail), statusCode: HttpStatus(ex.StatusCode));
}

public sealed record RefusalBody(string Code, string Error);
