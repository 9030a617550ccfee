using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Common;

/// <summary>Where the OrderService is and which location to work in; every command takes these.</summary>
public class ServerSettings : CommandSettings
{
    [CommandOption("-s|--server <URL>")]
    [Description("The OrderService address (default: $RESTAURANT_SERVER or http://127.0.0.1:5080).")]
    public string Server { get; init; } = Environment.GetEnvironmentVariable("RESTAURANT_SERVER") ?? "http://127.0.0.1:5080";

    [CommandOption("-l|--location <ID>")]
    [Description("The restaurant location (default: $RESTAURANT_LOCATION or demo).")]
    public string Location { get; init; } = Environment.GetEnvironmentVariable("RESTAURANT_LOCATION") ?? "demo";

    [CommandOption("-k|--token <TOKEN>")]
    [Description("This device's bearer token (default: $RESTAURANT_TOKEN); run.sh prints the demo devices' tokens.")]
    public string Token { get; init; } = Environment.GetEnvironmentVariable("RESTAURANT_TOKEN") ?? "";

    public override ValidationResult Validate() =>
        Uri.TryCreate(Server, UriKind.Absolute, out _) ? ValidationResult.Success() : ValidationResult.Error($"--server '{Server}' is not a URL");
}
