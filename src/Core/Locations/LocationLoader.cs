using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Locations;

namespace Restaurant.Core.Locations;

public sealed class LocationOptions
{
    public const string Section = "Restaurant:Locations";

    /// <summary>The folder of location data files, one <c>{id}.json</c> per location.</summary>
    public string DataPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "locations");

    /// <summary>
    /// How often the folder is looked at again: a new file opens a location, a changed one replaces its
    /// menu, a removed one closes it (no new orders; its kitchen finishes what it has). Zero: never.
    /// </summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Loads every location data file into Redis. Loading the same file again changes nothing; a changed
/// file replaces that location's menu (86 marks of items still on it survive).
/// </summary>
public sealed partial class LocationLoader(MenuStore menus, IOptions<LocationOptions> options, ILogger<LocationLoader> logger)
{
    public static LocationDefinition Parse(string json, string source)
    {
        LocationDefinition? location;
        try
        {
            location = JsonSerializer.Deserialize(json, DomainJson.Default.LocationDefinition);
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

    // What the folder held at the last look: each file's size and time, and the location it defines.
    private readonly Dictionary<string, (long Length, DateTime Written, string Location)> _seen = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads every file of the folder. A bad file is logged and skipped, so one store's mistake never
    /// keeps a chain's service from starting; a folder with files of which none loads is an error.
    /// </summary>
    public async Task<IReadOnlyList<LocationDefinition>> LoadAllAsync(CancellationToken cancellationToken = default)
    {
        var loaded = new List<LocationDefinition>();
        var refused = new List<string>();
        foreach (var file in Files())
        {
            try
            {
                loaded.Add(await LoadFileAsync(file, cancellationToken).ConfigureAwait(false));
            }
            catch (InvalidDataException ex)
            {
                Log.Refused(logger, file, ex.Message);
                var info = new FileInfo(file);
                _seen[file] = (info.Length, info.LastWriteTimeUtc, "");
                refused.Add(ex.Message);
            }
        }

        if (loaded.Count == 0 && refused.Count > 0)
        {
            throw new InvalidDataException($"no location file could be loaded: {string.Join("; ", refused)}");
        }

        return loaded;
    }

    /// <summary>
    /// Looks at the folder again: loads new and changed files, closes the locations whose file is gone.
    /// A bad file is logged and skipped (the location keeps the menu it had), so one mistake in a
    /// chain's folder never stops the others.
    /// </summary>
    public async Task RescanAsync(CancellationToken cancellationToken = default)
    {
        var files = Files().ToHashSet(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            if (_seen.TryGetValue(file, out var was) && was.Length == info.Length && was.Written == info.LastWriteTimeUtc)
            {
                continue;
            }

            try
            {
                await LoadFileAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                Log.Refused(logger, file, ex.Message);
                _seen[file] = (info.Length, info.LastWriteTimeUtc, was.Location ?? "");
            }
        }

        foreach (var (file, was) in _seen.Where(s => !files.Contains(s.Key)).ToList())
        {
            _seen.Remove(file);
            if (was.Location.Length > 0 && !_seen.Values.Any(v => v.Location == was.Location)
                && await menus.CloseLocationAsync(was.Location, cancellationToken).ConfigureAwait(false))
            {
                Log.Closed(logger, was.Location, file);
            }
        }
    }

    private IEnumerable<string> Files()
    {
        var folder = options.Value.DataPath;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"location data folder '{folder}' does not exist (Restaurant:Locations:DataPath)");
        }

        return Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal);
    }

    private async Task<LocationDefinition> LoadFileAsync(string file, CancellationToken cancellationToken)
    {
        var info = new FileInfo(file);
        var location = Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), file);
        var changed = await menus.LoadLocationAsync(location, cancellationToken).ConfigureAwait(false);
        _seen[file] = (info.Length, info.LastWriteTimeUtc, location.Id);
        Log.Loaded(logger, location.Id, location.Items.Count, location.Stations.Count, changed ? "loaded" : "unchanged");
        return location;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Location {Location}: {Items} menu items, {Stations} stations ({Outcome})")]
        public static partial void Loaded(ILogger logger, string location, int items, int stations, string outcome);

        [LoggerMessage(Level = LogLevel.Error, Message = "Location file {File} was not loaded; the location keeps the menu it had: {Reason}")]
        public static partial void Refused(ILogger logger, string file, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Location {Location} is closed: its file {File} was removed. It takes no new orders; its kitchen finishes what it has")]
        public static partial void Closed(ILogger logger, string location, string file);
    }
}
