using System.Security.Cryptography;
using System.Text;
using Restaurant.Domain.Locations;

namespace Restaurant.Domain;

/// <summary>Decisions about an order's content, pure so they are tested without a store.</summary>
public static class OrderRules
{
    /// <summary>
    /// What an order's lines take of each item, in the order the items first appear; voided lines take
    /// nothing (they gave their counts back when they were voided). A cancel gives exactly this back.
    /// </summary>
    public static IReadOnlyList<(string Item, int Quantity)> Taken(IReadOnlyList<OrderLineData> lines) =>
        [.. lines.Where(l => !l.Voided).GroupBy(l => l.MenuItemId, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(l => l.Quantity)))];

    /// <summary>
    /// Identifies an order's content for idempotency: rush, then lines, quantities, modifiers, notes and
    /// courses, in order. The same order sent again has the same fingerprint.
    /// </summary>
    public static string Fingerprint(IReadOnlyList<OrderLineData> lines, bool rush = false, DateTimeOffset? pickupAt = null)
    {
        var text = new StringBuilder(rush ? "rush\u001d" : "");
        if (pickupAt is { } pickup)
        {
            text.Append("pickup ").Append(pickup.ToUnixTimeSeconds()).Append('\u001d');
        }

        foreach (var line in lines)
        {
            text.Append(line.MenuItemId).Append('\u001f').Append(line.Quantity).Append('\u001f');
            foreach (var modifier in line.Modifiers)
            {
                text.Append(modifier).Append('\u001e');
            }

            text.Append('\u001f').Append(line.Note);
            if (line.Course != 1)
            {
                text.Append('\u001f').Append(line.Course);
            }

            text.Append('\u001d');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// How long the first course takes from firing to the pass: its slowest dish, or a modifier made as
    /// an item of its own (with fire by prep time, everything else starts later and finishes with it).
    /// </summary>
    public static int LongestPrepSeconds(IReadOnlyList<OrderLineData> lines, LocationDefinition location)
    {
        var first = lines.Where(l => !l.Voided).Select(l => l.Course).DefaultIfEmpty(1).Min();
        var longest = 0;
        foreach (var line in lines.Where(l => !l.Voided && l.Course == first))
        {
            longest = Math.Max(longest, location.FindItem(line.MenuItemId)?.PrepSeconds ?? 0);
            foreach (var modifier in line.Modifiers.Select(location.FindModifier))
            {
                if (modifier is { Station: not null })
                {
                    longest = Math.Max(longest, modifier.PrepSeconds);
                }
            }
        }

        return longest;
    }

    /// <summary>When an order for <paramref name="pickupAt"/> goes to the kitchen: pickup minus its longest prep, never before now.</summary>
    public static DateTimeOffset FireAt(IReadOnlyList<OrderLineData> lines, LocationDefinition location, DateTimeOffset pickupAt, DateTimeOffset now)
    {
        var fire = pickupAt - TimeSpan.FromSeconds(LongestPrepSeconds(lines, location));
        return fire > now ? fire : now;
    }
}
