using Grpc.Core;
using Restaurant.Contracts.V1;

namespace Restaurant.Web;

/// <summary>/pair and /unpair: a screen is given a device token once, and keeps it in its cookie.</summary>
public static class PairEndpoints
{
    public static void MapPairing(this WebApplication app)
    {
        app.MapGet("/pair", (string? next) => Pages.Pair(LocalPath(next)));
        app.MapPost("/pair", PairAsync).DisableAntiforgery();
        app.MapGet("/unpair", (HttpContext http, DeviceCookie cookie) =>
        {
            cookie.Clear(http);
            return Results.Redirect("/pair");
        });
    }

    private static async Task<IResult> PairAsync(HttpContext http, DeviceCookie cookie, ServiceClients service)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var token = form["token"].ToString().Trim();
        var next = LocalPath(form["next"].ToString());
        if (token.Length == 0)
        {
            return Pages.Pair(next, "Enter the device token.");
        }

        var clients = service.As(token);
        GetDeviceResponse device;
        try
        {
            device = await clients.Devices.GetDeviceAsync(new GetDeviceRequest(), cancellationToken: http.RequestAborted);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            return Pages.Pair(next, "That device token is not known (or was revoked). Check it with your manager.");
        }
        catch (RpcException ex)
        {
            return Pages.Problem("The service is not answering", $"Could not check the token: {ex.Status.Detail}", StatusCodes.Status503ServiceUnavailable);
        }

        cookie.Set(http, token);
        if (next.Length > 0)
        {
            return Results.Redirect(next);
        }

        return Pages.Paired(device.DeviceId, device.Role, device.LocationId, await ScreensAsync(clients, device, http.RequestAborted));
    }

    /// <summary>The screens this device may open: its stations, the manager's view and every station for a manager, the board for a board.</summary>
    private static async Task<IReadOnlyList<(string Href, string Name)>> ScreensAsync(Clients clients, GetDeviceResponse device, CancellationToken cancellationToken)
    {
        var location = device.LocationId;
        if (device.Role == "board")
        {
            return [($"/board/{location}", "Guest board")];
        }

        if (location == "*" || device.Role == "pos")
        {
            return [];
        }

        var menu = await clients.Menu.GetMenuAsync(new GetMenuRequest { LocationId = location }, cancellationToken: cancellationToken);
        return
        [
            .. device.Role == "manager" ? new[] { ($"/manager/{location}", "Manager's view") } : [],
            .. menu.Stations
                .Where(s => device.Role == "manager" || device.StationIds.Contains(s.StationId))
                .Select(s => ($"/kds/{location}/{s.StationId}", s.Name)),
        ];
    }

    /// <summary>Only a path of this site is followed after pairing, never another site's address.</summary>
    private static string LocalPath(string? next) =>
        next is { Length: > 1 } && next[0] == '/' && next[1] != '/' && next[1] != '\\' ? next : "";
}
