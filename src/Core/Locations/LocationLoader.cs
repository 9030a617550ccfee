using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Restaurant.Core.Domain;
using Restaurant.Core.Redis;

namespace Restaurant.Core.Locations;

public sealed class LocationOptions
{
    public const string Section = "Restaurant:Locations";

    /// <summary>The folder of location data files, one <c>{id}.json</c> per location.</summary>
    public string DataPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "locations");
}

/// <summary>
/// Loads every location data file into Redis. Loading the same file again changes nothing; a changed
/// file replaces that location's menu (86 marks of items still on it survive).
/// </summary>
public sealed partial class LocationLoader(RedisStore store, IOptions<LocationOptions> options, ILogger<LocationLoader> logger)
{
    public static LocationDefinition Parse(string json, string source)
    {
        LocationDefinition? location;
        try
        {
            location = JsonSerializer.Deserialize(json, CoreJson.Default.LocationDefinition);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }

        if (location is null)
        {
            throw new InvalidDataException($"{source}: empty location file");
        }

        var problems = LocationValidator.Problems(location);
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
        }

        return location;
    }

    public async Task<IReadOnlyList<LocationDefinition>> LoadAllAsync(CancellationToken cancellationToken = default)
    {
        var folder = options.Value.DataPath;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"location data folder '{folder}' does not exist (Restaurant:Locations:DataPath)");
        }

        var loaded = new List<LocationDefinition>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var location = Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), file);
            var changed = await store.LoadLocationAsync(location, cancellationToken).ConfigureAwait(false);
            Log.Loaded(logger, location.Id, location.Items.Count, location.Stations.Count, changed ? "loaded" : "unchanged");
            loaded.Add(location);
        }

        return loaded;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Location {Location}: {Items} menu items, {Stations} stations ({Outcome})")]
        public static partial void Loaded(ILogger logger, string location, int items, int stations, string outcome);
    }
}
