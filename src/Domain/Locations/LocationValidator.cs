using Restaurant.Domain;
using Restaurant.Domain.Kitchen;

namespace Restaurant.Domain.Locations;

/// <summary>Checks a location's data file before it is loaded, so a typo never reaches a kitchen.</summary>
public static class LocationValidator
{
    /// <summary>The longest name of a location, station or menu item, in characters.</summary>
    private const int MaxNameLength = 80;

    public static IReadOnlyList<string> Problems(LocationDefinition location)
    {
        var problems = new List<string>();
        if (!OrderValidator.IsValidId(location.Id))
        {
            problems.Add($"location id '{location.Id}' is not a valid id");
        }

        // Names reach every screen and ticket: printable text only, as for what a POS sends.
        var names = new[] { ("location name", location.Name) }
            .Concat(location.Stations.Select(st => ($"station '{st.Id}' name", st.Name)))
            .Concat(location.Items.Select(i => ($"menu item '{i.Id}' name", i.Name)))
            .Concat(location.ModifierList.Select(m => ($"modifier '{OrderValidator.Shorten(m.Name)}' name", m.Name)));
        foreach (var (what, name) in names)
        {
            if (OrderValidator.TextProblem(name ?? "", MaxNameLength) is { } problem)
            {
                problems.Add($"{what} {problem}");
            }
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

        foreach (var dup in location.ModifierList.GroupBy(m => m.Key).Where(g => g.Count() > 1))
        {
            problems.Add($"modifier '{dup.Key}' is defined twice");
        }

        foreach (var modifier in location.ModifierList)
        {
            if (string.IsNullOrWhiteSpace(modifier.Name) || modifier.Name.Length > OrderValidator.MaxModifierLength)
            {
                problems.Add($"modifier '{modifier.Name}' needs a name of 1 to {OrderValidator.MaxModifierLength} characters");
            }

            if (modifier.Station is not null)
            {
                var station = location.FindStation(modifier.Station);
                if (station is null || station.IsExpo)
                {
                    problems.Add($"modifier '{modifier.Name}' routes to '{modifier.Station}', which is not a cooking station");
                }

                if (modifier.PrepSeconds <= 0)
                {
                    problems.Add($"modifier '{modifier.Name}' is made at '{modifier.Station}' and needs a positive prep_seconds");
                }
            }
        }

        foreach (var station in location.Stations.Where(s => s.Screens is not (StationDefinition.Mirrored or StationDefinition.Balanced)))
        {
            problems.Add($"station '{station.Id}' has screens '{station.Screens}': mirrored or balanced");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(location.Options.TimeZone, out _))
        {
            problems.Add($"settings.time_zone '{location.Options.TimeZone}' is not a known time zone (an IANA name such as America/Chicago)");
        }

        if (location.Options.DayStartsHour is < 0 or > 23)
        {
            problems.Add("settings.day_starts_hour must be 0 to 23");
        }

        if (location.Options.ScreenTimeoutSeconds < 1)
        {
            problems.Add("settings.screen_timeout_seconds must be at least 1");
        }

        foreach (var station in location.Stations.Where(s => s.WarnSeconds <= 0 || s.LateSeconds < s.WarnSeconds))
        {
            problems.Add($"station '{station.Id}' needs 0 < warn_seconds <= late_seconds");
        }

        foreach (var station in location.Stations.Where(s => s.Printer is not null && !PrinterAddress.TryParse(s.Printer, out _, out _)))
        {
            problems.Add($"station '{station.Id}' has printer '{station.Printer}'; it is host:port, such as 10.0.0.31:9100");
        }

        foreach (var station in location.Stations.Where(s => s.ShowWithinSeconds is < 1 or > 3600))
        {
            problems.Add($"station '{station.Id}' has show_within_seconds {station.ShowWithinSeconds}; it is 1 to 3600");
        }

        foreach (var item in location.Items)
        {
            foreach (var name in item.AllowedModifiers.Where(m => location.FindModifier(m) is null))
            {
                problems.Add($"menu item '{item.Id}' allows modifier '{name}', which is not defined under modifiers");
            }

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

        foreach (var (platform, delivery) in location.DeliveryPlatforms)
        {
            if (!OrderValidator.IsValidId(platform))
            {
                problems.Add($"delivery platform '{platform}' is not a valid id");
            }

            if (delivery.Accept is not (DeliveryPlatformDefinition.Automatic or DeliveryPlatformDefinition.Manual))
            {
                problems.Add($"delivery platform '{platform}' has accept '{delivery.Accept}'; it is '{DeliveryPlatformDefinition.Automatic}' or '{DeliveryPlatformDefinition.Manual}'");
            }

            if (delivery.AcceptWithinSeconds is < 1 or > 3600)
            {
                problems.Add($"delivery platform '{platform}' has accept_within_seconds {delivery.AcceptWithinSeconds}; it is 1 to 3600");
            }

            foreach (var (theirs, ours) in delivery.Items)
            {
                if (location.FindItem(ours) is null)
                {
                    problems.Add($"delivery platform '{platform}' maps its item '{theirs}' to '{ours}', which is not on the menu");
                }
            }
        }

        return problems;
    }
}
