using Grpc.Core;
using Microsoft.Extensions.Options;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.OrderService.Mapping;

namespace Restaurant.OrderService.Grpc;

public sealed class MenuGrpcService(StreamGuard guard, MenuStore menus, Doorbell bell, IOptions<StreamOptions> streamOptions) : Menu.MenuBase
{
    private readonly StreamOptions _streams = streamOptions.Value;

    public override async Task<GetMenuResponse> GetMenu(GetMenuRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var menu = await menus.GetMenuAsync(request.LocationId, context.CancellationToken);
        return menu.ToProto();
    }

    public override async Task<SetItemAvailabilityResponse> SetItemAvailability(SetItemAvailabilityRequest request, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        OrderValidator.RequireId(request.MenuItemId, "menu_item_id");
        if (request.HasRemaining && request.Remaining > 10_000)
        {
            throw RestaurantException.Invalid($"remaining is {request.Remaining}, at most 10000");
        }

        await menus.SetItemAvailabilityAsync(
            request.LocationId, request.MenuItemId, request.Available, request.HasRemaining ? request.Remaining : null, context.CancellationToken);
        var menu = await menus.GetMenuAsync(request.LocationId, context.CancellationToken);
        var item = menu.Location.FindItem(request.MenuItemId)
            ?? throw Refusals.UnknownItem(request.LocationId, request.MenuItemId);
        return new SetItemAvailabilityResponse { Item = item.ToProto(menu) };
    }

    public override async Task WatchMenu(WatchMenuRequest request, IServerStreamWriter<MenuEvent> responseStream, ServerCallContext context)
    {
        OrderValidator.RequireId(request.LocationId, "location_id");
        var location = request.LocationId;
        using var streamLifetime = guard.Link(context);
        var cancellationToken = streamLifetime.Token;
        var token = await menus.LatestMenuEventTokenAsync(location, cancellationToken);
        var menu = await menus.GetMenuAsync(location, cancellationToken);
        var first = new MenuEvent { Full = true };
        first.Items.AddRange(menu.Location.Items.Select(i => i.ToProto(menu)));
        await responseStream.WriteWithinAsync(first, _streams.WriteTimeout, context, cancellationToken);

        await Tail.FollowAsync(bell, location, RedisKeys.MenuTopic, _streams.PollInterval, async ct =>
        {
            var (changed, next) = await menus.ReadMenuEventsAsync(location, token, _streams.BatchSize, ct);
            if (changed.Count == 0)
            {
                return false;
            }

            token = next;
            menu = await menus.GetMenuAsync(location, ct);
            var full = changed.Contains("*");
            var message = new MenuEvent { Full = full };
            message.Items.AddRange(menu.Location.Items.Where(i => full || changed.Contains(i.Id)).Select(i => i.ToProto(menu)));
            await responseStream.WriteWithinAsync(message, _streams.WriteTimeout, context, ct);
            return true;
        }, cancellationToken);
    }
}
