using Restaurant.Core.Locations;
using Restaurant.Domain.Locations;

namespace Restaurant.Core.Tests;

internal static class SampleData
{
    public static LocationDefinition Demo { get; } = Load("demo");

    public static LocationDefinition Load(string id)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "locations", id + ".json");
        return LocationLoader.Parse(File.ReadAllText(path), path);
    }
}

public class SampleDataTests
{
    [Fact]
    public void TheDemoRestaurantHasEveryKindOfStationAndAFullMenu()
    {
        var demo = SampleData.Demo;
        Assert.Equal("demo", demo.Id);
        foreach (var station in new[] { "grill", "fryer", "saute", "cold", "pizza", "bar", "dessert", "expo" })
        {
            Assert.NotNull(demo.FindStation(station));
        }

        Assert.True(demo.Items.Count >= 30, $"the demo menu has {demo.Items.Count} items");
        Assert.All(demo.Stations.Where(s => !s.IsExpo), s => Assert.Contains(demo.Items, i => i.Station == s.Id));
    }

    [Fact]
    public void ALocationFileWithMistakesIsRefusedWithEachProblemNamed()
    {
        const string json = """
            { "id": "bad", "name": "Bad", "stations": [ { "id": "grill", "name": "Grill" } ],
              "items": [ { "id": "burger", "name": "Burger", "station": "fryer", "prep_seconds": 0 } ] }
            """;
        var ex = Assert.Throws<InvalidDataException>(() => LocationLoader.Parse(json, "bad.json"));
        Assert.Contains("expo", ex.Message);
        Assert.Contains("unknown station 'fryer'", ex.Message);
        Assert.Contains("prep_seconds", ex.Message);
    }

    [Fact]
    public void ModifiersMustBeDefinedAndMadeAtACookingStation()
    {
        const string json = """
            { "id": "bad", "name": "Bad",
              "stations": [ { "id": "grill", "name": "Grill" }, { "id": "expo", "name": "Expo", "is_expo": true } ],
              "modifiers": [ { "name": "side salad", "station": "expo", "prep_seconds": 60 } ],
              "items": [ { "id": "burger", "name": "Burger", "station": "grill", "prep_seconds": 300, "modifiers": [ "no pickles" ] } ] }
            """;
        var ex = Assert.Throws<InvalidDataException>(() => LocationLoader.Parse(json, "bad.json"));
        Assert.Contains("'no pickles', which is not defined", ex.Message);
        Assert.Contains("'side salad' routes to 'expo'", ex.Message);
    }

    [Fact]
    public void ANameWithAControlCharacterIsRefusedNamingIt()
    {
        var broken = SampleData.Demo with
        {
            Items = [.. SampleData.Demo.Items.Select(i => i.Id == "ribeye" ? i with { Name = "Ribeye\u001b[2J" } : i)],
        };

        var problems = LocationValidator.Problems(broken);

        Assert.Contains(problems, p => p.Contains("menu item 'ribeye' name", StringComparison.Ordinal) && p.Contains("U+001B", StringComparison.Ordinal));
        Assert.Empty(LocationValidator.Problems(SampleData.Demo));
    }
}
