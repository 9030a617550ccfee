using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Domain;
using Restaurant.OrderService.Auth;

namespace Restaurant.OrderService.Grpc;

/// <summary>The calling device, as the service knows it: what a screen being paired may see and do.</summary>
public sealed class DevicesGrpcService : Devices.DevicesBase
{
    public override Task<GetDeviceResponse> GetDevice(GetDeviceRequest request, ServerCallContext context)
    {
        if (request.LocationId.Length > 0)
        {
            OrderValidator.RequireId(request.LocationId, "location_id");
        }

        var device = context.UserState.TryGetValue(AuthInterceptor.DeviceKey, out var admitted) && admitted is DeviceDefinition known
            ? known
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "no device: send 'authorization: Bearer <device token>'"));
        if (request.LocationId.Length > 0 && device.Location != "*" && device.Location != request.LocationId)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"device '{device.Id}' belongs to location '{device.Location}', not '{request.LocationId}'"));
        }

        var response = new GetDeviceResponse { DeviceId = device.Id, Role = device.Role, LocationId = device.Location };
        response.StationIds.AddRange(device.Stations);
        return Task.FromResult(response);
    }
}
