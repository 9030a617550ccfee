using System.Security.Cryptography;
using System.Text;

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
    public static string Fingerprint(IReadOnlyList<OrderLineData> lines, bool rush = false)
    {
        var text = new StringBuilder(rush ? "rush\u001d" : "");
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
}
