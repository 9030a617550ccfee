using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Device;

public sealed class DeviceSettings : CommandSettings
{
    [CommandOption("--id <ID>")]
    [Description("The device's name, e.g. pos-3 or grill-left.")]
    public string Id { get; init; } = "";

    [CommandOption("--role <ROLE>")]
    [Description("pos, kitchen or manager.")]
    public string Role { get; init; } = "";

    [CommandOption("-l|--location <ID>")]
    [Description("Its location, or * for a chain-wide manager.")]
    public string Location { get; init; } = "demo";

    [CommandOption("--station <ID>")]
    [Description("For a kitchen screen: a station it serves (repeatable).")]
    public string[] Stations { get; init; } = [];

    public override ValidationResult Validate()
    {
        if (Id.Length == 0)
        {
            return ValidationResult.Error("--id is required");
        }

        if (Role is not ("pos" or "kitchen" or "manager" or "board"))
        {
            return ValidationResult.Error("--role must be pos, kitchen, manager or board");
        }

        return Role is "kitchen" or "board" && Stations.Length == 0 ? ValidationResult.Error($"a {Role} device needs at least one --station") : ValidationResult.Success();
    }
}

/// <summary>
/// Provisions a device: prints a fresh token for the device itself and the entry (with only the
/// token's hash) to put in the OrderService's devices file.
/// </summary>
public sealed class DeviceCommand : Command<DeviceSettings>
{
    public override int Execute(CommandContext context, DeviceSettings settings, CancellationToken cancellationToken)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var entry = new Dictionary<string, object>
        {
            ["Id"] = settings.Id,
            ["Role"] = settings.Role,
            ["Location"] = settings.Location,
            ["TokenSha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))),
            ["Stations"] = settings.Stations,
        };
        AnsiConsole.MarkupLineInterpolated($"Token for the device (give it to the device, store it nowhere else): [bold]{token}[/]");
        AnsiConsole.WriteLine("Entry for the devices file (Restaurant:Devices):");
        Console.WriteLine(JsonSerializer.Serialize(entry, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
