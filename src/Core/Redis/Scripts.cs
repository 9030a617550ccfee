using System.Reflection;

namespace Restaurant.Core.Redis;

/// <summary>
/// The Lua scripts, embedded in the assembly; each makes one step of the flow atomic. There are two
/// sets, alike but for how they ring a location's bell: sharded pub/sub (SPUBLISH, Redis 7 and later,
/// which keeps a message on the shard of its location in a cluster) or ordinary PUBLISH.
/// </summary>
internal sealed class Scripts
{
    public static readonly Scripts Sharded = new("SPUBLISH");
    public static readonly Scripts Classic = new("PUBLISH");

    private Scripts(string bellCommand)
    {
        var lib = $"local BELL_COMMAND = '{bellCommand}'\nlocal TICKET_VIEW = {TicketView.LuaTable}\n" + Read("lib.lua") + "\n";
        Script Load(string name) => new(name[..^".lua".Length], lib + Read(name));
        PlaceOrder = Load("place_order.lua");
        RouteOrder = Load("route_order.lua");
        BumpTicket = Load("bump_ticket.lua");
        RecallTicket = Load("recall_ticket.lua");
        CancelOrder = Load("cancel_order.lua");
        AcceptOrder = Load("accept_order.lua");
        ReleaseScheduled = Load("release_scheduled.lua");
        IncidentSync = Load("incident_sync.lua");
        IncidentAck = Load("incident_ack.lua");
        PrintClaim = Load("print_claim.lua");
        PrintDone = Load("print_done.lua");
        PrintFailed = Load("print_failed.lua");
        LoadMenu = Load("load_menu.lua");
        SetAvailability = Load("set_availability.lua");
        SetRush = Load("set_rush.lua");
        FireCourse = Load("fire_course.lua");
        AmendOrder = Load("amend_order.lua");
        MarkShown = Load("mark_shown.lua");
        BalanceStation = Load("balance_station.lua");
        Snapshot = Load("snapshot.lua");
    }

    /// <summary>The workers' lease scripts, which ring no bell and need nothing of lib.lua.</summary>
    public static readonly Script LeaseAcquire = Bare("lease_acquire.lua");
    public static readonly Script LeaseRenew = Bare("lease_renew.lua");
    public static readonly Script LeaseRelease = Bare("lease_release.lua");

    public static Scripts For(bool sharded) => sharded ? Sharded : Classic;

    private static Script Bare(string name) => new(name[..^".lua".Length], Read(name));

    public Script PlaceOrder { get; }

    public Script RouteOrder { get; }

    public Script BumpTicket { get; }

    public Script RecallTicket { get; }

    public Script CancelOrder { get; }

    public Script AcceptOrder { get; }

    public Script ReleaseScheduled { get; }

    public Script IncidentSync { get; }

    public Script IncidentAck { get; }

    public Script PrintClaim { get; }

    public Script PrintDone { get; }

    public Script PrintFailed { get; }

    public Script LoadMenu { get; }

    public Script SetAvailability { get; }

    public Script SetRush { get; }

    public Script FireCourse { get; }

    public Script AmendOrder { get; }

    public Script MarkShown { get; }

    public Script BalanceStation { get; }

    public Script Snapshot { get; }

    private static string Read(string name)
    {
        var assembly = typeof(Scripts).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A script as sent to Redis (the shared lib.lua first), with its name for messages.</summary>
internal sealed record Script(string Name, string Source);
