using Restaurant.Domain;
using Restaurant.Domain.Incidents;
using Restaurant.Domain.Locations;

namespace Restaurant.Core.Tests;

/// <summary>What counts as an incident, and under which cause key, from what a location looks like. Pure, so tested here without Redis.</summary>
public class IncidentRuleTests
{
    private static readonly LocationDefinition Demo = SampleData.Demo;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-02T19:00:00Z");
    private static readonly IncidentThresholds Thresholds = new(TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(2), 3);

    private static LocationFacts Facts(
        IReadOnlyList<StationFacts>? stations = null, IReadOnlySet<string>? eightySixed = null, IReadOnlyDictionary<string, int>? counts = null,
        IReadOnlyList<AwaitingFact>? awaiting = null) =>
        new(Now, stations ?? [], eightySixed ?? new HashSet<string>(), counts ?? new Dictionary<string, int>(), awaiting ?? [], []);

    private static OpenTicketFact Ticket(string station, TimeSpan age, bool shown, int number = 7) =>
        new($"0f8fad5b-d9cb-469f-a165-70867728950e:{station}", "0f8fad5b-d9cb-469f-a165-70867728950e", Now - age, shown ? Now - age : null, number);

    [Fact]
    public void ATicketOnNoScreenPastItsStationsTimeAndALateOneAreIncidentsButExposOwnTicketIsNeverLate()
    {
        var watched = new Dictionary<string, DateTimeOffset> { ["grill-1"] = Now.AddSeconds(-1) };
        var causes = IncidentRules.Find(
            Facts([
                new StationFacts("grill", [Ticket("grill", TimeSpan.FromSeconds(31), shown: false), Ticket("grill", TimeSpan.FromMinutes(16), shown: true)], watched),
                new StationFacts("expo", [Ticket("expo", TimeSpan.FromMinutes(30), shown: true)], watched),
            ]),
            Demo,
            Thresholds);

        Assert.Equal(
            [(IncidentKind.TicketNotShown, IncidentSeverity.Critical), (IncidentKind.TicketLate, IncidentSeverity.Warning)],
            causes.Select(c => (c.Kind, c.Severity)));
        Assert.Equal("Order #7's ticket at Grill has been on no screen for 31 s.", causes[0].Message);
        Assert.Equal("Order #7 at Grill is late: open 16 min, late after 15 min.", causes[1].Message);
    }

    [Fact]
    public void AStationIsUnwatchedOnlyWithOpenTicketsAndNoScreenSeenRecentlyAndEachGoneScreenIsItsOwnCause()
    {
        var gone = new Dictionary<string, DateTimeOffset> { ["fryer-1"] = Now.AddSeconds(-20), ["fryer-2"] = Now.AddSeconds(-16) };

        var withTickets = IncidentRules.Find(Facts([new StationFacts("fryer", [Ticket("fryer", TimeSpan.FromSeconds(2), shown: true)], gone)]), Demo, Thresholds);
        var empty = IncidentRules.Find(Facts([new StationFacts("fryer", [], new Dictionary<string, DateTimeOffset>())]), Demo, Thresholds);

        Assert.Equal(["screen_gone:fryer:fryer-1", "screen_gone:fryer:fryer-2", "station_unwatched:fryer"], withTickets.Select(c => c.Cause));
        Assert.Equal("Fryer has 1 open ticket and no screen showing them.", withTickets[2].Message);
        Assert.Empty(empty);
    }

    [Fact]
    public void An86ACountNearlyOutAndADeliveryNearItsDeadlineAreIncidents()
    {
        var causes = IncidentRules.Find(
            Facts(
                eightySixed: new HashSet<string> { "ribeye" },
                counts: new Dictionary<string, int> { ["lemonade"] = 3, ["margherita"] = 4, ["ribeye"] = 0 },
                awaiting: [new AwaitingFact("6760301c-7e27-80e4-bdc7-2025b3a15d45", Now.AddSeconds(90), 12, "deliveroo", "Ana P."), new AwaitingFact("x", Now.AddMinutes(5), 13, "", "")]),
            Demo,
            Thresholds);

        Assert.Equal(["item_86:ribeye", "item_low:lemonade", "accept_deadline:6760301c-7e27-80e4-bdc7-2025b3a15d45"], causes.Select(c => c.Cause));
        Assert.Equal("Delivery order #12 (deliveroo · Ana P.) must be accepted by 19:01:30, or it is denied.", causes[2].Message);
    }

