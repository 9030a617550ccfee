namespace Restaurant.Core.Redis;

/// <summary>
/// The ticket hash fields a caller reads to show a ticket, named once: the scripts get the same list
/// (TICKET_VIEW, set before lib.lua), so a script's ticket_view answers these fields in this order and
/// a station stream entry carries them under these names.
/// </summary>
internal static class TicketView
{
    public static readonly string[] Fields = ["status", "body", "rush", "fired", "held", "bumped", "progress", "screen"];

    public static readonly int Status = Of("status");
    public static readonly int Body = Of("body");
    public static readonly int Rush = Of("rush");
    public static readonly int Fired = Of("fired");
    public static readonly int Held = Of("held");
    public static readonly int Bumped = Of("bumped");
    public static readonly int Progress = Of("progress");
    public static readonly int Screen = Of("screen");

    /// <summary>The list as a Lua table.</summary>
    public static string LuaTable => "{" + string.Join(", ", Fields.Select(f => $"'{f}'")) + "}";

    private static int Of(string field) => Array.IndexOf(Fields, field);
}
