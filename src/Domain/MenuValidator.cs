using Restaurant.Domain.Locations;

namespace Restaurant.Domain;

/// <summary>
/// The one check of an order's lines against a menu's shape: a modifier the dish does not allow
/// (INVALID_ARGUMENT), then an unknown item (NOT_FOUND). Placing, a round and an explanation all check
/// here; what changes during service (86, counts, a closed location) the scripts check atomically,
/// and the place script refuses a menu hash that is no longer current.
/// </summary>
public static class MenuValidator
{
    public static void Check(IReadOnlyList<OrderLineData> lines, LocationDefinition location)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (location.FindItem(lines[i].MenuItemId) is { } item)
            {
                for (var m = 0; m < lines[i].Modifiers.Count; m++)
                {
                    if (!location.Allows(item, lines[i].Modifiers[m]))
                    {
                        throw Refusals.NotAModifier(i, m, lines[i].Modifiers[m], item.Id);
                    }
                }
            }
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (location.FindItem(lines[i].MenuItemId) is null)
            {
                throw Refusals.UnknownItem(location.Id, lines[i].MenuItemId);
            }
        }
    }
}
