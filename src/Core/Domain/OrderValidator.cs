using System.Text.RegularExpressions;

namespace Restaurant.Core.Domain;

/// <summary>
/// The shape checks of the contract, run before anything touches Redis: a request that fails them is
/// malformed (INVALID_ARGUMENT) whatever the menu says.
/// </summary>
public static partial class OrderValidator
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 99;
    public const int MaxNoteLength = 200;
    public const int MaxModifiers = 20;
    public const int MaxModifierLength = 50;
    public const int MaxIdLength = 64;
    public const int MaxCourse = 9;

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>Location, station and menu item ids: lower-case letters, digits, '-' and '_'.</summary>
    public static bool IsValidId(string? value) => value is not null && IdPattern().IsMatch(value);

    public static void RequireId(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RestaurantException.Invalid($"{field} is required");
        }

        if (!IsValidId(value))
        {
            throw RestaurantException.Invalid($"{field} '{Shorten(value)}' is not a valid id (lower-case letters, digits, '-' and '_', at most {MaxIdLength})");
        }
    }

    public static void RequireOrderId(string? value, string field = "order_id")
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RestaurantException.Invalid($"{field} is required");
        }

        if (!UuidPattern().IsMatch(value))
        {
            throw RestaurantException.Invalid($"{field} '{Shorten(value)}' is not a UUID in 8-4-4-4-12 form");
        }
    }

    /// <summary>The order id as stored: UUIDs are case-insensitive, so one canonical case.</summary>
    public static string NormalizeOrderId(string orderId) => orderId.ToLowerInvariant();

    public static void ValidateLines(IReadOnlyList<OrderLineData> lines)
    {
        if (lines.Count == 0)
        {
            throw RestaurantException.Invalid("lines: an order needs at least one line");
        }

        if (lines.Count > MaxLines)
        {
            throw RestaurantException.Invalid($"lines: an order has at most {MaxLines} lines, this one has {lines.Count}");
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var at = $"lines[{i}]";
            if (string.IsNullOrEmpty(line.MenuItemId))
            {
                throw RestaurantException.Invalid($"{at}.menu_item_id is required");
            }

            if (!IsValidId(line.MenuItemId))
            {
                throw RestaurantException.Invalid($"{at}.menu_item_id '{Shorten(line.MenuItemId)}' is not a valid id");
            }

            if (line.Quantity is < 1 or > MaxQuantity)
            {
                throw RestaurantException.Invalid($"{at}.quantity must be 1 to {MaxQuantity}, was {line.Quantity} (item '{line.MenuItemId}')");
            }

            if (line.Course is < 1 or > MaxCourse)
            {
                throw RestaurantException.Invalid($"{at}.course must be 1 to {MaxCourse} (0 means 1), was {line.Course} (item '{line.MenuItemId}')");
            }

            if (line.Note.Length > MaxNoteLength)
            {
                throw RestaurantException.Invalid($"{at}.note is {line.Note.Length} characters, at most {MaxNoteLength} (item '{line.MenuItemId}')");
            }

            if (line.Modifiers.Count > MaxModifiers)
            {
                throw RestaurantException.Invalid($"{at}.modifiers: at most {MaxModifiers}, this line has {line.Modifiers.Count} (item '{line.MenuItemId}')");
            }

            for (var m = 0; m < line.Modifiers.Count; m++)
            {
                var modifier = line.Modifiers[m];
                if (string.IsNullOrWhiteSpace(modifier))
                {
                    throw RestaurantException.Invalid($"{at}.modifiers[{m}] is empty (item '{line.MenuItemId}')");
                }

                if (modifier.Length > MaxModifierLength)
                {
                    throw RestaurantException.Invalid($"{at}.modifiers[{m}] is {modifier.Length} characters, at most {MaxModifierLength} (item '{line.MenuItemId}')");
                }
            }
        }
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
