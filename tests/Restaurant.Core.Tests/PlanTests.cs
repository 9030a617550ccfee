using Restaurant.Domain;
using Restaurant.Domain.Kitchen;
using Restaurant.Domain.Locations;

namespace Restaurant.Core.Tests;

/// <summary>
/// The decisions the store only packs into a script: the route of an order, an amendment (a round, a
/// void), what a cancel gives back and the order's fingerprint. Pure, so tested here without Redis.
/// </summary>
public class PlanTests
{
    private static readonly LocationDefinition Demo = SampleData.Demo;
    private const string OrderId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static readonly DateTimeOffset Placed = DateTimeOffset.FromUnixTimeMilliseconds(1_000);

    private static OrderLineData Line(string item, int quantity = 1, int course = 1, int round = 0) => new(item, quantity, [], "", course, round);

    private static OrderData Order(params OrderLineData[] lines) =>
        new(OrderId, "demo", OrderState.Accepted, lines, Placed, Placed, [], Number: 42);

    /// <summary>The order as routing left it: its ticket ids, expo's last, and the bodies the store would hold.</summary>
    private static (OrderData Order, Dictionary<string, TicketBody> Bodies) Routed(OrderData order)
    {
        var plan = RoutePlan.For(order, Demo, 2_000, "trace-1");
        return (order with { Status = OrderState.InKitchen, TicketIds = [.. plan.Tickets.Select(t => t.TicketId)] },
            plan.Tickets.ToDictionary(t => t.TicketId, StringComparer.Ordinal));
    }

    private static AmendmentPlan Round(OrderData order, Dictionary<string, TicketBody> bodies, params OrderLineData[] added) =>
        AmendmentPlan.For(order, AmendmentPlan.AddRound(order, added), Demo, routed: true, bodies, 5_000, isRound: true);

    private static AmendmentPlan Void(OrderData order, Dictionary<string, TicketBody> bodies, params int[] lines) =>
        AmendmentPlan.For(order, AmendmentPlan.Void(order, lines), Demo, routed: true, bodies, 5_000, isRound: false);

    [Fact]
    public void ARouteHoldsTheCookingTicketsThenExpoAndHoldsTheLaterCourses()
    {
        var plan = RoutePlan.For(Order(Line("classic-burger"), Line("french-fries"), Line("tiramisu", course: 2)), Demo, 2_000, "trace-1");

        Assert.Equal([$"{OrderId}:grill", $"{OrderId}:fryer", $"{OrderId}:dessert:2", $"{OrderId}:expo"], plan.Tickets.Select(t => t.TicketId));
        Assert.Equal(["grill", "fryer", "dessert:2"], plan.CookingSuffixes);
        Assert.Equal([1, 2], plan.Courses);
        Assert.Equal([2], plan.HeldCourses);
        Assert.Equal("expo", plan.Expo.StationId);
        Assert.All(plan.Tickets, t => Assert.Equal((1_000L, "trace-1", 42), (t.PlacedAtMs, t.Trace, t.OrderNumber)));
        Assert.Equal(4, plan.ActiveTickets);
    }

    [Fact]
    public void ARouteLeavesOutAStationWhoseLinesWereAllVoidedBeforeRouting()
    {
        var order = Order(Line("classic-burger"), Line("french-fries") with { Voided = true });
        var plan = RoutePlan.For(order, Demo, 2_000, null);

        Assert.Equal(["grill"], plan.CookingSuffixes);
        Assert.Equal([$"{OrderId}:grill", $"{OrderId}:expo"], plan.Tickets.Select(t => t.TicketId));
        Assert.True(plan.Expo.Items.Single(i => i.MenuItemId == "french-fries").Voided);
    }

    [Fact]
    public void ARoundAtAStationTheOrderHasGrowsItsTicketAndTakesTheCount()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger")));

        var plan = Round(order, bodies, Line("ribeye", 2));

