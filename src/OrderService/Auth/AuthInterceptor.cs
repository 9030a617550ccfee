using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace Restaurant.OrderService.Auth;

/// <summary>
/// Every call but the health service needs a provisioned device's bearer token (UNAUTHENTICATED
/// without one), may only do what the device's role, location and stations allow (PERMISSION_DENIED),
/// and is held to the device's rate and stream limits (RESOURCE_EXHAUSTED, which clients do not
/// retry into a storm, unlike UNAVAILABLE).
/// </summary>
public sealed class AuthInterceptor : Interceptor, IDisposable
{
    private readonly DeviceDirectory _devices;
    private readonly LimitOptions _limits;
    private readonly PartitionedRateLimiter<DeviceDefinition> _rates;
    private readonly ConcurrentDictionary<string, int> _streams = new(StringComparer.Ordinal);

    public AuthInterceptor(DeviceDirectory devices, IOptions<LimitOptions> limits)
    {
        _devices = devices;
        _limits = limits.Value;
        _rates = PartitionedRateLimiter.Create<DeviceDefinition, string>(device => RateLimitPartition.GetTokenBucketLimiter(device.Id, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, device.Burst > 0 ? device.Burst : _limits.Burst),
            TokensPerPeriod = Math.Max(1, device.RequestsPerSecond > 0 ? device.RequestsPerSecond : _limits.RequestsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(request, context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var device = Admit(request, context);
        if (device is null)
        {
            await continuation(request, responseStream, context);
            return;
        }

        var open = _streams.AddOrUpdate(device.Id, 1, (_, n) => n + 1);
        var most = device.MaxStreams > 0 ? device.MaxStreams : _limits.MaxStreamsPerDevice;
        try
        {
            if (open > most)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"device '{device.Id}' already has {most} streams open"));
            }

            await continuation(request, responseStream, context);
        }
        finally
        {
            _streams.AddOrUpdate(device.Id, 0, (_, n) => n - 1);
        }
    }

    /// <summary>Where a call's admitted device is kept in <see cref="ServerCallContext.UserState"/>.</summary>
    public const string DeviceKey = "restaurant.device";

    private DeviceDefinition? Admit(object request, ServerCallContext context)
    {
        if (AccessPolicy.IsOpen(context.Method))
        {
            return null;
        }

        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        var device = (token.Length > 0 ? _devices.Find(token) : null)
            ?? (token.Length == 0 && certificate is not null ? _devices.FindByCertificate(certificate.GetCertHashString(HashAlgorithmName.SHA256)) : null)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, token.Length == 0
                ? (certificate is null ? "no credentials: send 'authorization: Bearer <device token>' or a provisioned client certificate" : "the client certificate is not provisioned (or was revoked)")
                : "the device token is not known (or was revoked)"));
        if (AccessPolicy.Check(device, context.Method, request) is { } refusal)
        {
            throw new RpcException(refusal);
        }

        using var lease = _rates.AttemptAcquire(device);
        if (!lease.IsAcquired)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"device '{device.Id}' is over its limit of calls a second; slow down"));
        }

        context.UserState[DeviceKey] = device;
        return device;
    }

    public void Dispose() => _rates.Dispose();
}
