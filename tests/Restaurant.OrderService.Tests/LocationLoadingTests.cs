using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Restaurant.Contracts.V1;
using Restaurant.Core.Redis;
using Restaurant.Domain.Locations;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.OrderService.Tests;

public class LocationLoadingTests
{
    [Fact]
    public async Task LoadingTheSameFileAgainChangesNothingAndAChangedFileUpdatesTheMenu()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();
        var store = world.Factory.Services.GetRequiredService<MenuStore>();
        var definition = (await store.GetMenuAsync(location)).Location;
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = false });
        await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "tiramisu", Available = false });

        Assert.False(await store.LoadLocationAsync(definition));

        var changed = definition with
        {
            Items = [.. definition.Items.Where(i => i.Id != "tiramisu").Select(i => i.Id == "classic-burger" ? i with { Name = "Smash Burger" } : i),
                new MenuItemDefinition("pad-thai", "Pad Thai", "saute", 420, "Mains")],
        };
        Assert.True(await store.LoadLocationAsync(changed));

        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        Assert.Equal("Smash Burger", menu.Items.Single(i => i.MenuItemId == "classic-burger").Name);
        Assert.Contains(menu.Items, i => i.MenuItemId == "pad-thai" && i.StationId == "saute");
        Assert.DoesNotContain(menu.Items, i => i.MenuItemId == "tiramisu");
        Assert.False(menu.Items.Single(i => i.MenuItemId == "ribeye").Available);
        var placed = await world.Orders.PlaceOrderAsync(Order(location, Line("pad-thai")));
        Assert.Equal(OrderStatus.Accepted, placed.Order.Status);
        var gone = await TestWorld.FailsAsync(() => world.Orders.PlaceOrderAsync(Order(location, Line("tiramisu"))).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }
}
