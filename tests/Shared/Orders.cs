using Restaurant.Contracts.V1;

namespace Restaurant.Testing;

/// <summary>Orders as a POS would build them.</summary>
public static class TestOrders
{
    public static OrderLine Line(string item, int quantity = 1, string note = "", params string[] modifiers)
    {
        var line = new OrderLine { MenuItemId = item, Quantity = quantity, Note = note };
        line.Modifiers.AddRange(modifiers);
        return line;
    }

    public static PlaceOrderRequest Order(string location, params OrderLine[] lines) => Order(location, Guid.NewGuid().ToString(), lines);

    public static PlaceOrderRequest Order(string location, string orderId, params OrderLine[] lines)
    {
        var request = new PlaceOrderRequest { LocationId = location, OrderId = orderId };
        request.Lines.AddRange(lines);
        return request;
    }

    /// <summary>A burger and fries with a beer: grill, fryer and bar, and expo.</summary>
    public static PlaceOrderRequest BurgerFriesBeer(string location) =>
        Order(location, Line("classic-burger", 2, "medium rare", "no onion"), Line("french-fries", 2), Line("house-lager", 1));
}
