using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Core.Telemetry;
using Restaurant.Domain;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

public sealed class OrdersGrpcService(
    StreamGuard guard, OrderStore orders, MenuStore menus, Doorbell bell, IOptions<StreamOptions> streamOptions, RestaurantTelemetry telemetry, TimeProvider clock) : Orders.OrdersBase
{
    private readonly StreamOptions _streams = streamOptions.Value;

    public override async Task<PlaceOrderResponse> PlaceOrder(PlaceOrderRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        OrderValidator.RequireOrderId(request.OrderId);
        var lines = request.Lines.Select(l => l.ToDomain()).ToList();
        OrderValidator.ValidateLines(lines);
        OrderValidator.ValidateGuestName(request.GuestName);
        var pickupAt = request.PickupAt?.ToDateTimeOffset();
        OrderValidator.ValidatePickup(pickupAt, clock.GetUtcNow());
        var orderId = OrderValidator.NormalizeOrderId(request.OrderId);
        using var activity = RestaurantTelemetry.Source.StartActivity("PlaceOrder", ActivityKind.Producer);
        activity?.SetTag("restaurant.location", request.LocationId);
        activity?.SetTag("restaurant.order", orderId);
        var result = await orders.PlaceOrderAsync(
            request.LocationId, orderId, lines, request.Rush, context.CancellationToken, activity?.Id, new OrderOrigin(GuestName: request.GuestName.Trim()),
            pickupAt is null ? null : new OrderTiming(pickupAt));
        if (result.Created)
        {
            telemetry.OrderPlaced(request.LocationId);
        }

        telemetry.RoundTrips("place", result.RoundTrips);
        return new PlaceOrderResponse { Order = result.Order.ToProto() };
    }

    public override async Task<GetOrderResponse> GetOrder(GetOrderRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        var order = await orders.GetOrderAsync(location, orderId, context.CancellationToken);
        return new GetOrderResponse { Order = order.ToProto() };
    }

    public override async Task<CancelOrderResponse> CancelOrder(CancelOrderRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        var order = await orders.CancelOrderAsync(location, orderId, context.CancellationToken);
        return new CancelOrderResponse { Order = order.ToProto() };
    }

    public override async Task<SetRushResponse> SetRush(SetRushRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        var order = await orders.SetRushAsync(location, orderId, request.Rush, context.CancellationToken);
        return new SetRushResponse { Order = order.ToProto() };
    }

    public override async Task<FireCourseResponse> FireCourse(FireCourseRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        if (request.Course is < 1 or > OrderValidator.MaxCourse)
        {
            throw RestaurantException.Invalid($"course must be 1 to {OrderValidator.MaxCourse}, was {request.Course}");
        }

        var order = await orders.FireCourseAsync(location, orderId, request.Course, context.CancellationToken);
        return new FireCourseResponse { Order = order.ToProto() };
    }

    public override async Task<AddItemsResponse> AddItems(AddItemsRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        OrderValidator.RequireOrderId(request.RoundId, "round_id");
        var lines = request.Lines.Select(l => l.ToDomain()).ToList();
        OrderValidator.ValidateLines(lines);
        var order = await orders.AddItemsAsync(location, orderId, OrderValidator.NormalizeOrderId(request.RoundId), lines, context.CancellationToken);
        return new AddItemsResponse { Order = order.ToProto() };
    }

    public override async Task<VoidItemsResponse> VoidItems(VoidItemsRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        if (request.LineIndexes.Count == 0)
        {
            throw RestaurantException.Invalid("line_indexes: name at least one line to void");
        }

        var order = await orders.VoidItemsAsync(location, orderId, [.. request.LineIndexes.Distinct()], context.CancellationToken);
        return new VoidItemsResponse { Order = order.ToProto() };
    }

    public override async Task<AcceptOrderResponse> AcceptOrder(AcceptOrderRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        var order = await orders.AcceptOrderAsync(location, orderId, context.CancellationToken);
        return new AcceptOrderResponse { Order = order.ToProto() };
    }

    public override async Task<DenyOrderResponse> DenyOrder(DenyOrderRequest request, ServerCallContext context)
    {
        var (location, orderId) = ValidateOrderRef(request.LocationId, request.OrderId);
        var reason = request.Reason.Trim();
        if (reason.Length == 0)
        {
            throw RestaurantException.Invalid("reason: say why the order is denied; the platform tells the guest");
        }

        OrderValidator.ValidateReason(reason);
        var order = await orders.DenyOrderAsync(location, orderId, reason, context.CancellationToken);
        return new DenyOrderResponse { Order = order.ToProto() };
    }

    public override async Task<ListPendingOrdersResponse> ListPendingOrders(ListPendingOrdersRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var pending = await orders.ListPendingAsync(request.LocationId, 200, context.CancellationToken);
        var response = new ListPendingOrdersResponse();
        response.AwaitingAcceptance.AddRange(pending.Awaiting.Select(o => o.ToProto()));
        response.Scheduled.AddRange(pending.Scheduled.Select(o => o.ToProto()));
        return response;
    }

    public override async Task WatchOrders(WatchOrdersRequest request, IServerStreamWriter<OrderEvent> responseStream, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var location = request.LocationId;
        using var streamLifetime = guard.Link(context);
        var cancellationToken = streamLifetime.Token;
        string? orderId = null;
        string token;
        if (request.OrderId.Length > 0)
        {
            OrderValidator.RequireOrderId(request.OrderId);
            orderId = OrderValidator.NormalizeOrderId(request.OrderId);
            var (order, at) = await orders.OrderWithTokenAsync(location, orderId, cancellationToken);
            if (order is null)
            {
                await menus.GetMenuAsync(location, cancellationToken);
                throw Refusals.UnknownOrder(location, orderId);
            }

            await responseStream.WriteWithinAsync(new OrderEvent { Order = order.ToProto() }, _streams.WriteTimeout, context, cancellationToken);
            token = at;
        }
        else
        {
            await menus.GetMenuAsync(location, cancellationToken);
            token = await orders.LatestOrderEventTokenAsync(location, cancellationToken);

            // Headers tell the client the watch is in place: every change from here on reaches it.
            await context.WriteResponseHeadersAsync([]);
        }

        await Tail.FollowAsync(bell, location, RedisKeys.OrderEventsTopic, _streams.PollInterval, async ct =>
        {
            var (events, full) = await orders.ReadOrderEventsAsync(location, token, orderId, _streams.BatchSize, ct);
            var changed = events.Where(e => e.Order is not null).ToList();
            for (var i = 0; i < changed.Count; i++)
            {
                // One flush per batch: every message but the last is buffered.
                await responseStream.WriteWithinAsync(
                    new OrderEvent { Order = changed[i].Order!.ToProto() }, _streams.WriteTimeout, context, ct, more: i < changed.Count - 1);
            }

            if (events.Count > 0)
            {
                token = events[^1].Token;
            }

            // Read again at once only after a full batch: the bell was set before this read, so a
            // change written since rings it, and an empty read after every batch costs for nothing.
            return full;
        }, cancellationToken, _streams.OrderWatchGap);
    }

    private static (string Location, string OrderId) ValidateOrderRef(string location, string orderId)
    {
        OrderValidator.RequireId(location, "location_id");
        OrderValidator.RequireOrderId(orderId);
        return (location, OrderValidator.NormalizeOrderId(orderId));
    }
}
