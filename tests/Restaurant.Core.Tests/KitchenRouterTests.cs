using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;

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

public class ModifierRoutingTests
{
    private static readonly LocationDefinition Demo = SampleData.Demo;
    private const string OrderId = "0f8fad5b-d9cb-469f-a165-70867728950e";

    [Fact]
    public void AModifierWithAStationOfItsOwnIsMadeThereForItsDish()
    {
        var tickets = KitchenRouter.Route(OrderId, [new OrderLineData("classic-burger", 2, ["Side Salad", "no onion"], "")], Demo, 1000);

        Assert.Equal(["grill", "cold", "expo"], tickets.Select(t => t.StationId));
        var salad = Assert.Single(tickets.Single(t => t.StationId == "cold").Items);
        Assert.Equal(("side salad", 2, "Classic Burger", 150), (salad.Name, salad.Quantity, salad.ForItem, salad.PrepSeconds));
        var burger = Assert.Single(tickets.Single(t => t.StationId == "grill").Items);
        Assert.Equal(["Side Salad", "no onion"], burger.Modifiers);
        Assert.Single(tickets.Single(t => t.StationId == "expo").Items);
    }

    [Fact]
    public void AnAllergyTravelsWithEveryPartOfTheDish()
    {
        var tickets = KitchenRouter.Route(OrderId, [new OrderLineData("ribeye", 1, ["side of fries", "nut allergy"], "")], Demo, 1000);

        Assert.All(tickets, t => Assert.All(t.Items, i => Assert.Equal(["NUT ALLERGY"], i.AllergyList)));
        Assert.Equal(["grill", "fryer", "expo"], tickets.Select(t => t.StationId));
    }

    [Fact]
    public void EachTicketTurnsWarningAndLateByItsStationsThresholds()
    {
        var tickets = KitchenRouter.Route(OrderId, [new OrderLineData("house-lager", 1, [], ""), new OrderLineData("ribeye", 1, [], "")], Demo, 1_000_000);

        var bar = tickets.Single(t => t.StationId == "bar");
        Assert.Equal((180, 300), (bar.WarnSeconds, bar.LateSeconds));
        var grill = tickets.Single(t => t.StationId == "grill");
        Assert.Equal((600, 900), (grill.WarnSeconds, grill.LateSeconds));
    }

    [Fact]
    public void TheExplanationNamesTheRuleForEveryLineAndModifier()
    {
        var decisions = KitchenRouter.Explain([new OrderLineData("classic-burger", 1, ["side salad", "no onion"], "")], Demo);

        Assert.Contains(decisions, d => d is { Modifier: null, StationId: "grill" } && d.Rule.Contains("(menu)"));
        Assert.Contains(decisions, d => d is { Modifier: "side salad", StationId: "cold", OwnItem: true } && d.Rule.Contains("modifier rule"));
        Assert.Contains(decisions, d => d is { Modifier: "no onion", StationId: "grill", OwnItem: false });
        Assert.Contains(decisions, d => d.StationId == "expo");
    }

    [Fact]
    public void AModifierTheDishDoesNotAllowIsRefusedNamingTheLine()
    {
        var ex = Assert.Throws<RestaurantException>(() => MenuValidator.Check(
            [new OrderLineData("house-lager", 1, [], ""), new OrderLineData("espresso", 1, ["extra cheese"], "")], Demo));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("lines[1].modifiers", ex.Message);
        Assert.Contains("extra cheese", ex.Message);
        MenuValidator.Check([new OrderLineData("espresso", 1, ["DOUBLE SHOT", "Gluten Allergy"], "")], Demo);
    }
}

public class CourseRoutingTests
{
    private static readonly LocationDefinition Demo = SampleData.Demo;
    private const string OrderId = "0f8fad5b-d9cb-469f-a165-70867728950e";

    [Fact]
    public void EachCourseOfAStationIsATicketOfItsOwnAndExpoHoldsTheWholeOrder()
    {
        var tickets = KitchenRouter.Route(
            OrderId,
            [new OrderLineData("caesar-salad", 1, [], ""), new OrderLineData("ribeye", 1, [], "", 2), new OrderLineData("classic-burger", 1, ["side salad"], "", 2), new OrderLineData("tiramisu", 2, [], "", 3)],
            Demo,
            1000);

        Assert.Equal(
            [$"{OrderId}:cold", $"{OrderId}:grill:2", $"{OrderId}:cold:2", $"{OrderId}:dessert:3", $"{OrderId}:expo"],
            tickets.Select(t => t.TicketId));
        Assert.Equal([1, 2, 2, 3, 1], tickets.Select(t => t.Course));
        Assert.Equal([1, 2, 2, 3], tickets[^1].Items.Select(i => i.Course));
        Assert.Equal((OrderId, "grill", 2), TicketIds.Parse($"{OrderId}:grill:2"));
        Assert.Equal((OrderId, "grill", 1), TicketIds.Parse($"{OrderId}:grill"));
        Assert.Null(TicketIds.Parse("nonsense"));
    }

    [Fact]
    public void FireByPrepTimeStartsTheLongestItemNowAndTheRestSoTheCourseFinishesTogether()
    {
        var tickets = KitchenRouter.Route(
            OrderId,
            [new OrderLineData("ribeye", 1, [], ""), new OrderLineData("caesar-salad", 1, [], ""), new OrderLineData("french-fries", 1, [], ""), new OrderLineData("tiramisu", 1, [], "", 2)],
            Demo,
            1000);

        var delays = tickets.Where(t => t.StationId != "expo").SelectMany(t => t.Items).ToDictionary(i => i.MenuItemId, i => i.StartDelaySeconds);
        Assert.Equal(0, delays["ribeye"]);
        Assert.Equal(720 - 180, delays["caesar-salad"]);
        Assert.Equal(720 - 240, delays["french-fries"]);
        Assert.Equal(0, delays["tiramisu"]);
    }

    [Fact]
    public void WithoutFireByPrepTimeEverythingStartsAtOnce()
    {
        var location = Demo with { Settings = new LocationSettings(FireByPrepTime: false) };
        var tickets = KitchenRouter.Route(OrderId, [new OrderLineData("ribeye", 1, [], ""), new OrderLineData("caesar-salad", 1, [], "")], location, 1000);

        Assert.All(tickets.SelectMany(t => t.Items), i => Assert.Equal(0, i.StartDelaySeconds));
    }
}
