using Grpc.Core;
using Grpc.Core.Interceptors;
using Restaurant.Domain;
using StackExchange.Redis;

namespace Restaurant.OrderService.Grpc;

/// <summary>
/// Turns refusals into their exact gRPC status codes, and Redis outages into UNAVAILABLE, so that no
/// error leaks out as UNKNOWN.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger, StreamGuard guard) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Translate(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (OperationCanceledException) when (guard.Stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the service is stopping; reconnect (with your resume token) to another instance"));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
        catch (Exception ex) when (Translate(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RpcException:
                return null;
            case RestaurantException refusal:
                return new RpcException(new Status(Map(refusal.Kind), refusal.Message));
            case RedisConnectionException or RedisTimeoutException or TimeoutException:
            case RedisServerException { Message: var m } when IsPassing(m):
                Log.RedisUnavailable(logger, context.Method, exception);
                return new RpcException(new Status(StatusCode.Unavailable, "the order store (Redis) is not answering; try again"));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
            default:
                Log.Failed(logger, context.Method, exception);
                return new RpcException(new Status(StatusCode.Internal, $"internal error in {context.Method}"));
        }
    }

    /// <summary>A Redis refusal that passes by itself: loading its data after a restart, busy with a script, failing over.</summary>
    private static bool IsPassing(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal) || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal);

    private static StatusCode Map(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        ErrorKind.OutOfRange => StatusCode.OutOfRange,
        ErrorKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Method}: Redis is not answering")]
        public static partial void RedisUnavailable(ILogger logger, string method, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed")]
        public static partial void Failed(ILogger logger, string method, Exception exception);
    }
}
