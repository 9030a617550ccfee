using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Restaurant.Web.Extensions;

public static class WebHostExtensions
{
    public static WebApplicationBuilder AddRestaurantWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section)
            .Validate(o => Uri.TryCreate(o.Server, UriKind.Absolute, out var server) && server.Scheme is "http" or "https", $"{WebOptions.Section}:Server must be an http or https address")
            .Validate(o => o.StaleAfter > TimeSpan.Zero && o.BoardLinger >= TimeSpan.Zero, $"{WebOptions.Section}: StaleAfter must be more than zero and BoardLinger not negative")
            .ValidateOnStart();
        builder.Services.AddDataProtection().SetApplicationName("Restaurant.Web");

        // With a keys folder the keys that sign pairing cookies outlive a restart; without, they are in memory.
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<WebOptions>, ILoggerFactory>((keys, web, logs) =>
        {
            if (!string.IsNullOrEmpty(web.Value.KeysPath))
            {
                keys.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(web.Value.KeysPath), logs);
            }
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceClients>();
        builder.Services.AddSingleton<DeviceCookie>();
        return builder;
    }

    public static WebApplication MapRestaurantWeb(this WebApplication app)
    {
        app.Use(SameOriginPosts);
        app.UseStaticFiles();
        app.MapGet("/", () => Results.Redirect("/pair"));
        app.MapPairing();
        app.MapStationScreens();
        app.MapGuestBoard();
        app.MapManagerPage();
        return app;
    }

    /// <summary>
    /// A POST from another site is refused: the cookie is SameSite=Strict already, and a browser's
    /// Origin header says where a form or a fetch came from.
    /// </summary>
    private static async Task SameOriginPosts(HttpContext http, Func<Task> next)
    {
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.Headers.Origin is [{ } origin]
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync("cross-site request refused");
            return;
        }

        await next();
    }
}
