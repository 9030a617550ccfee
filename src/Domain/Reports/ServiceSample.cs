namespace Restaurant.Domain.Reports;

/// <summary>What a speed-of-service sample times.</summary>
public enum SampleKind
{
    /// <summary>A station ticket, from reaching its station to its first bump.</summary>
    Ticket,

    /// <summary>An order, from placed to ready.</summary>
    OrderReady,

    /// <summary>An order, from placed to completed at expo.</summary>
    OrderCompleted,
}

/// <summary>One speed-of-service sample: when it was taken, what it times, and how long it took.</summary>
public sealed record ServiceSample(DateTimeOffset At, SampleKind Kind, string? StationId, TimeSpan Duration);
