using Grpc.Core;
using Restaurant.Contracts.V1;
using Restaurant.Core.Domain;
using Restaurant.Core.Redis;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

public sealed class MenuGrpcService(RedisStore store) : Menu.MenuBase
{
    public override async Task<GetMenuResponse> GetMenu(GetMenuRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var menu = await store.GetMenuAsync(request.LocationId, context.CancellationToken);
        return menu.ToProto();
    }

    public override async Task<SetItemAvailabilityResponse> SetItemAvailability(SetItemAvailabilityRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        OrderValidator.RequireId(request.MenuItemId, "menu_item_id");
        await store.SetItemAvailabilityAsync(request.LocationId, request.MenuItemId, request.Available, context.CancellationToken);
        var menu = await store.GetMenuAsync(request.LocationId, context.CancellationToken);
        var item = menu.Location.FindItem(request.MenuItemId)!;
        return new SetItemAvailabilityResponse { Item = item.ToProto(menu.IsAvailable(item.Id)) };
    }
}
