using Restaurant.Core.Domain;
using Restaurant.Core.Kitchen;
using Restaurant.Core.Locations;

namespace Restaurant.Core.Tests;

public class KitchenRouterTests
{
    private static readonly LocationDefinition Demo = SampleData.Demo;
    private const string OrderId = "0f8fad5b-d9cb-469f-a165-70867728950e";

    private static OrderLineData Line(string item, int quantity = 1, string note = "", params string[] modifiers) =>
        new(item, quantity, modifiers, note);

    [Fact]
    public void EachStationGetsOneTicketWithItsOwnItemsAndExpoGetsTheWholeOrder()
    {
        var tickets = KitchenRouter.Route(OrderId, [Line("classic-burger", 2), Line("french-fries"), Line("ribeye"), Line("house-lager")], Demo, 1000);

        Assert.Equal(["grill", "fryer", "bar", "expo"], tickets.Select(t => t.StationId));
        var grill = tickets.Single(t => t.StationId == "grill");
        Assert.Equal(["classic-burger", "ribeye"], grill.Items.Select(i => i.MenuItemId));
        Assert.Equal(2, grill.Items[0].Quantity);
        Assert.Equal("Classic Burger", grill.Items[0].Name);
        Assert.Equal(4, tickets.Single(t => t.StationId == "expo").Items.Count);
    }

    [Fact]
    public void TicketIdsDependOnlyOnOrderAndStationSoARedeliveryFindsThem()
    {
        var first = KitchenRouter.Route(OrderId, [Line("margherita"), Line("caesar-salad")], Demo, 1000);
        var again = KitchenRouter.Route(OrderId, [Line("margherita"), Line("caesar-salad")], Demo, 99_000);

        Assert.Equal(first.Select(t => t.TicketId), again.Select(t => t.TicketId));
        Assert.Equal($"{OrderId}:pizza", first.Single(t => t.StationId == "pizza").TicketId);
    }

    [Fact]
    public void ModifiersNotesAndPrepTimesTravelToTheTicket()
    {
        var tickets = KitchenRouter.Route(OrderId, [Line("classic-burger", 1, "well done please", "no onion", "NUT ALLERGY")], Demo, 1000);

        var item = tickets[0].Items.Single();
        Assert.Equal(["no onion", "NUT ALLERGY"], item.Modifiers);
        Assert.Equal("well done please", item.Note);
        Assert.Equal(480, item.PrepSeconds);
    }

    [Fact]
    public void AnItemThatLeftTheMenuCannotBeRouted()
    {
        var ex = Assert.Throws<UnroutableOrderException>(() => KitchenRouter.Route(OrderId, [Line("unicorn-steak")], Demo, 1000));
        Assert.Contains("unicorn-steak", ex.Message);
    }
}
