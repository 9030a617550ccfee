using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Chain;

public sealed class ChainSettings : CommandSettings
{
    [CommandOption("--count <N>")]
    [Description("How many locations (default 50, at most 5000).")]
    public int Count { get; init; } = 50;

    [CommandOption("--out <FOLDER>")]
    [Description("Where the location files go (created if missing), one {id}.json each.")]
    public string Out { get; init; } = "";

    [CommandOption("--from <FILE>")]
    [Description("The location file every location is made from (default data/locations/demo.json).")]
    public string From { get; init; } = Path.Combine("data", "locations", "demo.json");

    [CommandOption("--prefix <ID>")]
    [Description("Location ids are {prefix}-001, {prefix}-002, … (default store).")]
    public string Prefix { get; init; } = "store";

    public override ValidationResult Validate() =>
        Count is < 1 or > 5000 ? ValidationResult.Error("--count must be 1 to 5000")
        : Out.Length == 0 ? ValidationResult.Error("--out is required")
        : !File.Exists(From) ? ValidationResult.Error($"--from '{From}' does not exist")
        : ValidationResult.Success();
}

/// <summary>
/// Generates a chain's location files from one location: the same kitchen under other ids and names,
/// with prep times that differ a little from store to store, and every fourth store without a pizza
/// oven (no pizza station, none of its dishes or modifiers). For tests, load runs and demos of a chain.
/// </summary>
public sealed class ChainCommand : Command<ChainSettings>
{
    private const string Oven = "pizza";

    public override int Execute(CommandContext context, ChainSettings settings, CancellationToken cancellationToken)
    {
        var template = JsonNode.Parse(File.ReadAllText(settings.From), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        Directory.CreateDirectory(settings.Out);
        var options = new JsonSerializerOptions { WriteIndented = true };
        for (var i = 1; i <= settings.Count; i++)
        {
            var location = Make(template, i, settings.Prefix);
            File.WriteAllText(Path.Combine(settings.Out, $"{location["id"]}.json"), location.ToJsonString(options));
        }

        AnsiConsole.MarkupLineInterpolated($"wrote {settings.Count} locations to {settings.Out} ({settings.Prefix}-001 to {settings.Prefix}-{settings.Count:000})");
        return 0;
    }

    public static JsonObject Make(JsonObject template, int number, string prefix)
    {
        var location = template.DeepClone().AsObject();
        location["id"] = $"{prefix}-{number:000}";
        location["name"] = $"{(string?)template["name"]} #{number.ToString(CultureInfo.InvariantCulture)}";
        var noOven = number % 4 == 0 && location["stations"]!.AsArray().Any(s => (string?)s!["id"] == Oven);
        if (noOven)
        {
            Remove(location["stations"]!.AsArray(), s => (string?)s["id"] == Oven);
            Remove(location["items"]!.AsArray(), i => (string?)i["station"] == Oven);
            var gone = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (location["modifiers"] is JsonArray modifiers)
            {
                foreach (var m in modifiers.Where(m => (string?)m!["station"] == Oven))
                {
                    gone.Add((string)m!["name"]!);
                }

                Remove(modifiers, m => (string?)m["station"] == Oven);
            }

            foreach (var item in location["items"]!.AsArray())
            {
                if (item!["modifiers"] is JsonArray allowed)
                {
                    Remove(allowed, m => gone.Contains((string)m!));
                }
            }

            // A delivery platform's item for a dish this store does not make is not on its menu there.
            var kept = location["items"]!.AsArray().Select(i => (string)i!["id"]!).ToHashSet(StringComparer.Ordinal);
            if (location["deliveries"] is JsonObject deliveries)
            {
                foreach (var (_, platform) in deliveries)
                {
                    if (platform?["items"] is JsonObject items)
                    {
                        foreach (var theirs in items.Where(i => !kept.Contains((string)i.Value!)).Select(i => i.Key).ToList())
                        {
                            items.Remove(theirs);
                        }
                    }
                }
            }
        }

        // The same dish takes a little more or less time from one kitchen to the next: 80 % to 120 %.
        var random = new Random(number);
        foreach (var item in location["items"]!.AsArray())
        {
            var prep = (int)item!["prep_seconds"]!;
            item["prep_seconds"] = Math.Max(30, (int)Math.Round(prep * (0.8 + 0.4 * random.NextDouble()) / 30) * 30);
        }

        return location;
    }

    private static void Remove(JsonArray array, Func<JsonNode, bool> unwanted)
    {
        for (var i = array.Count - 1; i >= 0; i--)
        {
            if (array[i] is { } node && unwanted(node))
            {
                array.RemoveAt(i);
            }
        }
    }
}
