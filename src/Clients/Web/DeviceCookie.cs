using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Restaurant.Web;

/// <summary>
/// The paired device's token, kept in an HttpOnly, SameSite=Strict cookie that Data Protection
/// encrypts and signs: page script never sees it, no URL carries it, and another site cannot send it.
/// </summary>
public sealed class DeviceCookie(IDataProtectionProvider protection)
{
    public const string Name = "restaurant_device";

    private readonly IDataProtector _protector = protection.CreateProtector("Restaurant.Web.DeviceToken.v1");

    public void Set(HttpContext http, string token) =>
        http.Response.Cookies.Append(Name, _protector.Protect(token), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });

    public void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, new CookieOptions { Path = "/", SameSite = SameSiteMode.Strict, HttpOnly = true });

    /// <summary>The paired token, or null when the page is not paired (or the cookie was not made here).</summary>
    public string? Token(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(Name, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
