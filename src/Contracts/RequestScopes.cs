namespace Restaurant.Contracts.V1;

/// <summary>A request about one location of a chain; every request of the contract is one.</summary>
public interface ILocationScoped
{
    string LocationId { get; }
}

/// <summary>A request about one station of a location.</summary>
public interface IStationScoped : ILocationScoped
{
    string StationId { get; }
}

public sealed partial class GetMenuRequest : ILocationScoped;

public sealed partial class SetItemAvailabilityRequest : ILocationScoped;

public sealed partial class WatchMenuRequest : ILocationScoped;

public sealed partial class PlaceOrderRequest : ILocationScoped;

public sealed partial class GetOrderRequest : ILocationScoped;

public sealed partial class CancelOrderRequest : ILocationScoped;

public sealed partial class WatchOrdersRequest : ILocationScoped;

public sealed partial class SetRushRequest : ILocationScoped;

public sealed partial class FireCourseRequest : ILocationScoped;

public sealed partial class AddItemsRequest : ILocationScoped;

public sealed partial class VoidItemsRequest : ILocationScoped;

public sealed partial class AcceptOrderRequest : ILocationScoped;

public sealed partial class DenyOrderRequest : ILocationScoped;

public sealed partial class ListPendingOrdersRequest : ILocationScoped;

public sealed partial class ExplainRoutingRequest : ILocationScoped;

public sealed partial class GetSpeedOfServiceRequest : ILocationScoped;

public sealed partial class ListWebhookDeliveriesRequest : ILocationScoped;

public sealed partial class WatchIncidentsRequest : ILocationScoped;

public sealed partial class ListIncidentsRequest : ILocationScoped;

public sealed partial class AcknowledgeIncidentRequest : ILocationScoped;

public sealed partial class GetKitchenHealthRequest : ILocationScoped;

public sealed partial class WatchStationRequest : IStationScoped;

public sealed partial class GetAllDayRequest : IStationScoped;

public sealed partial class BumpTicketRequest : IStationScoped;

public sealed partial class RecallTicketRequest : IStationScoped;

public sealed partial class ConfirmShownRequest : IStationScoped;
