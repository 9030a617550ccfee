using Grpc.Core;
using Restaurant.Contracts.V1;

namespace Restaurant.OrderService.Tests;

public class MenuTests
{
    [Fact]
    public async Task GetMenuListsTheStationsAndItemsOfTheLocation()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });

        Assert.Equal(8, menu.Stations.Count);
        Assert.Single(menu.Stations, s => s.IsExpo);
        var burger = Assert.Single(menu.Items, i => i.MenuItemId == "classic-burger");
        Assert.Equal("Classic Burger", burger.Name);
        Assert.Equal("grill", burger.StationId);
        Assert.True(burger.Available);
        Assert.True(menu.Items.Count >= 30);
    }

    [Fact]
    public async Task TheSampleRestaurantIsLoadedAtStartUp()
    {
        var world = await TestWorld.GetAsync();

        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = "demo" });

        Assert.Equal("Demo Bistro", menu.LocationName);
        Assert.Contains(menu.Items, i => i.MenuItemId == "ribeye" && i.StationId == "grill");
    }

    [Fact]
    public async Task AnEightySixedItemShowsUnavailableAndComesBack()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        var off = await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = false });
        Assert.False(off.Item.Available);
        var menu = await world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location });
        Assert.False(menu.Items.Single(i => i.MenuItemId == "ribeye").Available);
        Assert.True(menu.Items.Single(i => i.MenuItemId == "classic-burger").Available);

        var on = await world.Menu.SetItemAvailabilityAsync(new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "ribeye", Available = true });
        Assert.True(on.Item.Available);
    }

    [Fact]
    public async Task UnknownLocationAndItemAreNotFoundByName()
    {
        var world = await TestWorld.GetAsync();
        var location = await world.NewLocationAsync();

        var noLocation = await TestWorld.FailsAsync(() => world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = "nowhere" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, noLocation.StatusCode);
        Assert.Contains("nowhere", noLocation.Status.Detail);

        var noItem = await TestWorld.FailsAsync(() => world.Menu.SetItemAvailabilityAsync(
            new SetItemAvailabilityRequest { LocationId = location, MenuItemId = "unicorn-steak" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, noItem.StatusCode);
        Assert.Contains("unicorn-steak", noItem.Status.Detail);
    }

    [Fact]
    public async Task AMalformedLocationIdIsInvalidArgument()
    {
        var world = await TestWorld.GetAsync();

        var empty = await TestWorld.FailsAsync(() => world.Menu.GetMenuAsync(new GetMenuRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Contains("location_id", empty.Status.Detail);

        var odd = await TestWorld.FailsAsync(() => world.Menu.GetMenuAsync(new GetMenuRequest { LocationId = "Main Street!" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, odd.StatusCode);
    }
}
