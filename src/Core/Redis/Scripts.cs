using System.Reflection;

namespace Restaurant.Core.Redis;

/// <summary>The Lua scripts, embedded in the assembly; each makes one step of the flow atomic.</summary>
internal static class Scripts
{
    public static readonly string PlaceOrder = Load("place_order.lua");
    public static readonly string RouteOrder = Load("route_order.lua");
    public static readonly string BumpTicket = Load("bump_ticket.lua");
    public static readonly string RecallTicket = Load("recall_ticket.lua");
    public static readonly string CancelOrder = Load("cancel_order.lua");
    public static readonly string LoadMenu = Load("load_menu.lua");
    public static readonly string SetAvailability = Load("set_availability.lua");
    public static readonly string SetRush = Load("set_rush.lua");
    public static readonly string FireCourse = Load("fire_course.lua");
    public static readonly string AmendOrder = Load("amend_order.lua");
    public static readonly string MarkShown = Load("mark_shown.lua");
    public static readonly string BalanceStation = Load("balance_station.lua");

    /// <summary>Each script is the shared helpers followed by its own body.</summary>
    private static string Load(string name) => Read("lib.lua") + "\n" + Read(name);

    private static string Read(string name)
    {
        var assembly = typeof(Scripts).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
