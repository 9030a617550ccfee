using Restaurant.Domain;

namespace Restaurant.Core.Redis;

/// <summary>The states as the scripts store them (ACCEPTED, IN_KITCHEN, …), read back.</summary>
internal static class StoredStates
{
    public static OrderState ParseOrderState(string? value) => value switch
    {
        "ACCEPTED" => OrderState.Accepted,
        "IN_KITCHEN" => OrderState.InKitchen,
        "READY" => OrderState.Ready,
        "COMPLETED" => OrderState.Completed,
        "CANCELLED" => OrderState.Cancelled,
        "AWAITING_ACCEPTANCE" => OrderState.AwaitingAcceptance,
        _ => throw new FormatException($"unknown order status '{value}'"),
    };

    public static TicketState ParseTicketState(string? value) => value switch
    {
        "OPEN" => TicketState.Open,
        "BUMPED" => TicketState.Bumped,
        "VOIDED" => TicketState.Voided,
        "HELD" => TicketState.Held,
        _ => throw new FormatException($"unknown ticket status '{value}'"),
    };

    public static ProgressState ParseProgress(string? value) => value switch
    {
        "HELD" => ProgressState.Held,
        "WAITING" => ProgressState.Waiting,
        "COOKING" => ProgressState.Cooking,
        "BUMPED" => ProgressState.Bumped,
        "VOIDED" => ProgressState.Voided,
        _ => throw new FormatException($"unknown progress '{value}'"),
    };
}
