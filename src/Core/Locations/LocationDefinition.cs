namespace Restaurant.Core.Locations;

/// <summary>A kitchen station of a location.</summary>
public sealed record StationDefinition(string Id, string Name, bool IsExpo = false);

/// <summary>One menu item, routed to the station where it is made.</summary>
public sealed record MenuItemDefinition(string Id, string Name, string Station, int PrepSeconds, string Category = "");

/// <summary>A restaurant of a chain: its stations and menu, as its data file defines them.</summary>
public sealed record LocationDefinition(
    string Id,
    string Name,
    IReadOnlyList<StationDefinition> Stations,
    IReadOnlyList<MenuItemDefinition> Items)
{
    public StationDefinition Expo => Stations.First(s => s.IsExpo);

    public MenuItemDefinition? FindItem(string id) => Items.FirstOrDefault(i => i.Id == id);

    public StationDefinition? FindStation(string id) => Stations.FirstOrDefault(s => s.Id == id);
}

/// <summary>A location's menu as it stands: the definition plus what is 86'd right now.</summary>
public sealed record MenuSnapshot(LocationDefinition Location, IReadOnlySet<string> Unavailable)
{
    public bool IsAvailable(string itemId) => !Unavailable.Contains(itemId);
}
