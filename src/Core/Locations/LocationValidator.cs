using Restaurant.Core.Domain;

namespace Restaurant.Core.Locations;

/// <summary>Checks a location's data file before it is loaded, so a typo never reaches a kitchen.</summary>
public static class LocationValidator
{
    public static IReadOnlyList<string> Problems(LocationDefinition location)
    {
        var problems = new List<string>();
        if (!OrderValidator.IsValidId(location.Id))
        {
            problems.Add($"location id '{location.Id}' is not a valid id");
        }

        if (location.Stations.Count(s => s.IsExpo) != 1)
        {
            problems.Add("a location needs exactly one expo station (is_expo: true)");
        }

        foreach (var dup in location.Stations.GroupBy(s => s.Id).Where(g => g.Count() > 1))
        {
            problems.Add($"station '{dup.Key}' is defined twice");
        }

        foreach (var station in location.Stations.Where(s => !OrderValidator.IsValidId(s.Id)))
        {
            problems.Add($"station id '{station.Id}' is not a valid id");
        }

        foreach (var dup in location.Items.GroupBy(i => i.Id).Where(g => g.Count() > 1))
        {
            problems.Add($"menu item '{dup.Key}' is defined twice");
        }

        foreach (var item in location.Items)
        {
            if (!OrderValidator.IsValidId(item.Id))
            {
                problems.Add($"menu item id '{item.Id}' is not a valid id");
            }

            var station = location.FindStation(item.Station);
            if (station is null)
            {
                problems.Add($"menu item '{item.Id}' routes to unknown station '{item.Station}'");
            }
            else if (station.IsExpo)
            {
                problems.Add($"menu item '{item.Id}' routes to the expo station; items are made at cooking stations");
            }

            if (item.PrepSeconds <= 0)
            {
                problems.Add($"menu item '{item.Id}' needs a positive prep_seconds");
            }
        }

        return problems;
    }
}
