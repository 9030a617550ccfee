using System.Text.Json.Serialization;

namespace Restaurant.Domain;

public enum OrderState
{
    Accepted,
    InKitchen,
    Ready,
    Completed,
    Cancelled,

    /// <summary>A delivery platform's order the location takes by hand: stored, counts taken, not yet queued.</summary>
    AwaitingAcceptance,
}

public enum TicketState
{
    Open,
    Bumped,
    Voided,

    /// <summary>In a course not yet fired: on no station's screen.</summary>
    Held,
}

/// <summary>How far a station ticket has come, as expo sees it.</summary>
public enum ProgressState
{
    Held,

    /// <summary>Fired to the station, not yet shown on any of its screens.</summary>
    Waiting,

    /// <summary>On a screen of the station.</summary>
    Cooking,
    Bumped,
    Voided,
}

/// <summary>One station ticket of an order as expo and the POS see it, with when it reached its station's stream, a screen, and the bump.</summary>
public sealed record TicketReceiptData(
    string TicketId,
    string StationId,
    int Course,
    ProgressState State,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? ShownAt,
    DateTimeOffset? BumpedAt,
    DateTimeOffset? PrintedAt = null);

/// <summary>
/// One line of an order, as the POS sent it; course 1 fires at once, later courses are held. Round 0
/// is the order as placed, each AddItems a round more; a voided line stays, struck through.
/// </summary>
public sealed record OrderLineData(
    string MenuItemId,
    int Quantity,
    IReadOnlyList<string> Modifiers,
    string Note,
    int Course = 1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Round = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Voided = false);

/// <summary>An order as stored: its lines never change; its status moves through <see cref="OrderState"/>.</summary>
public sealed record OrderData(
    string OrderId,
    string LocationId,
    OrderState Status,
    IReadOnlyList<OrderLineData> Lines,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> TicketIds,
    bool Rush = false,
    IReadOnlyList<int>? HeldCourses = null,
    long Version = 0,
    IReadOnlyList<TicketReceiptData>? Receipts = null,
    string? Trace = null,
    int Number = 0,
    string Source = "",
    string GuestName = "",
    DateTimeOffset? AcceptBy = null,
    DateTimeOffset? PickupAt = null,
    DateTimeOffset? FireAt = null,
    string Reason = "")
{
    /// <summary>Placed for later: held off the kitchen until <see cref="FireAt"/>, so it is ready at its pickup time.</summary>
    public bool IsScheduled(DateTimeOffset now) => FireAt is { } fire && fire > now && Status is OrderState.Accepted or OrderState.AwaitingAcceptance;
}

/// <summary>
/// One item on a ticket: what a station must make. A modifier made at another station than its dish
/// ("side salad" at cold for a burger) is an item of its own there, naming the dish in ForItem.
/// Allergies of the line travel with every item made for it.
/// </summary>
public sealed record TicketItemData(
    string MenuItemId,
    string Name,
    int Quantity,
    IReadOnlyList<string> Modifiers,
    string Note,
    int PrepSeconds,
    IReadOnlyList<string>? Allergies = null,
    string ForItem = "",
    int Course = 1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int StartDelaySeconds = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int LineIndex = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Voided = false)
{
    // Stored bodies leave out what reads back the same without them: the zeros and false above, and
    // this list, which is Allergies again. A ticket's body is kept on the ticket and on its station's
    // stream entries; each item was about a quarter longer with them.
    [JsonIgnore]
    public IReadOnlyList<string> AllergyList => Allergies ?? [];
}

/// <summary>The part of one order that one station must make.</summary>
public sealed record TicketData(
    string TicketId,
    string OrderId,
    string StationId,
    TicketState Status,
    IReadOnlyList<TicketItemData> Items,
    DateTimeOffset CreatedAt,
    DateTimeOffset? BumpedAt = null,
    bool Rush = false,
    DateTimeOffset? WarnAt = null,
    DateTimeOffset? LateAt = null,
    int Course = 1,
    DateTimeOffset? FiredAt = null,
    IReadOnlyList<int>? HeldCourses = null,
    IReadOnlyList<TicketReceiptData>? Progress = null,
    string Screen = "",
    long PlacedAtMs = 0,
    string? Trace = null,
    int OrderNumber = 0,
    string Source = "",
    string GuestName = "");

/// <summary>The immutable part of a ticket, stored once as JSON; status and rush live beside it.</summary>
/// Warning and late times count from when the ticket fires, so they are kept as offsets.
public sealed record TicketBody(
    string TicketId,
    string OrderId,
    string StationId,
    IReadOnlyList<TicketItemData> Items,
    long CreatedAtMs,
    int WarnSeconds = 0,
    int LateSeconds = 0,
    int Course = 1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long PlacedAtMs = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Trace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int OrderNumber = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] string? Source = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] string? GuestName = null);

/// <summary>
/// The immutable part of an order, stored once as JSON. <see cref="Trace"/> is the W3C trace parent of
/// the PlaceOrder call, so the worker and the screens continue its trace.
/// </summary>
public sealed record OrderBody(
    IReadOnlyList<OrderLineData> Lines,
    long CreatedAtMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Trace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GuestName = null);

/// <summary>
/// Where an order came from: <see cref="Source"/> names a delivery platform ("" for the location's own
/// POS or kiosk), and <see cref="GuestName"/> is what the guest is called at the pass ("Sam K.").
/// </summary>
public sealed record OrderOrigin(string Source = "", string GuestName = "")
{
    /// <summary>A source or name as an order's or ticket's stored body keeps it: empty text is left out.</summary>
    public static string? Stored(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>
/// When an order is wanted and who must still say yes to it. With <see cref="PickupAt"/> the order
/// waits off the kitchen and fires at pickup minus its longest prep, so it is ready on time; with
/// <see cref="AcceptBy"/> it waits for a POS or manager to accept or deny it, and past that moment it
/// is denied by itself (a delivery platform cancels an order nobody accepted).
/// </summary>
public sealed record OrderTiming(DateTimeOffset? PickupAt = null, DateTimeOffset? AcceptBy = null);