    [Fact]
    public void WithoutALiveWorkerOrWithOrdersWaitingTheServiceRaisesWhatNoWorkerCan()
    {
        var causes = IncidentRules.FindWithoutWorkers(Now, anyWorkerAlive: false, TimeSpan.FromSeconds(10), Now.AddSeconds(-12), TimeSpan.FromSeconds(10));
        var fine = IncidentRules.FindWithoutWorkers(Now, anyWorkerAlive: true, TimeSpan.FromSeconds(10), Now.AddSeconds(-3), TimeSpan.FromSeconds(10));

        Assert.Equal(["service:no_worker", "service:queue_lag"], causes.Select(c => c.Cause));
        Assert.Contains("the oldest has waited 12 s", causes[1].Message);
        Assert.Empty(fine);
    }

    [Fact]
    public void TheSummaryCountsEachKindPerBusinessDayWithHowLongItWasOpen()
    {
        var cause = new IncidentCause("item_86:ribeye", IncidentKind.ItemEightySixed, IncidentSeverity.Info, "Ribeye is 86'd.");
        var incidents = new[]
        {
            new IncidentData("1-0", "demo", cause, Now.AddHours(-1), Now.AddMinutes(-30), "manager", Now.AddMinutes(-50)),
            new IncidentData("2-0", "demo", cause, Now.AddMinutes(-10)),
        };

        var day = Assert.Single(IncidentRules.Summarize(incidents, Demo.Options, Now));

        Assert.Equal(("20261202", IncidentKind.ItemEightySixed, 2, TimeSpan.FromMinutes(40), 1), (day.Day, day.Kind, day.Count, day.OpenFor, day.Acknowledged));
    }

    [Fact]
    public void ATicketPrintsWhenNoScreenShowedItInTimeOrSoonerAtAStationWithNoLiveScreenAndNeverTwice()
    {
        var location = Demo with { Stations = [.. Demo.Stations.Select(s => s.Id == "grill" ? s with { Printer = "10.0.0.31:9100", ShowWithinSeconds = 30 } : s)] };
        var live = new Dictionary<string, DateTimeOffset> { ["grill-1"] = Now.AddSeconds(-1) };
        var none = new Dictionary<string, DateTimeOffset>();
        LocationFacts Grill(Dictionary<string, DateTimeOffset> watchers, params OpenTicketFact[] tickets) => Facts([new StationFacts("grill", tickets, watchers), new StationFacts("fryer", [Ticket("fryer", TimeSpan.FromMinutes(5), shown: false)], none)]);

        var watchedYoung = IncidentRules.ToPrint(Grill(live, Ticket("grill", TimeSpan.FromSeconds(10), shown: false)), location, Thresholds);
        var watchedLate = IncidentRules.ToPrint(Grill(live, Ticket("grill", TimeSpan.FromSeconds(31), shown: false)), location, Thresholds);
        var unwatchedNew = IncidentRules.ToPrint(Grill(none, Ticket("grill", TimeSpan.FromSeconds(1), shown: false)), location, Thresholds);
        var unwatched = IncidentRules.ToPrint(Grill(none, Ticket("grill", TimeSpan.FromSeconds(4), shown: false)), location, Thresholds);
        var printed = IncidentRules.ToPrint(Grill(none, Ticket("grill", TimeSpan.FromSeconds(40), shown: false) with { PrintedAt = Now.AddSeconds(-5) }), location, Thresholds);

        Assert.Empty(watchedYoung);
        Assert.Equal("grill", Assert.Single(watchedLate).Station.Id);
        Assert.Empty(unwatchedNew);
        Assert.Single(unwatched);
        Assert.Empty(printed);
    }
}
