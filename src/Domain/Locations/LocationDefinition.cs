using System.Runtime.CompilerServices;

namespace Restaurant.Domain.Locations;

/// <summary>
/// A kitchen station of a location, with the ages at which its tickets turn warning and late. Its
/// screens are mirrored (every screen shows every ticket) or balanced (each ticket goes to the screen
/// with the fewest open items). A ticket on none of its screens <see cref="ShowWithinSeconds"/> after it
/// fired is an incident, and, when the station names a network kitchen <see cref="Printer"/>
/// ("10.0.0.31:9100", ESC/POS over raw TCP), it prints there as a backup.
/// </summary>
public sealed record StationDefinition(
    string Id, string Name, bool IsExpo = false, int WarnSeconds = 480, int LateSeconds = 720, string Screens = StationDefinition.Mirrored, int ShowWithinSeconds = 30,
    string? Printer = null)
{
    public const string Mirrored = "mirrored";
    public const string Balanced = "balanced";

    public bool IsBalanced => Screens == Balanced;
}

/// <summary>One menu item, routed to the station where it is made, with the modifiers it allows.</summary>
public sealed record MenuItemDefinition(
    string Id,
    string Name,
    string Station,
    int PrepSeconds,
    string Category = "",
    IReadOnlyList<string>? Modifiers = null)
{
    public IReadOnlyList<string> AllowedModifiers => Modifiers ?? [];
}

/// <summary>
/// A modifier a POS may put on a line ("no onion", "side salad", "NUT ALLERGY"). One with a station
/// is made there as an item of its own ("side salad" at cold); an allergy stands out on every ticket
/// the dish touches; one for any item is allowed on every dish (allergies usually are).
/// </summary>
public sealed record ModifierDefinition(string Name, string? Station = null, int PrepSeconds = 0, bool Allergy = false, bool AnyItem = false)
{
    public string Key => Normalize(Name);

    public static string Normalize(string name) => name.Trim().ToLowerInvariant();
}

/// <summary>How a location's kitchen runs.</summary>
/// <param name="FireByPrepTime">Items start so that everything in a course finishes together.</param>
/// <param name="AutoFireNextCourse">When a course's last ticket is bumped, the next held course fires.</param>
/// <param name="ScreenTimeoutSeconds">A balanced screen away this long has its tickets moved to a live one.</param>
/// <param name="TimeZone">The location's IANA time zone ("America/Chicago"), for its business day.</param>
/// <param name="DayStartsHour">The local hour a business day starts (a bar open past midnight keeps one day).</param>
public sealed record LocationSettings(
    bool FireByPrepTime = true, bool AutoFireNextCourse = true, int ScreenTimeoutSeconds = 30, string TimeZone = "UTC", int DayStartsHour = 4)
{
    /// <summary>The business day a moment falls in, as yyyyMMdd: order numbers start again at 1 each day.</summary>
    public string BusinessDay(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        return local.AddHours(-DayStartsHour).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// How a delivery platform's order maps onto the menu: each of the platform's item ids (as its
/// menu lists them) to a menu item of this location. Its orders are accepted automatically, or
/// (<see cref="Manual"/>) wait for a POS or manager to accept or deny them within
/// <see cref="AcceptWithinSeconds"/>, after which they are denied by themselves; platforms cancel an
/// order nobody accepted in about ten minutes (Uber Eats 11.5, Deliveroo 10).
/// </summary>
public sealed record DeliveryPlatformDefinition(IReadOnlyDictionary<string, string> Items, string Accept = DeliveryPlatformDefinition.Automatic, int AcceptWithinSeconds = 480)
{
    public const string Automatic = "auto";
    public const string Manual = "manual";

    public bool AcceptsByHand => Accept == Manual;
}

/// <summary>A restaurant of a chain: its stations, modifiers and menu, as its data file defines them.</summary>
public sealed record LocationDefinition(
    string Id,
    string Name,
    IReadOnlyList<StationDefinition> Stations,
    IReadOnlyList<MenuItemDefinition> Items,
    IReadOnlyList<ModifierDefinition>? Modifiers = null,
    LocationSettings? Settings = null,
    IReadOnlyDictionary<string, DeliveryPlatformDefinition>? Deliveries = null)
{
    /// <summary>The delivery platforms this location takes orders from, by name, with their item maps.</summary>
    public IReadOnlyDictionary<string, DeliveryPlatformDefinition> DeliveryPlatforms => Deliveries ?? new Dictionary<string, DeliveryPlatformDefinition>();

    public LocationSettings Options => Settings ?? new LocationSettings();

    public IReadOnlyList<ModifierDefinition> ModifierList => Modifiers ?? [];

    public StationDefinition Expo => Stations.First(s => s.IsExpo);

    public MenuItemDefinition? FindItem(string id) => Index.Items.GetValueOrDefault(id);

    public StationDefinition? FindStation(string id) => Stations.FirstOrDefault(s => s.Id == id);

    public ModifierDefinition? FindModifier(string name) => Index.Modifiers.GetValueOrDefault(ModifierDefinition.Normalize(name));

    /// <summary>Whether <paramref name="item"/> allows <paramref name="modifier"/> (case and spaces aside).</summary>
    public bool Allows(MenuItemDefinition item, string modifier) =>
        FindModifier(modifier) is { } definition && (definition.AnyItem || Index.AllowedOf(item).Contains(definition.Key));

    /// <summary>Every order and every route looks items and modifiers up: the lookups are built once per definition.</summary>
    private static readonly ConditionalWeakTable<LocationDefinition, Lookups> Indexes = new();

    private Lookups Index => Indexes.GetValue(this, static location => new Lookups(location));

    private sealed class Lookups(LocationDefinition location)
    {
        private readonly ConditionalWeakTable<MenuItemDefinition, HashSet<string>> _allowed = new();

        public Dictionary<string, MenuItemDefinition> Items { get; } = location.Items.DistinctBy(i => i.Id).ToDictionary(i => i.Id, StringComparer.Ordinal);

        public Dictionary<string, ModifierDefinition> Modifiers { get; } = location.ModifierList.DistinctBy(m => m.Key).ToDictionary(m => m.Key, StringComparer.Ordinal);

        /// <summary>An item's allowed modifiers, normalized.</summary>
        public HashSet<string> AllowedOf(MenuItemDefinition item) =>
            _allowed.GetValue(item, static i => i.AllowedModifiers.Select(ModifierDefinition.Normalize).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>A location's menu as it stands: the definition plus what is 86'd and what is counted right now.</summary>
public sealed record MenuSnapshot(LocationDefinition Location, IReadOnlySet<string> Unavailable, IReadOnlyDictionary<string, int>? Remaining = null)
{
    public bool IsAvailable(string itemId) => !Unavailable.Contains(itemId);

    /// <summary>How many are left of a counted item; null for an item that is not counted.</summary>
    public int? RemainingOf(string itemId) => Remaining is not null && Remaining.TryGetValue(itemId, out var left) ? left : null;
}
