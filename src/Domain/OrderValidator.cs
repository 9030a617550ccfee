using System.Globalization;
using System.Text.RegularExpressions;

namespace Restaurant.Domain;

/// <summary>
/// The shape checks of the contract, run before anything touches Redis: a request that fails them is
/// malformed (INVALID_ARGUMENT) whatever the menu says.
/// </summary>
public static partial class OrderValidator
{
    private const int MaxLines = 100;
    private const int MaxQuantity = 99;
    private const int MaxNoteLength = 200;
    private const int MaxModifiers = 20;
    public const int MaxModifierLength = 50;
    private const int MaxIdLength = 64;
    public const int MaxCourse = 9;

    // \z, not $: in .NET '$' also matches before a final newline, so "demo\n" would pass as an id.
    [GeneratedRegex(@"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\z")]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9_-]{0,63}\z")]
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

    /// <summary>Order ids: a UUID in its canonical 8-4-4-4-12 form, in either case.</summary>
    public static bool IsValidOrderId(string? value) => value is not null && UuidPattern().IsMatch(value);

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

    /// <summary>The longest guest name, in characters a person sees.</summary>
    public const int MaxGuestNameLength = 40;

    /// <summary>INVALID_ARGUMENT naming <paramref name="field"/> for a guest name that is too long or holds control characters.</summary>
    public static void ValidateGuestName(string name, string field = "guest_name")
    {
        if (TextProblem(name, MaxGuestNameLength) is { } problem)
        {
            throw RestaurantException.Invalid($"{field} {problem}");
        }
    }

    /// <summary>How far ahead an order may be placed for later.</summary>
    public static readonly TimeSpan MaxPickupAhead = TimeSpan.FromDays(7);

    /// <summary>
    /// INVALID_ARGUMENT naming <paramref name="field"/> for a pickup time further ahead than
    /// <see cref="MaxPickupAhead"/>. One already past is not refused: the order fires at once.
    /// </summary>
    public static void ValidatePickup(DateTimeOffset? pickupAt, DateTimeOffset now, string field = "pickup_at")
    {
        if (pickupAt is { } pickup && pickup - now > MaxPickupAhead)
        {
            throw RestaurantException.Invalid($"{field} {pickup:u} is more than {MaxPickupAhead.TotalDays:0} days ahead");
        }
    }

    /// <summary>The longest reason a POS or manager may give for denying an order.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>INVALID_ARGUMENT naming <paramref name="field"/> for a reason that is too long or holds control characters.</summary>
    public static void ValidateReason(string reason, string field = "reason")
    {
        if (TextProblem(reason, MaxReasonLength) is { } problem)
        {
            throw RestaurantException.Invalid($"{field} {problem}");
        }
    }

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

            if (TextProblem(line.Note, MaxNoteLength) is { } noteProblem)
            {
                throw RestaurantException.Invalid($"{at}.note {noteProblem} (item '{line.MenuItemId}')");
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

                if (TextProblem(modifier, MaxModifierLength) is { } modifierProblem)
                {
                    throw RestaurantException.Invalid($"{at}.modifiers[{m}] {modifierProblem} (item '{line.MenuItemId}')");
                }
            }
        }
    }

    /// <summary>
    /// What is wrong with a text a person typed (a note, a modifier, a name), or null. Its length is
    /// counted as a person counts it, in characters as shown (grapheme clusters: an emoji, a family
    /// emoji, an accented letter are one each), with a hard bound of <see cref="StorageFactor"/> UTF-16
    /// units per character. Control characters (C0 such as newline, NUL and ESC, DEL, C1), line and
    /// paragraph separators, bidirectional overrides and lone surrogates are refused: a newline could
    /// split one modifier into two, and an escape sequence could rewrite a kitchen terminal.
    /// </summary>
    public static string? TextProblem(string value, int maxCharacters)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069')
            {
                return $"holds the control character U+{(int)c:X4} at position {i}; only printable text is allowed";
            }
        }

        var characters = value.Length <= maxCharacters ? value.Length : new StringInfo(value).LengthInTextElements;
        if (characters > maxCharacters)
        {
            return $"is {characters} characters, at most {maxCharacters}";
        }

        if (value.Length > maxCharacters * StorageFactor)
        {
            return $"is {value.Length} UTF-16 units long, at most {maxCharacters * StorageFactor}";
        }

        return null;
    }

    /// <summary>How many UTF-16 units one character may take at most (a family emoji takes 8).</summary>
    private const int StorageFactor = 10;

    /// <summary>A value as echoed in an error message: at most 80 characters, control characters shown as '?'.</summary>
    public static string Shorten(string value)
    {
        var cut = value.Length <= 80 ? value : value[..80] + "…";
        return string.Create(cut.Length, cut, (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }
}
