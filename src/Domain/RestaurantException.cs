namespace Restaurant.Domain;

/// <summary>What kind of refusal an error is; the gRPC edge maps each to its status code.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    FailedPrecondition,
    AlreadyExists,
    OutOfRange,

    /// <summary>Not done now, safe to try again (a replica did not confirm in time).</summary>
    Unavailable,
}

/// <summary>A request the service refuses, with a message naming the field or item at fault.</summary>
public sealed class RestaurantException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public static RestaurantException Invalid(string message) => new(ErrorKind.InvalidArgument, message);

    public static RestaurantException NotFound(string message) => new(ErrorKind.NotFound, message);

    public static RestaurantException Precondition(string message) => new(ErrorKind.FailedPrecondition, message);
}
