namespace Restaurant.Domain;

/// <summary>
/// Every refusal the service gives about the things it keeps, built in one place so the same refusal
/// reads the same wherever it is found (in a script's answer, in a check before one, at the edge).
/// Each names the field or item at fault; echoed text is cut short (<see cref="OrderValidator.Shorten"/>).
/// </summary>
public static class Refusals
{
    public static RestaurantException UnknownLocation(string location) =>
        RestaurantException.NotFound($"location '{OrderValidator.Shorten(location)}' is not known");

    public static RestaurantException ClosedLocation(string location) =>
        RestaurantException.Precondition($"location '{location}' is closed (its data file was removed): it takes no new orders");

    public static RestaurantException UnknownStation(string location, string station) =>
        RestaurantException.NotFound($"station '{OrderValidator.Shorten(station)}' is not known at '{location}'");

    public static RestaurantException UnknownOrder(string location, string orderId) =>
        RestaurantException.NotFound($"order {OrderValidator.Shorten(orderId)} is not known at '{location}'");

    public static RestaurantException UnknownItem(string location, string item) =>
        RestaurantException.NotFound($"menu item '{OrderValidator.Shorten(item)}' is not on the menu of '{location}'");

    /// <summary>A modifier the dish does not allow, at <c>lines[line].modifiers[index]</c> of the request.</summary>
    public static RestaurantException NotAModifier(int line, int index, string modifier, string item) =>
        RestaurantException.Invalid($"lines[{line}].modifiers[{index}]: '{OrderValidator.Shorten(modifier)}' is not a modifier of '{item}'");

    public static RestaurantException EightySixed(string item) =>
        RestaurantException.Precondition($"menu item '{item}' is 86'd (sold out)");

    /// <summary>A counted item with fewer left than <paramref name="what"/> ("the order", "the change") needs.</summary>
    public static RestaurantException Short(string item, string left, string needs, string what) =>
        RestaurantException.Precondition($"menu item '{item}' has only {left} left; {what} needs {needs}");

    public static RestaurantException PlacedDifferently(string orderId) =>
        new(ErrorKind.AlreadyExists, $"order_id {orderId} was already placed with different content");

    /// <summary>An order completed or cancelled; <paramref name="so"/> says what that rules out ("and can no longer be changed").</summary>
    public static RestaurantException Finished(string orderId, string? status, string so) =>
        RestaurantException.Precondition($"order {orderId} is {status?.ToLowerInvariant()}{so}");

    public static RestaurantException NotInKitchenYet(string orderId, int course) =>
        RestaurantException.Precondition($"order {orderId} has not reached the kitchen yet; fire course {course} in a moment");

    public static RestaurantException NoCourse(string orderId, int course) =>
        RestaurantException.NotFound($"order {orderId} has no course {course}");

    public static RestaurantException UnknownTicket(string location, string station, string ticketId) =>
        RestaurantException.NotFound($"ticket {OrderValidator.Shorten(ticketId)} is not at station '{station}' of '{location}'");

    /// <summary>A voided ticket; <paramref name="so"/> says what it cannot be ("and cannot be bumped").</summary>
    public static RestaurantException VoidedTicket(string ticketId, string so) =>
        RestaurantException.Precondition($"ticket {OrderValidator.Shorten(ticketId)} is voided {so}");

    public static RestaurantException HeldTicket(string ticketId, string? course) =>
        RestaurantException.Precondition($"ticket {OrderValidator.Shorten(ticketId)} is in course {course}, which is held: fire the course first");

    /// <summary>Expo's bump before the order is ready: names the stations still cooking, or the order's state.</summary>
    public static RestaurantException NotReady(string orderId, string? cooking, string? status) =>
        RestaurantException.Precondition(string.IsNullOrEmpty(cooking)
            ? $"order {orderId} is {status} and cannot leave expo yet"
            : $"order {orderId} is not ready: still cooking at {cooking}");

    public static RestaurantException RecallAtExpoFirst(string orderId) =>
        RestaurantException.Precondition($"order {orderId} is completed: recall it at expo first");

    public static RestaurantException TokenNotOurs(string token) =>
        new(ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(token)}' is not a token this service gave out; start again with an empty token");

    public static RestaurantException TokenUnknown(string token, string station) =>
        new(ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(token)}' is unknown for station '{station}'; start again with an empty token");

    public static RestaurantException TokenExpired(string token, string station) =>
        new(ErrorKind.OutOfRange, $"resume_token '{OrderValidator.Shorten(token)}' has expired for station '{station}'; start again with an empty token");
}
