namespace Restaurant.Domain.Incidents;

/// <summary>What went wrong, as a manager would name it.</summary>
public enum IncidentKind
{
    /// <summary>A ticket still open past its station's late time.</summary>
    TicketLate,

    /// <summary>A ticket fired to its station and shown on none of its screens within the station's time.</summary>
    TicketNotShown,

    /// <summary>A station with open tickets and no screen watching it.</summary>
    StationUnwatched,

    /// <summary>A screen that watched a station and has not been seen for a while.</summary>
    ScreenGone,

    /// <summary>An order message that kept failing and went to the dead letters.</summary>
    DeadLetter,

    /// <summary>Orders waiting to be routed longer than they should: the kitchen's workers are behind or away.</summary>
    QueueLag,

    /// <summary>An item 86'd: the floor must stop selling it.</summary>
    ItemEightySixed,

    /// <summary>A counted item nearly out.</summary>
    ItemLow,

    /// <summary>A delivery order near its accept deadline, after which it is denied.</summary>
    AcceptDeadline,

    /// <summary>A ticket no screen showed went to its station's kitchen printer instead.</summary>
    TicketPrinted,

    /// <summary>A station's kitchen printer that refuses, does not answer or is offline.</summary>
    PrinterDown,

    /// <summary>A status webhook subscriber whose deliveries keep failing.</summary>
    WebhookFailing,

    /// <summary>No kitchen worker is alive: orders are stored but do not reach the kitchen.</summary>
    NoWorker,
}

public enum IncidentSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// One cause found now, under a key that stays the same while the cause lasts (so it is raised once):
/// the kind and what it is about, and a sentence a manager understands.
/// </summary>
public sealed record IncidentCause(
    string Cause, IncidentKind Kind, IncidentSeverity Severity, string Message, string StationId = "", string TicketId = "", string OrderId = "", string ScreenId = "");

/// <summary>An incident as kept: its cause, when it opened and resolved, and who acknowledged it.</summary>
public sealed record IncidentData(
    string IncidentId,
    string LocationId,
    IncidentCause Cause,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt = null,
    string AcknowledgedBy = "",
    DateTimeOffset? AcknowledgedAt = null)
{
    public bool IsOpen => ResolvedAt is null;
}

/// <summary>How one change of an incident reached its history: opened, acknowledged or resolved.</summary>
public enum IncidentChange
{
    Opened,
    Acknowledged,
    Resolved,
}

/// <summary>One change in a location's incident history, at its resume token.</summary>
public sealed record IncidentEventData(string Token, IncidentChange Change, IncidentData Incident);

/// <summary>A day's incidents of one kind, for the weekly review: how many, how long they stayed open, how many were acknowledged.</summary>
public sealed record IncidentDaySummary(string Day, IncidentKind Kind, int Count, TimeSpan OpenFor, int Acknowledged);