        Assert.Equal([("ribeye", 2)], plan.CountDeltas);
        Assert.Equal(1, plan.Lines[1].Round);
        var grill = plan.Tickets.Single(t => t.Body.StationId == "grill");
        Assert.Equal((TicketAmendmentKind.Update, true), (grill.Kind, grill.Grew));
        Assert.Equal(["classic-burger", "ribeye"], grill.Body.Items.Select(i => i.MenuItemId));
        Assert.Equal(bodies[grill.Body.TicketId].CreatedAtMs, grill.Body.CreatedAtMs);
        Assert.Equal((1_000L, "trace-1", 42), (grill.Body.PlacedAtMs, grill.Body.Trace, grill.Body.OrderNumber));
        var expo = plan.Tickets.Single(t => t.Body.StationId == "expo");
        Assert.Equal(TicketAmendmentKind.Update, expo.Kind);
        Assert.Equal(order.TicketIds, plan.TicketIds);
    }

    [Fact]
    public void ARoundAtANewStationMakesANewTicketWithoutAPlacingTimeAndLeavesTheOthersAlone()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger")));

        var plan = Round(order, bodies, Line("house-lager"));

        var bar = plan.Tickets.Single(t => t.Body.StationId == "bar");
        Assert.Equal((TicketAmendmentKind.New, true), (bar.Kind, bar.Grew));
        Assert.Equal(0, bar.Body.PlacedAtMs);
        Assert.Equal(42, bar.Body.OrderNumber);
        Assert.DoesNotContain(plan.Tickets, t => t.Body.StationId == "grill");
        Assert.Equal([$"{OrderId}:grill", $"{OrderId}:bar", $"{OrderId}:expo"], plan.TicketIds);
        Assert.Equal(["grill", "bar"], plan.CookingSuffixes);
    }

    [Fact]
    public void ARoundInALaterCourseMakesThatCoursesTicket()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger")));

        var plan = Round(order, bodies, Line("tiramisu", course: 2));

        Assert.Equal(TicketAmendmentKind.New, plan.Tickets.Single(t => t.Body.TicketId == $"{OrderId}:dessert:2").Kind);
        Assert.Equal(["grill", "dessert:2"], plan.CookingSuffixes);
    }

    [Fact]
    public void VoidingOneOfTwoLinesAtAStationUpdatesItsTicketAndGivesTheCountBack()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger"), Line("ribeye", 2)));

        var plan = Void(order, bodies, 1);

        Assert.Equal([("ribeye", -2)], plan.CountDeltas);
        var grill = plan.Tickets.Single(t => t.Body.StationId == "grill");
        Assert.Equal((TicketAmendmentKind.Update, false), (grill.Kind, grill.Grew));
        Assert.True(grill.Body.Items.Single(i => i.MenuItemId == "ribeye").Voided);
        Assert.Equal(order.TicketIds, plan.TicketIds);
    }

    [Fact]
    public void VoidingAStationsLastLineVoidsItsTicketAndLeavesTheOthersAlone()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger"), Line("french-fries")));

        var plan = Void(order, bodies, 1);

        Assert.Equal(TicketAmendmentKind.Void, plan.Tickets.Single(t => t.Body.StationId == "fryer").Kind);
        Assert.DoesNotContain(plan.Tickets, t => t.Body.StationId == "grill");
        Assert.Equal(TicketAmendmentKind.Update, plan.Tickets.Single(t => t.Body.StationId == "expo").Kind);
    }

    [Fact]
    public void VoidingEveryLineVoidsEveryCookingTicketButExposIsUpdated()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger"), Line("french-fries")));

        var plan = Void(order, bodies, 0, 1);

        Assert.All(plan.Tickets.Where(t => t.Body.StationId != "expo"), t => Assert.Equal(TicketAmendmentKind.Void, t.Kind));
        Assert.Equal(TicketAmendmentKind.Update, plan.Tickets.Single(t => t.Body.StationId == "expo").Kind);
        Assert.Equal([("classic-burger", -1), ("french-fries", -1)], plan.CountDeltas.OrderBy(d => d.Item));
    }

    [Fact]
    public void VoidingAVoidedLineChangesNothing()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger"), Line("french-fries")));
        var once = Void(order, bodies, 1);
        var voided = order with { Lines = once.Lines };
        var after = once.Tickets.ToDictionary(t => t.Body.TicketId, t => t.Body, StringComparer.Ordinal);
        foreach (var (id, body) in bodies.Where(b => !after.ContainsKey(b.Key)))
        {
            after[id] = body;
        }

        var twice = Void(voided, after, 1);

        Assert.Empty(twice.CountDeltas);
        Assert.Equal(["expo"], twice.Tickets.Select(t => t.Body.StationId));
    }

    [Fact]
    public void ARoundThatAddsAVoidedStationBackMakesItsTicketCookAgain()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger"), Line("french-fries")));
        var voided = Void(order, bodies, 1);
        var after = bodies.ToDictionary(b => b.Key, b => voided.Tickets.FirstOrDefault(t => t.Body.TicketId == b.Key)?.Body ?? b.Value, StringComparer.Ordinal);

        var plan = Round(order with { Lines = voided.Lines }, after, Line("french-fries"));

        var fryer = plan.Tickets.Single(t => t.Body.StationId == "fryer");
        Assert.Equal((TicketAmendmentKind.Update, true), (fryer.Kind, fryer.Grew));
        Assert.Equal([("french-fries", 1)], plan.CountDeltas);
    }

    [Fact]
    public void BeforeRoutingAnAmendmentChangesTheLinesAndCountsButNoTicket()
    {
        var order = Order(Line("classic-burger"));

        var plan = AmendmentPlan.For(order, AmendmentPlan.AddRound(order, [Line("house-lager")]), Demo, routed: false, new Dictionary<string, TicketBody>(), 5_000, isRound: true);

        Assert.Empty(plan.Tickets);
        Assert.Empty(plan.CookingSuffixes);
        Assert.Equal([("house-lager", 1)], plan.CountDeltas);
    }

    [Fact]
    public void ARoundIsCheckedAgainstTheMenuAndBoundedInLines()
    {
        var (order, bodies) = Routed(Order(Line("classic-burger")));

        var unknown = Assert.Throws<RestaurantException>(() => Round(order, bodies, Line("unicorn-steak")));
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
        Assert.Contains("unicorn-steak", unknown.Message);
        // Named as the request names it: the round's own first line.
        var bad = new OrderLineData("classic-burger", 1, ["extra unicorn"], "");
        Assert.Contains("lines[0].modifiers[0]", Assert.Throws<RestaurantException>(() => Round(order, bodies, bad)).Message);
        var many = Enumerable.Range(0, AmendmentPlan.MaxLinesInAll).Select(_ => Line("classic-burger")).ToArray();
        Assert.Contains("would pass 200", Assert.Throws<RestaurantException>(() => AmendmentPlan.AddRound(order, many)).Message);
    }

    [Fact]
    public void AVoidOfALineTheOrderDoesNotHaveNamesIt()
    {
        var ex = Assert.Throws<RestaurantException>(() => AmendmentPlan.Void(Order(Line("classic-burger")), [3]));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("no line 3", ex.Message);
    }

    [Fact]
    public void ACancelGivesBackWhatTheOpenLinesTookItemByItem()
    {
        var taken = OrderRules.Taken([Line("ribeye", 2), Line("classic-burger"), Line("ribeye"), Line("french-fries") with { Voided = true }]);

        Assert.Equal([("ribeye", 3), ("classic-burger", 1)], taken);
    }

    [Fact]
    public void TheFingerprintChangesWithAnythingTheKitchenWouldMakeDifferently()
    {
        OrderLineData[] lines = [new("classic-burger", 1, ["no onion"], "well done")];
        var same = OrderRules.Fingerprint(lines);

        Assert.Equal(same, OrderRules.Fingerprint([new("classic-burger", 1, ["no onion"], "well done")]));
        Assert.NotEqual(same, OrderRules.Fingerprint(lines, rush: true));
        Assert.NotEqual(same, OrderRules.Fingerprint([new("classic-burger", 2, ["no onion"], "well done")]));
        Assert.NotEqual(same, OrderRules.Fingerprint([new("classic-burger", 1, [], "well done")]));
        Assert.NotEqual(same, OrderRules.Fingerprint([new("classic-burger", 1, ["no onion"], "")]));
        Assert.NotEqual(same, OrderRules.Fingerprint([new("classic-burger", 1, ["no onion"], "well done", Course: 2)]));
        Assert.NotEqual(OrderRules.Fingerprint([new("a", 1, ["b"], "")]), OrderRules.Fingerprint([new("a", 1, [], "b")]));
    }

    [Fact]
    public void TicketIdsAreBuiltAndReadInOnePlace()
    {
        Assert.Equal($"{OrderId}:grill", TicketIds.Of(OrderId, "grill"));
        Assert.Equal($"{OrderId}:dessert:2", TicketIds.Of(OrderId, "dessert", 2));
        Assert.Equal("dessert:2", TicketIds.Suffix($"{OrderId}:dessert:2", OrderId));
        Assert.Equal($"{OrderId}:dessert:2", TicketIds.FromSuffix(OrderId, "dessert:2"));
        Assert.Equal((OrderId, "dessert", 2), TicketIds.Parse($"{OrderId}:dessert:2"));
        Assert.Equal("grill", TicketIds.StationOf($"{OrderId}:grill"));
        Assert.Null(TicketIds.Parse($"{OrderId}:grill:1"));
        Assert.Null(TicketIds.Parse($":grill:2"));
        Assert.Equal("", TicketIds.StationOf("nonsense"));
    }
}
