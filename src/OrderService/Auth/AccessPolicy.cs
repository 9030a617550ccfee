using Grpc.Core;
using Restaurant.Contracts.V1;

namespace Restaurant.OrderService.Auth;

/// <summary>
/// Who may call what. A POS places, reads, changes and fires orders; a kitchen screen watches, bumps
/// and recalls at its own stations; a manager does all of that and edits the menu, voids and reads
/// reports; a board (the guest TV by the pass) only watches its stations, in practice expo's.
/// Nobody reaches another location. Pure: a device, a method and a request in, a refusal out.
/// </summary>
public static class AccessPolicy
{
    public const string Pos = "pos";
    public const string Kitchen = "kitchen";
    public const string Manager = "manager";
    public const string Board = "board";

    private static readonly Dictionary<string, string[]> Roles = new(StringComparer.Ordinal)
    {
        ["/restaurant.v1.Menu/GetMenu"] = [Pos, Kitchen, Manager, Board],
        ["/restaurant.v1.Menu/WatchMenu"] = [Pos, Kitchen, Manager],
        ["/restaurant.v1.Menu/SetItemAvailability"] = [Manager],
        ["/restaurant.v1.Orders/PlaceOrder"] = [Pos, Manager],
        ["/restaurant.v1.Orders/GetOrder"] = [Pos, Manager],
        ["/restaurant.v1.Orders/CancelOrder"] = [Pos, Manager],
        ["/restaurant.v1.Orders/WatchOrders"] = [Pos, Manager],
        ["/restaurant.v1.Orders/SetRush"] = [Pos, Manager],
        ["/restaurant.v1.Orders/AddItems"] = [Pos, Manager],
        ["/restaurant.v1.Orders/FireCourse"] = [Pos, Kitchen, Manager],
        ["/restaurant.v1.Orders/VoidItems"] = [Manager],
        ["/restaurant.v1.Orders/AcceptOrder"] = [Pos, Manager],
        ["/restaurant.v1.Orders/DenyOrder"] = [Pos, Manager],
        ["/restaurant.v1.Orders/ListPendingOrders"] = [Pos, Manager],
        ["/restaurant.v1.Kitchen/WatchStation"] = [Kitchen, Manager, Board],
        ["/restaurant.v1.Kitchen/BumpTicket"] = [Kitchen, Manager],
        ["/restaurant.v1.Kitchen/RecallTicket"] = [Kitchen, Manager],
        ["/restaurant.v1.Kitchen/ConfirmShown"] = [Kitchen, Manager],
        ["/restaurant.v1.Kitchen/GetAllDay"] = [Kitchen, Manager],
        ["/restaurant.v1.Kitchen/ExplainRouting"] = [Pos, Kitchen, Manager],
        ["/restaurant.v1.Reports/GetSpeedOfService"] = [Manager],
        ["/restaurant.v1.Reports/ListWebhookDeliveries"] = [Manager],
        ["/restaurant.v1.Reports/WatchIncidents"] = [Manager],
        ["/restaurant.v1.Reports/ListIncidents"] = [Manager],
        ["/restaurant.v1.Reports/AcknowledgeIncident"] = [Manager],
        ["/restaurant.v1.Reports/GetKitchenHealth"] = [Manager],
        ["/restaurant.v1.Devices/GetDevice"] = [Pos, Kitchen, Manager, Board],
    };

    /// <summary>Calls anyone may make without a token: the gRPC health service.</summary>
    /// <summary>
    /// Open to any caller: the health service, and server reflection, which tells a tool (grpcurl,
    /// Postman) the contract's shape, as public as API.md, and nothing of any location.
    /// </summary>
    public static bool IsOpen(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal) || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);

    /// <summary>Null when the device may make the call; otherwise the status to answer with.</summary>
    public static Status? Check(DeviceDefinition device, string method, object request)
    {
        if (!Roles.TryGetValue(method, out var roles) || !roles.Contains(device.Role, StringComparer.Ordinal))
        {
            return new Status(StatusCode.PermissionDenied, $"device '{device.Id}' ({device.Role}) may not call {method.TrimStart('/')}");
        }

        if (request is ILocationScoped scoped && device.Location != "*" && scoped.LocationId != device.Location)
        {
            return new Status(StatusCode.PermissionDenied, $"device '{device.Id}' belongs to location '{device.Location}', not '{scoped.LocationId}'");
        }

        if (device.Role is Kitchen or Board && request is IStationScoped station && !device.Stations.Contains(station.StationId, StringComparer.Ordinal))
        {
            return new Status(StatusCode.PermissionDenied, $"device '{device.Id}' serves {string.Join(", ", device.Stations)}, not station '{station.StationId}'");
        }

        return null;
    }
}
