using Restaurant.Domain.Locations;

namespace Restaurant.Domain;

/// <summary>
/// The menu checks of an order, in the order the place script makes them: a modifier the dish does
/// not allow (INVALID_ARGUMENT), then an unknown item (NOT_FOUND). For calls that check an order
/// without placing it; placing checks inside its script, atomically with the write.
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
